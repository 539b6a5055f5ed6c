"""What an organizer's home page shows: the current contest and its numbers, in scope."""

from dataclasses import dataclass

from sqlalchemy import func, select

from app import rules
from app.accounts.models import User
from app.contests.current import current_contest
from app.contests.models import Contest
from app.entries.models import Entry
from app.extensions import db
from app.judges.models import Judge


@dataclass(frozen=True)
class GroupCount:
    name: str
    entries: int


@dataclass(frozen=True)
class ContestSummary:
    contest: Contest
    groups: list[GroupCount]
    judges: int
    rounds: list[tuple[str, str, str]]  # name, weight %, how judged


def contest_summary(actor: User) -> ContestSummary | None:
    contest = current_contest()
    if contest is None:
        return None
    counts = select(Entry.group_id, func.count(Entry.id)).where(Entry.contest_id == contest.id, Entry.active)
    judges = select(func.count(Judge.id)).where(Judge.contest_id == contest.id, Judge.active)
    counts = rules.visible(counts, Entry.county_id, actor)
    judges = rules.visible(judges, Judge.home_county_id, actor)
    by_group = dict(db.session.execute(counts.group_by(Entry.group_id)).tuples().all())
    total_weight = sum((r.weight for r in contest.rounds), start=0) or 1
    return ContestSummary(
        contest=contest,
        groups=[GroupCount(g.name, by_group.get(g.id, 0)) for g in contest.groups if g.parent_id is None],
        judges=db.session.execute(judges).scalar_one(),
        rounds=[(r.name, f"{(r.weight * 100 / total_weight):.0f}%", r.mode_label) for r in contest.rounds],
    )
