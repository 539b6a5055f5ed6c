"""What the adjustment pages show: rounds, a round's contestants with their records, one contestant's history."""

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app import rules
from app.accounts.models import User
from app.adjustments import vetoes
from app.adjustments.models import AdjustmentRecord, VetoRecord
from app.adjustments.services import current, get_round, history, scoped_entry
from app.adjustments.vetoes import VetoStatus
from app.contests.models import Contest, Round
from app.entries.models import Entry
from app.extensions import db
from app.places.models import Township, Village


@dataclass
class ContestantRow:
    entry: Entry
    adjustments: list[AdjustmentRecord] = field(default_factory=list)
    vetoes: list[VetoStatus] = field(default_factory=list)


def contests() -> list[Contest]:
    """Contests with their rounds, newest first."""
    # The index counts each round's items: load them here rather than two queries a round in the template.
    rounds = selectinload(Contest.rounds)
    return list(db.session.execute(select(Contest).options(rounds.selectinload(Round.adjustment_items),
                                                           rounds.selectinload(Round.veto_items))
                                   .order_by(Contest.year.desc(), Contest.id.desc())).scalars())


def round_rows(actor: User, round_id: int, q: str = "") -> tuple[Round, list[ContestantRow]]:
    """The round's contestants in the actor's scope, with current adjustments, vetoes in force and proposals waiting."""
    rnd = get_round(round_id)
    query = (select(Entry).where(Entry.contest_id == rnd.contest_id, Entry.active)
             .options(selectinload(Entry.county), selectinload(Entry.township), selectinload(Entry.village),
                      selectinload(Entry.group)).order_by(Entry.public_number))
    query = rules.visible(query, Entry.county_id, actor)
    q = q.strip()
    if q:
        like = f"%{q}%"
        query = (query.join(Township, Township.id == Entry.township_id)
                 .outerjoin(Village, Village.id == Entry.village_id)
                 .where(or_(Entry.public_number.ilike(like), Township.name.ilike(like), Village.name.ilike(like))))
    entries = list(db.session.execute(query).scalars())
    rows = {e.id: ContestantRow(e) for e in entries}
    for record in current(rnd.id):
        if record.entry_id in rows:
            rows[record.entry_id].adjustments.append(record)
    for entry_id, shown in vetoes.statuses(vetoes.vetoes_of(rnd.id)).items():
        if entry_id in rows:
            rows[entry_id].vetoes = shown
    return rnd, list(rows.values())


@dataclass
class EntryPage:
    round: Round
    entry: Entry
    current: list[AdjustmentRecord]
    history: list[AdjustmentRecord]
    vetoes: list[VetoStatus]  # items with a veto in force or a proposal waiting
    veto_history: list[VetoRecord]  # every version, newest first


def entry_page(actor: User, round_id: int, entry_id: int) -> EntryPage:
    rnd = get_round(round_id)
    entry = scoped_entry(actor, rnd, entry_id)
    versions = vetoes.vetoes_of(rnd.id, [entry.id])
    return EntryPage(rnd, entry, current(rnd.id, [entry.id]), history(rnd.id, [entry.id]),
                     vetoes.statuses(versions).get(entry.id, []), versions)
