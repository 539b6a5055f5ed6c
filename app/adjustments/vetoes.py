"""Veto use cases: organizers propose a veto or its withdrawal (a new version), a supervisor decides; all audited."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app import rules
from app.accounts.models import User
from app.adjustments.models import VETO_VERSIONS, VetoRecord, VetoState
from app.adjustments.services import CONCURRENT, get_round, scoped_entry, versions_newest_first, veto_effects
from app.audit import services as audit
from app.contests.current import require_writable_round
from app.contests.models import Round, VetoItem
from app.entries.models import Entry
from app.errors import DomainError, ForbiddenError, NotFoundError
from app.extensions import db
from app.timeutil import utcnow

REASON_LIMIT = 300
CHANGED = "该一票否决刚被他人处理，请刷新页面后查看"


def veto_fields(veto: VetoRecord) -> dict[str, Any]:
    return {"round": veto.round_id, "entry": veto.entry_id, "item": veto.item_id, "version": veto.version,
            "withdrawn": veto.withdrawn, "reason": veto.reason, "state": veto.state,
            "proposed_by": veto.proposed_by_id, "decided_by": veto.decided_by_id,
            "decided_at": veto.decided_at.isoformat() if veto.decided_at else None,
            "decision_note": veto.decision_note}


@dataclass
class VetoStatus:
    """Where one veto item stands for a contestant: the veto in force and the proposal waiting, if any."""

    item: VetoItem
    in_force: VetoRecord | None
    pending: VetoRecord | None


def _status(item: VetoItem, versions: list[VetoRecord]) -> VetoStatus:
    effect = veto_effects(versions).get((versions[0].entry_id, item.id)) if versions else None
    pending = next((v for v in versions if v.state == VetoState.PROPOSED), None)
    return VetoStatus(item, effect if effect is not None and not effect.withdrawn else None, pending)


def _text(value: str, what: str, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise DomainError(f"请填写{what}")
    if len(value) > REASON_LIMIT:
        raise DomainError(f"{what}不能超过 {REASON_LIMIT} 个字")
    return value


def _versions(round_id: int, entry_id: int, item_id: int) -> list[VetoRecord]:
    return VETO_VERSIONS.history(round_id, entry_id, item_id)


def _refuse_pending(status: VetoStatus) -> None:
    if status.pending is not None:
        raise DomainError(f"该参赛人的“{status.item.name}”已有一项待监督员确认的{status.pending.kind_label}，"
                          "请等监督员处理或先撤回该申请")


def _append(actor: User, versions: list[VetoRecord], veto: VetoRecord, action: str,
            before: VetoRecord | None) -> VetoRecord:
    """Add the next version; the database refuses two writers of the same version (so two proposals at once)."""
    require_writable_round(veto.round_id)
    veto.state, veto.proposed_by_id = VetoState.PROPOSED, actor.id
    VETO_VERSIONS.append(veto, refused=CONCURRENT, after=versions[-1].version if versions else 0)
    audit.record(action, "veto_record", veto.id, before=veto_fields(before) if before else None,
                 after=veto_fields(veto))
    db.session.commit()
    return veto


def propose_veto(actor: User, round_id: int, entry_id: int, item_id: int | None, reason: str) -> VetoRecord:
    """An organizer proposes a veto under a configured item; it waits for a supervisor."""
    rnd = get_round(round_id)
    entry = scoped_entry(actor, rnd, entry_id)
    item = db.session.get(VetoItem, item_id) if item_id else None
    if item is None or item.round_id != rnd.id:
        raise DomainError("请选择本轮的一票否决事项")
    text = _text(reason, "否决事由", required=True)
    versions = _versions(rnd.id, entry.id, item.id)
    status = _status(item, versions)
    _refuse_pending(status)
    if status.in_force is not None:
        raise DomainError(f"该参赛人的“{item.name}”一票否决已生效，不能重复提出")
    veto = VetoRecord(round_id=rnd.id, entry_id=entry.id, item_id=item.id, withdrawn=False, reason=text)
    return _append(actor, versions, veto, "veto_proposed", None)


def get_veto(veto_id: int) -> VetoRecord:
    veto = db.session.get(VetoRecord, veto_id)
    if veto is None:
        raise NotFoundError("否决记录不存在")
    return veto


def propose_withdrawal(actor: User, veto_id: int, reason: str) -> VetoRecord:
    """An organizer asks to withdraw the veto in force (wrong contestant, overturned on review): a new version,
    in effect only once a supervisor confirms it."""
    veto = get_veto(veto_id)
    scoped_entry(actor, get_round(veto.round_id), veto.entry_id)
    text = _text(reason, "撤销理由", required=True)
    versions = _versions(veto.round_id, veto.entry_id, veto.item_id)
    status = _status(veto.item, versions)
    _refuse_pending(status)
    if status.in_force is None or status.in_force.id != veto.id:
        raise DomainError("该一票否决当前未生效或已有更新，请刷新页面后查看")
    withdrawal = VetoRecord(round_id=veto.round_id, entry_id=veto.entry_id, item_id=veto.item_id, withdrawn=True,
                            reason=text)
    return _append(actor, versions, withdrawal, "veto_withdrawal_proposed", veto)


def _set_state(veto: VetoRecord, state: VetoState, values: dict[str, Any]) -> None:
    """Record a step on a waiting proposal only if it is still waiting (two people at once: one wins)."""
    require_writable_round(veto.round_id)
    done = db.session.execute(update(VetoRecord).where(VetoRecord.id == veto.id, VetoRecord.state == veto.state)
                              .values(state=state, **values).execution_options(synchronize_session=False))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise DomainError(CHANGED)
    db.session.refresh(veto)


def retract(actor: User, veto_id: int) -> VetoRecord:
    """The organizers take back a proposal (veto or withdrawal) that no supervisor has decided yet."""
    veto = get_veto(veto_id)
    scoped_entry(actor, get_round(veto.round_id), veto.entry_id)
    retracted = VetoState.check_transition(veto.state, VetoState.RETRACTED,
                                           refused=f"该{veto.kind_label}{veto.state_label}，不能撤回")
    before = veto_fields(veto)
    _set_state(veto, retracted, {})
    audit.record("veto_proposal_retracted", "veto_record", veto.id, before=before, after=veto_fields(veto))
    db.session.commit()
    return veto


def decide_veto(actor: User, veto_id: int, confirm: bool, note: str) -> VetoRecord:
    """A supervisor confirms (it takes effect now) or rejects (a note is required) a veto or a withdrawal."""
    veto = get_veto(veto_id)
    if not rules.can_sign_off(actor):
        raise ForbiddenError("只有监督员可以确认或驳回一票否决")
    if veto.proposed_by_id == actor.id:
        raise ForbiddenError("不能确认或驳回自己提出的一票否决或撤销申请")
    decision = VetoState.check_transition(veto.state, VetoState.CONFIRMED if confirm else VetoState.REJECTED,
                                          refused=f"该{veto.kind_label}{veto.state_label}，不能再次处理")
    text = _text(note, "驳回理由" if not confirm else "意见", required=not confirm)
    before = veto_fields(veto)
    _set_state(veto, decision, {"decided_by_id": actor.id, "decided_at": utcnow(), "decision_note": text})
    kind = "veto_withdrawal" if veto.withdrawn else "veto"
    audit.record(f"{kind}_confirmed" if confirm else f"{kind}_rejected", "veto_record", veto.id,
                 before=before, after=veto_fields(veto))
    db.session.commit()
    return veto


def vetoes_of(round_id: int, entry_ids: Iterable[int] | None = None) -> list[VetoRecord]:
    """Every version, newest first."""
    return versions_newest_first(VetoRecord, round_id, entry_ids, VetoRecord.item, VetoRecord.proposed_by,
                                 VetoRecord.decided_by)


def statuses(versions: list[VetoRecord]) -> dict[int, list[VetoStatus]]:
    """Per contestant, the items with a veto in force or a proposal waiting, in item order."""
    grouped: dict[tuple[int, int], list[VetoRecord]] = {}
    for veto in versions:
        grouped.setdefault((veto.entry_id, veto.item_id), []).append(veto)
    shown: dict[int, list[VetoStatus]] = {}
    for (entry_id, _), group in sorted(grouped.items()):
        status = _status(group[0].item, group)
        if status.in_force is not None or status.pending is not None:
            shown.setdefault(entry_id, []).append(status)
    return shown


@dataclass
class Review:
    waiting: list[VetoRecord]
    withdrawing: dict[int, VetoRecord]  # a waiting withdrawal's id -> the veto in force it would end
    decided: list[VetoRecord]


def _review_options() -> tuple[Any, ...]:
    """What the review page prints of each record, loaded with it rather than one lazy load per row."""
    entry = selectinload(VetoRecord.entry)
    return (entry.selectinload(Entry.county), entry.selectinload(Entry.township), entry.selectinload(Entry.village),
            entry.selectinload(Entry.group), selectinload(VetoRecord.round).selectinload(Round.contest),
            selectinload(VetoRecord.item), selectinload(VetoRecord.proposed_by), selectinload(VetoRecord.decided_by))


def for_review() -> Review:
    """The supervisor's list: proposals waiting, oldest first, with the veto each withdrawal would end; the last 50
    decided. The same number of queries however many there are."""
    waiting = list(db.session.execute(select(VetoRecord).where(VetoRecord.state == VetoState.PROPOSED)
                                      .order_by(VetoRecord.id).options(*_review_options())).scalars())
    withdrawals = [proposal for proposal in waiting if proposal.withdrawn]
    histories: dict[tuple[int, int, int], list[VetoRecord]] = {}
    if withdrawals:  # every version of the vetoes they would end, in one query (a superset, sorted out below)
        for veto in db.session.execute(select(VetoRecord).where(
                VetoRecord.round_id.in_(sorted({p.round_id for p in withdrawals})),
                VetoRecord.entry_id.in_(sorted({p.entry_id for p in withdrawals})),
                VetoRecord.item_id.in_(sorted({p.item_id for p in withdrawals})))
                .order_by(VetoRecord.version).options(selectinload(VetoRecord.proposed_by),
                                                      selectinload(VetoRecord.decided_by))).scalars():
            histories.setdefault((veto.round_id, veto.entry_id, veto.item_id), []).append(veto)
    withdrawing = {}
    for proposal in withdrawals:
        status = _status(proposal.item, histories.get((proposal.round_id, proposal.entry_id, proposal.item_id), []))
        if status.in_force is not None:
            withdrawing[proposal.id] = status.in_force
    decided = db.session.execute(
        select(VetoRecord).where(VetoRecord.state.in_((VetoState.CONFIRMED, VetoState.REJECTED)))
        .order_by(VetoRecord.decided_at.desc(), VetoRecord.id.desc()).limit(50).options(*_review_options())
    ).scalars().all()
    return Review(waiting, withdrawing, list(decided))
