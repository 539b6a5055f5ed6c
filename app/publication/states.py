"""The states of a publication, a 公示 and an objection, each with its allowed next states declared once.

Stored as their string values (the columns stay strings); a move not declared here raises TransitionError.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from app.errors import DomainError

S = TypeVar("S", bound=StrEnum)


class TransitionError(DomainError):
    """A move between two states that the state machine does not allow."""

    def __init__(self, current: StrEnum, target: StrEnum) -> None:
        super().__init__(f"状态不能从“{current.value}”变为“{target.value}”")


def checked_move(current: S, target: S, allowed: Mapping[S, frozenset[S]]) -> S:
    """`target` when `allowed` lets `current` move there; otherwise TransitionError."""
    if target not in allowed[current]:
        raise TransitionError(current, target)
    return target


class PublicationState(StrEnum):
    """A published version: published, then finalized (定榜) when its 公示 ends without a correction."""

    PUBLISHED = "published"
    FINALIZED = "finalized"

    def move_to(self, target: "PublicationState") -> "PublicationState":
        return checked_move(self, target, PUBLICATION_MOVES)


PUBLICATION_MOVES: Mapping[PublicationState, frozenset[PublicationState]] = {
    PublicationState.PUBLISHED: frozenset({PublicationState.FINALIZED}),
    PublicationState.FINALIZED: frozenset(),
}


class NoticeState(StrEnum):
    """A 公示 as stored: open, finalized, or superseded by a newer version (a finalized one too, when corrected)."""

    OPEN = "open"
    FINALIZED = "finalized"
    SUPERSEDED = "superseded"

    def move_to(self, target: "NoticeState") -> "NoticeState":
        return checked_move(self, target, NOTICE_MOVES)


NOTICE_MOVES: Mapping[NoticeState, frozenset[NoticeState]] = {
    NoticeState.OPEN: frozenset({NoticeState.FINALIZED, NoticeState.SUPERSEDED}),
    NoticeState.FINALIZED: frozenset({NoticeState.SUPERSEDED}),
    NoticeState.SUPERSEDED: frozenset(),
}


class NoticePhase(StrEnum):
    """A 公示 as people read it on a given day: its stored state, or `ended` for an open one past its period."""

    OPEN = "open"
    ENDED = "ended"
    FINALIZED = "finalized"
    SUPERSEDED = "superseded"


class ObjectionState(StrEnum):
    """An objection: open until its 复核 maintains the result or corrects it."""

    OPEN = "open"
    MAINTAINED = "maintained"
    CORRECTED = "corrected"

    def move_to(self, target: "ObjectionState") -> "ObjectionState":
        return checked_move(self, target, OBJECTION_MOVES)


OBJECTION_MOVES: Mapping[ObjectionState, frozenset[ObjectionState]] = {
    ObjectionState.OPEN: frozenset({ObjectionState.MAINTAINED, ObjectionState.CORRECTED}),
    ObjectionState.MAINTAINED: frozenset(),
    ObjectionState.CORRECTED: frozenset(),
}
