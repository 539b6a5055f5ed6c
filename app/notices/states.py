"""A 公示's stored state and the phase people read on a given day, and an objection's state, with their moves."""

from enum import StrEnum, nonmember

from app.states import State


class NoticeState(State):
    """Open for N working days, then finalized; superseded by a newer version (a finalized one too, corrected)."""

    OPEN = "open"
    FINALIZED = "finalized"
    SUPERSEDED = "superseded"

    noun = nonmember("公示")
    labels = nonmember({OPEN: "公示中", FINALIZED: "已终结", SUPERSEDED: "已被新版本取代"})
    transitions = nonmember({OPEN: (FINALIZED, SUPERSEDED), FINALIZED: (SUPERSEDED,)})

    @property
    def finalized(self) -> bool:
        return self is NoticeState.FINALIZED

    @property
    def superseded(self) -> bool:
        return self is NoticeState.SUPERSEDED


class NoticePhase(StrEnum):
    """A notice as read on a day: its stored state, or `ended` for an open one whose period is over, waiting
    for the organizer to finalize it (services.phase_of). Derived, never stored: no moves of its own."""

    OPEN = "open"
    ENDED = "ended"
    FINALIZED = "finalized"
    SUPERSEDED = "superseded"

    @property
    def ended(self) -> bool:
        """Open, its period over: no more objections on the web, waiting for the organizer to finalize it."""
        return self is NoticePhase.ENDED

    @property
    def finalized(self) -> bool:
        return self is NoticePhase.FINALIZED

    @property
    def superseded(self) -> bool:
        return self is NoticePhase.SUPERSEDED


class ObjectionState(State):
    """Open until its 复核 maintains the published result or corrects it."""

    OPEN = "open"
    MAINTAINED = "maintained"
    CORRECTED = "corrected"

    noun = nonmember("异议")
    labels = nonmember({OPEN: "待复核", MAINTAINED: "维持原结果", CORRECTED: "更正"})
    transitions = nonmember({OPEN: (MAINTAINED, CORRECTED)})
