"""The judge's list as a hall needs it: the current session first, finished rounds on one line, a cheap poll."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, select
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.contests.models import Round
from app.errors import ForbiddenError, NotFoundError
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import ScoreSheet, SheetState
from app.judging.pages import RoundList, ToScore, my_rounds
from app.panels.models import Assignment, RoundAbsence, ScoringWindow, SessionSlot

# A round of up to this many contestants is listed whole (a visiting team's villages, a test's few).
SMALL_ROUND = 30
# What the hidden rows of a round are counted as, in this order (草稿 and 待更正 rows are never hidden).
HIDDEN = (SheetState.SUBMITTED, SheetState.OPEN, SheetState.LATE)
# Bumped when the list shows something new, so that phones polling across a deploy fetch it once.
FORMAT = "1"


@dataclass(frozen=True)
class RoundView:
    """One round of the polled list: everything (small round), the session that matters, or one line."""

    round: Round
    done: int
    expected: int
    late: int
    finished: bool = False  # nothing left to score and nobody on stage: one line
    items: list[ToScore] = field(default_factory=list)  # the focus session(s), or all rows of a small round
    others: list[ToScore] = field(default_factory=list)  # other sessions' sheets waiting for the judge
    focus: str = ""  # the focus session's name(s); "" when the round is listed whole
    hidden: list[tuple[str, int]] = field(default_factory=list)  # rows not shown by state: [("已提交", 40), …]

    @property
    def hidden_count(self) -> int:
        return sum(n for _, n in self.hidden)

    @property
    def stage(self) -> list[ToScore]:
        """Who is on stage, for the shortcut above the list (a session may run to 50 rows)."""
        return [i for i in self.items + self.others if i.on_stage and not i.absent]


@dataclass(frozen=True)
class Listing:
    """What the polled list shows, and the fingerprint the phone sends back with its next poll."""

    seen: str
    current: list[RoundView]  # rounds with work left, in their order
    finished: list[RoundView]

    @property
    def rounds(self) -> list[RoundView]:
        return self.current + self.finished


def listing(user: User, unless_seen: str | None = None) -> Listing | None:
    """The judge's list; None when `unless_seen`, the fingerprint of the list on the phone, is still current."""
    seen = fingerprint(user)  # first: a change while the rows are read then shows at the next poll
    if unless_seen == seen:
        return None
    views = [_view(rl) for rl in my_rounds(user)]
    return Listing(seen, [v for v in views if not v.finished], [v for v in views if v.finished])


def _view(rl: RoundList) -> RoundView:
    late = sum(1 for i in rl.items if i.state == SheetState.LATE and not i.absent)
    if not any(i.to_do or i.on_stage for i in rl.items):
        return RoundView(rl.round, rl.done, rl.expected, late, finished=True)
    if len(rl.items) <= SMALL_ROUND:
        return RoundView(rl.round, rl.done, rl.expected, late, items=rl.items)
    slot = _focus(rl.items)
    items = [i for i in rl.items if i.starts == slot]
    others = [i for i in rl.items if i.starts != slot and (i.needs_action or i.on_stage)]
    shown = {i.entry_id for i in items + others}
    rest = [i for i in rl.items if i.entry_id not in shown]
    hidden = [(state.label, n) for state in HIDDEN
              if (n := sum(1 for i in rest if i.state == state and not i.absent))]
    if absent := sum(1 for i in rest if i.absent):
        hidden.append(("缺席", absent))
    names = "、".join(dict.fromkeys(i.session for i in items if i.session))
    when = f"（{slot.month}月{slot.day}日 {slot:%H:%M}）" if slot else ""
    # A round without sessions (site visits go village by village) names none; one whose sessions leave
    # these contestants out says so.
    focus = names + when if names else ("尚未排入场次的参赛人" if any(i.session for i in rl.items) else "")
    return RoundView(rl.round, rl.done, rl.expected, late, items=items, others=others, focus=focus, hidden=hidden)


def _focus(items: list[ToScore]) -> datetime | None:
    """The start of the session on stage, else of the earliest session with sheets to score (None: not placed).

    Sessions starting at the same time are shown together: nothing says which of them comes first."""
    for item in items:
        if item.on_stage:
            return item.starts
    starts = {i.starts for i in items if i.to_do}
    placed = [s for s in starts if s is not None]
    return min(placed) if placed else None


def round_of(user: User, round_id: int) -> RoundList:
    """All the judge's contestants of one round (查看全部): 404 for an unknown round, 403 for one not theirs."""
    if db.session.get(Round, round_id) is None:
        raise NotFoundError("轮次不存在")
    found = my_rounds(user, round_id)
    if not found:
        raise ForbiddenError("您在该轮次没有需要评分的参赛人")
    return found[0]


def fingerprint(user: User) -> str:
    """A short digest of everything the list shows that can change during a contest, in one aggregate query:
    the judge's assignments, their sheets by state (ids summed, so two sheets trading states still show), the
    corrections asked, absences, places in the running order and the open windows of their contestants (the
    stage: counted and ids summed, ids only grow, so no opening and closing can cancel out).

    Names (of contestants, sessions, rounds) are left out: they are set up before the day, and show at the next
    change or reload."""
    row = db.session.execute(_fingerprint_query(), {"user_id": user.id}).one()
    text = "|".join(str(value) for value in (FORMAT, user.id, *row))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@cache
def _fingerprint_query() -> Select[Any]:
    """Built once: building the statement costs more than SQLite takes to run it (≈ 3 ms for 1,300 rows)."""
    judges = select(Judge.id).where(Judge.user_id == bindparam("user_id"), Judge.active)
    per_state = [agg for state in SheetState for agg in (
        func.count(case((ScoreSheet.state == state, 1))), func.sum(case((ScoreSheet.state == state, ScoreSheet.id))))]
    mine = aliased(Assignment)  # not the outer query's: a window counts when it is of one of the judge's own
    stage = (select(func.count(ScoringWindow.id))
             .join(mine, and_(mine.round_id == ScoringWindow.round_id, mine.entry_id == ScoringWindow.entry_id))
             .where(mine.judge_id.in_(judges), ScoringWindow.closed_at.is_(None)))
    return (
        select(func.count(Assignment.id), func.sum(Assignment.id), *per_state,
               func.count(ScoreSheet.correction_requested_at),
               func.sum(case((ScoreSheet.correction_requested_at.is_not(None), ScoreSheet.id))),
               func.count(RoundAbsence.id), func.sum(RoundAbsence.id),
               func.sum(SessionSlot.session_id), func.sum(SessionSlot.session_id * SessionSlot.entry_id),
               func.sum(SessionSlot.position), func.sum(SessionSlot.position * SessionSlot.entry_id),
               stage.scalar_subquery(), stage.with_only_columns(func.sum(ScoringWindow.id)).scalar_subquery())
        .select_from(Assignment)
        .outerjoin(ScoreSheet, and_(ScoreSheet.round_id == Assignment.round_id,
                                    ScoreSheet.judge_id == Assignment.judge_id,
                                    ScoreSheet.entry_id == Assignment.entry_id))
        .outerjoin(RoundAbsence, and_(RoundAbsence.round_id == Assignment.round_id,
                                      RoundAbsence.entry_id == Assignment.entry_id, RoundAbsence.in_effect.is_(True)))
        .outerjoin(SessionSlot, and_(SessionSlot.round_id == Assignment.round_id,
                                     SessionSlot.entry_id == Assignment.entry_id))
        .where(Assignment.judge_id.in_(judges))
    )
