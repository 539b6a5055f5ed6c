"""Veto use cases: an organizer proposes (or withdraws), a supervisor confirms or rejects; every step audited."""

from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.adjustments.models import VetoRecord
from app.adjustments.services import get_round, scoped_entry
from app.audit import services as audit
from app.contests.models import VetoItem
from app.errors import DomainError, ForbiddenError, NotFoundError
from app.extensions import db
from app.timeutil import utcnow

REASON_LIMIT = 300


def veto_fields(veto: VetoRecord) -> dict[str, Any]:
    return {"round": veto.round_id, "entry": veto.entry_id, "item": veto.item_id, "reason": veto.reason,
            "state": veto.state, "proposed_by": veto.proposed_by_id, "decided_by": veto.decided_by_id,
            "decided_at": veto.decided_at.isoformat() if veto.decided_at else None,
            "decision_note": veto.decision_note}


def _text(value: str, what: str, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise DomainError(f"请填写{what}")
    if len(value) > REASON_LIMIT:
        raise DomainError(f"{what}不能超过 {REASON_LIMIT} 个字")
    return value


def propose_veto(actor: User, round_id: int, entry_id: int, item_id: int | None, reason: str) -> VetoRecord:
    """An organizer proposes a veto under a configured item; it waits for a supervisor."""
    rnd = get_round(round_id)
    entry = scoped_entry(actor, rnd, entry_id)
    item = db.session.get(VetoItem, item_id) if item_id else None
    if item is None or item.round_id != rnd.id:
        raise DomainError("请选择本轮的一票否决事项")
    text = _text(reason, "否决事由", required=True)
    open_one = db.session.execute(select(VetoRecord.id).where(
        VetoRecord.round_id == rnd.id, VetoRecord.entry_id == entry.id, VetoRecord.item_id == item.id,
        VetoRecord.state.in_(("proposed", "confirmed")))).first()
    if open_one is not None:
        raise DomainError(f"该参赛人已有“{item.name}”的待确认或已生效否决，不能重复提出")
    veto = VetoRecord(round_id=rnd.id, entry_id=entry.id, item_id=item.id, reason=text, state="proposed",
                      proposed_by_id=actor.id)
    db.session.add(veto)
    db.session.flush()
    audit.record("veto_proposed", "veto_record", veto.id, after=veto_fields(veto))
    db.session.commit()
    return veto


def _veto(veto_id: int) -> VetoRecord:
    veto = db.session.get(VetoRecord, veto_id)
    if veto is None:
        raise NotFoundError("否决记录不存在")
    return veto


def withdraw_veto(actor: User, veto_id: int) -> VetoRecord:
    """The organizer takes back a proposal that no supervisor has decided yet."""
    veto = _veto(veto_id)
    scoped_entry(actor, get_round(veto.round_id), veto.entry_id)
    if veto.state != "proposed":
        raise DomainError(f"该否决{veto.state_label}，不能撤回")
    before = veto_fields(veto)
    veto.state = "withdrawn"
    audit.record("veto_withdrawn", "veto_record", veto.id, before=before, after=veto_fields(veto))
    db.session.commit()
    return veto


def decide_veto(actor: User, veto_id: int, confirm: bool, note: str) -> VetoRecord:
    """A supervisor confirms (the veto takes effect) or rejects (a note is required) a proposed veto."""
    veto = _veto(veto_id)
    if actor.role != "supervisor":
        raise ForbiddenError("只有监督员可以确认或驳回一票否决")
    if veto.proposed_by_id == actor.id:
        raise ForbiddenError("不能确认或驳回自己提出的一票否决")
    if veto.state != "proposed":
        raise DomainError(f"该否决{veto.state_label}，不能再次处理")
    text = _text(note, "驳回理由" if not confirm else "意见", required=not confirm)
    before = veto_fields(veto)
    veto.state = "confirmed" if confirm else "rejected"
    veto.decided_by_id, veto.decided_at, veto.decision_note = actor.id, utcnow(), text
    audit.record("veto_confirmed" if confirm else "veto_rejected", "veto_record", veto.id,
                 before=before, after=veto_fields(veto))
    db.session.commit()
    return veto


def vetoes_of(round_id: int, entry_ids: list[int] | None = None) -> list[VetoRecord]:
    query = select(VetoRecord).where(VetoRecord.round_id == round_id)
    if entry_ids is not None:
        query = query.where(VetoRecord.entry_id.in_(entry_ids))
    return list(db.session.execute(query.order_by(VetoRecord.id)).scalars())


def for_review() -> tuple[list[VetoRecord], list[VetoRecord]]:
    """The supervisor's list: proposals waiting, oldest first; then the last 50 decided."""
    waiting = db.session.execute(select(VetoRecord).where(VetoRecord.state == "proposed")
                                 .order_by(VetoRecord.id)).scalars().all()
    decided = db.session.execute(
        select(VetoRecord).where(VetoRecord.state.in_(("confirmed", "rejected")))
        .order_by(VetoRecord.decided_at.desc(), VetoRecord.id.desc()).limit(50)).scalars().all()
    return list(waiting), list(decided)
