"""States declared once with their allowed next states and Chinese labels (as pretalx's SubmissionStates)."""

from collections.abc import Mapping
from enum import EnumType, StrEnum
from types import MappingProxyType
from typing import Any, Self

from sqlalchemy import Dialect, String, TypeDecorator

from app.errors import DomainError


class TransitionRefused(DomainError):
    """A move between two states that the state's machine does not allow; the message names both."""


def _declared(enum_class: type, name: str) -> Any:
    """What a state enum declares with enum.nonmember (`noun`, `labels`, `transitions`); read by name, as
    type checkers take every attribute of an enum's body for a member."""
    return getattr(enum_class, name)


class _StateType(EnumType):
    """Checks each state enum's declaration once, at import: every state has a label, and every transition
    goes from a state to a state of the same enum (a typo fails at start, not on the day of the contest)."""

    def __new__(metacls, cls: str, bases: tuple[type, ...], classdict: Any, **kwds: Any) -> Any:
        enum_class = super().__new__(metacls, cls, bases, classdict, **kwds)
        members: list[Any] = list(enum_class.__members__.values())
        if not members:  # the base itself
            return enum_class
        labels: Mapping[str, str] = _declared(enum_class, "labels")
        transitions: Mapping[str, Any] = _declared(enum_class, "transitions")
        values = {m.value for m in members}
        missing = values - labels.keys()
        strangers = (labels.keys() | transitions.keys() | {n for ns in transitions.values() for n in ns}) - values
        if missing or strangers:
            raise TypeError(f"{cls}: labels missing for {sorted(missing)}, not states: {sorted(strangers)}")
        # Stored as members, read only: a machine is declared once and never changed at run time.
        type.__setattr__(enum_class, "transitions", MappingProxyType({
            m: frozenset(enum_class(n) for n in transitions.get(m.value, ())) for m in members}))
        type.__setattr__(enum_class, "labels", MappingProxyType({m: labels[m.value] for m in members}))
        return enum_class


class State(StrEnum, metaclass=_StateType):
    """A state enum: its values are the strings stored in the database (so `state == "submitted"` and
    stored rows keep working); a subclass declares, with enum.nonmember, `noun` (what has the state, in
    Chinese), `labels` (value -> Chinese label) and `transitions` (value -> the values it may become):

        class VetoState(State):
            PROPOSED = "proposed"
            CONFIRMED = "confirmed"
            noun = nonmember("一票否决")
            labels = nonmember({PROPOSED: "待确认", CONFIRMED: "已确认"})
            transitions = nonmember({PROPOSED: (CONFIRMED,)})

    Columns keep String(…): a row read back holds the plain string, equal to its member."""

    @property
    def label(self) -> str:
        return str(_declared(type(self), "labels")[self])

    def can_become(self, state: str) -> bool:
        """Whether the machine allows the move from this state to `state` (a member or its stored string)."""
        return state in _declared(type(self), "transitions")[self]

    @classmethod
    def label_of(cls, value: str) -> str:
        """The Chinese label of a stored value; an unknown value (never written by this code) shows as is."""
        try:
            return cls(value).label
        except ValueError:
            return value

    @classmethod
    def check_transition(cls, current: str, state: str, refused: str | None = None) -> Self:
        """The member for `state` if the machine allows moving there from `current`; else TransitionRefused
        with `refused`, or both states in words: 评分表当前为“已提交”，不能改为“草稿”."""
        target = cls(state)
        if not cls(current).can_become(target):
            noun = _declared(cls, "noun")
            raise TransitionRefused(refused or f"{noun}当前为“{cls.label_of(current)}”，不能改为“{target.label}”")
        return target


class StateColumn(TypeDecorator[Any]):
    """A state column: VARCHAR as before (no migration, stored rows unchanged), read back as the enum's member
    (so `sheet.state.label` works) and refused on write when not one of its states."""

    impl = String
    cache_ok = True

    def __init__(self, states: type[State], length: int = 16) -> None:
        super().__init__(length)
        self.states = states

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else str(self.states(value).value)

    def process_result_value(self, value: Any, dialect: Dialect) -> State | None:
        return None if value is None else self.states(value)
