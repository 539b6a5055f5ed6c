"""Entries' answers to contest set-up's questions through app/signals.py: how many entries, which groups in use."""

from sqlalchemy import func, or_, select

from app import signals
from app.entries.models import Entry
from app.extensions import db


@signals.entries_per_contest.connect
def entries_per_contest(_sender: None) -> dict[int, int]:
    return dict(db.session.execute(
        select(Entry.contest_id, func.count(Entry.id)).where(Entry.active).group_by(Entry.contest_id)).tuples().all())


@signals.entries_per_group.connect
def entries_per_group(contest_id: int) -> dict[int, int]:
    counts: dict[int, int] = {}
    for column in (Entry.group_id, Entry.subgroup_id):
        rows = db.session.execute(select(column, func.count(Entry.id)).where(
            Entry.contest_id == contest_id, column.is_not(None)).group_by(column)).tuples()
        for group_id, count in rows:
            if group_id is not None:
                counts[group_id] = counts.get(group_id, 0) + count
    return counts


@signals.group_in_use.connect
def group_in_use(group_id: int) -> bool:
    used = select(func.count(Entry.id)).where(or_(Entry.group_id == group_id, Entry.subgroup_id == group_id))
    return bool(db.session.execute(used).scalar_one())
