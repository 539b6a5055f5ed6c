"""Award bands per group: set by organizers, passed to the scoring core as SCORING.md's `awards`."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select

from app import decimals, rules
from app.accounts.models import User
from app.audit import services as audit
from app.audit.rules import record_removed, record_rules
from app.contests.current import require_writable
from app.contests.models import Contest, Group
from app.errors import DomainError, ForbiddenError
from app.extensions import db
from app.results.models import AwardBand

KINDS = {"count": "前若干名", "share": "前若干比例", "min_total": "总分不低于"}


@dataclass(frozen=True)
class BandInput:
    name: str
    kind: str
    value: str


def bands_of(contest: Contest) -> dict[int, list[AwardBand]]:
    rows = db.session.execute(select(AwardBand).where(AwardBand.contest_id == contest.id)
                              .order_by(AwardBand.group_id, AwardBand.position)).scalars()
    grouped: dict[int, list[AwardBand]] = {}
    for band in rows:
        grouped.setdefault(band.group_id, []).append(band)
    return grouped


def scoring_awards(contest: Contest) -> list[dict[str, Any]]:
    """SCORING.md's `awards`: one entry per top-level group that has bands, bands from the top."""
    grouped = bands_of(contest)
    awards = []
    for group in contest.groups:
        if group.parent_id is not None or not grouped.get(group.id):
            continue
        bands = []
        for band in grouped[group.id]:
            bands.append({"name": band.name, band.kind: int(band.value) if band.kind == "count" else band.value})
        awards.append({"group": group.code, "bands": bands})
    return awards


def _check(band: BandInput) -> BandInput:
    name = band.name.strip()
    if not name or len(name) > 32:
        raise DomainError("奖项名称不能为空，且不超过32字")
    if band.kind not in KINDS:
        raise DomainError("奖项方式只能是名次、比例或分数线")
    try:
        value = decimals.parse(band.value, decimals.BAND)
    except decimals.NumberRefused as error:
        raise DomainError(f"“{name}”的数值“{band.value.strip()[:16]}”不是有效的数字" if error.misspelt
                          else f"“{name}”的数值{error}") from None
    if band.kind == "count" and (value != value.to_integral_value() or value < 1):
        raise DomainError(f"“{name}”的名额须为不小于 1 的整数")
    if band.kind == "share" and not Decimal(0) < value <= Decimal(1):
        raise DomainError(f"“{name}”的比例须大于 0 且不超过 1（如 0.2 表示前 20%）")
    if band.kind == "min_total" and value < 0:
        raise DomainError(f"“{name}”的分数线不能为负")
    plain = format(value.normalize(), "f")
    return BandInput(name, band.kind, plain)


def set_bands(actor: User, contest: Contest, group_id: int, bands: list[BandInput]) -> list[AwardBand]:
    """Replace a group's bands (configuration, not results: published versions keep their own copy)."""
    if not rules.can_change_setup(actor):
        raise ForbiddenError("奖项设置由市级组织者负责")
    require_writable(contest)  # publication stays open after the contest ends; what decides the awards does not
    group = db.session.get(Group, group_id)
    if group is None or group.contest_id != contest.id or group.parent_id is not None:
        raise DomainError("所选组别不存在")
    checked = [_check(b) for b in bands if b.name.strip() or b.value.strip()]
    if len({b.name for b in checked}) != len(checked):
        raise DomainError("同一组别的奖项名称不能重复")
    before = [(b.name, b.kind, b.value) for b in bands_of(contest).get(group.id, [])]
    old = db.session.execute(select(AwardBand).where(AwardBand.group_id == group.id)).scalars().all()
    db.session.execute(delete(AwardBand).where(AwardBand.group_id == group.id))
    rows = [AwardBand(contest_id=contest.id, group_id=group.id, position=i, name=b.name, kind=b.kind, value=b.value)
            for i, b in enumerate(checked, start=1)]
    db.session.add_all(rows)
    audit.record("award_bands_set", "contest_group", group.id, before={"bands": before},
                 after={"bands": [(b.name, b.kind, b.value) for b in checked]})
    db.session.flush()
    record_removed(old)  # each band row's own events, which `flask audit verify` compares with the table
    record_rules(rows)
    db.session.commit()
    return rows
