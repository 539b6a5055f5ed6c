"""What the supervisor's home shows: the log's size and what waits for a supervisor's eye now."""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.adjustments.models import VetoRecord, VetoState
from app.audit.models import AuditEvent
from app.contests.current import current_contest
from app.extensions import db
from app.notices.services import NoticeLine, latest_notices
from app.results.assemble import all_scopes


@dataclass(frozen=True)
class Overview:
    events: int
    vetoes_waiting: int  # proposals (a veto or its withdrawal) only a supervisor can confirm or reject
    objections_waiting: int  # objections not yet reviewed (复核), on the current notices
    results: list[tuple[str, NoticeLine | None]] = field(default_factory=list)  # each scope's name, newest notice


def overview() -> Overview:
    events = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
    vetoes = db.session.execute(select(func.count(VetoRecord.id))
                                .where(VetoRecord.state == VetoState.PROPOSED)).scalar_one()
    contest = current_contest()
    if contest is None:
        return Overview(events, vetoes, 0)
    latest = latest_notices(contest.id)  # a scope's newest notice is never superseded: nothing to leave out
    return Overview(events, vetoes, sum(line.open_objections for line in latest.values()),
                    [(name, latest.get(key)) for key, name in all_scopes(contest)])
