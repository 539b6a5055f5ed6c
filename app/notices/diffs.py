"""The diff of a corrected version against the one before: who moved, why in words the audience may read."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app import rules
from app.audit.models import AuditEvent
from app.contests.models import Contest
from app.errors import NotFoundError
from app.extensions import db
from app.notices.models import Objection
from app.notices.services import NoticeView, county_numbers, names_for_version, view
from app.publication import services as publication
from app.publication.models import Publication
from app.publication.packages import published_package
from app.publication.services import FINAL_CORRECTION
from app.result_scope import YEAR_KEY


@dataclass(frozen=True)
class Move:
    public_number: str
    name: str
    group: str
    old_total: str | None
    new_total: str | None
    old_rank: int | None
    new_rank: int | None
    causes: list[str]
    old_award: str | None = None
    new_award: str | None = None

    @property
    def moved(self) -> bool:
        """A change of total, rank or award: an award won or lost is a move even at the same rank."""
        return ((self.old_total, self.old_rank, self.old_award)
                != (self.new_total, self.new_rank, self.new_award))

    @property
    def has_award(self) -> bool:
        return bool(self.old_award or self.new_award)


def _signed(values: str | None) -> str:
    if not values:
        return "无"
    return "、".join(v if v.startswith("-") or Decimal(v) == 0 else f"+{v}" for v in values.split("、"))


def _cause_texts(version: Publication, contest: Contest, detailed: set[str] | None) -> dict[str, list[str]]:
    """Each contestant's causes in words. The public reads judges by pseudonym and item names only; the
    correction reasons (free text that may name people) and objection receipts (an objector's only key to
    their answer) are for organizers and supervisors: for the contestants in `detailed` (None: all)."""
    causes = version.causes or {}
    rounds = {r.code: r.name for r in contest.rounds} if version.scope == YEAR_KEY else {}
    why: dict[str, list[str]] = {}

    def add(number: str, public: str, private: str | None = None) -> None:
        shown = private is not None and (detailed is None or number in detailed)
        why.setdefault(number, []).append(private if shown and private is not None else public)

    def reason(text: str, item: dict[str, Any]) -> str | None:
        return f"{text}：{item['reason']}" if item.get("reason") else None

    for item in causes.get("corrections", []):
        text = f"评委 {item['judge']} 评分表第 {item['version']} 版（更正）"
        add(item["public_number"], text, reason(text, item))
    for item in causes.get("late_accepted", []):
        text = f"评委 {item['judge']} 迟交评分表经审核计入"
        add(item["public_number"], text, reason(text, item))
    receipts = causes.get("objections", [])
    for objection in db.session.execute(select(Objection).where(Objection.receipt.in_(receipts))
                                        .order_by(Objection.id)).scalars():
        add(objection.public_number, "依异议复核更正", f"异议 {objection.receipt} 复核更正")
    for item in causes.get("adjustments", []):
        prefix = f"{rounds[item['round']]} " if item["round"] in rounds else ""
        add(item["public_number"],
            f"{prefix}加减分“{item['item']}”：{_signed(item['before'])} → {_signed(item['after'])}")
    for item in causes.get("vetoes", []):
        prefix = f"{rounds[item['round']]} " if item["round"] in rounds else ""
        change = "生效" if item["change"] == "confirmed" else "撤销"
        add(item["public_number"], f"{prefix}一票否决“{item['item']}”{change}")
    return why


def diff(notice_id: int, staff: bool = False, county_id: int | None = None
         ) -> tuple[NoticeView, Publication, list[Move]]:
    """Version N against N-1: each contestant's total, rank and award before and after, with the causes as
    the public may read them; with `staff`, reasons and receipts too (a county organizer: their county's)."""
    info = view(notice_id)
    old = publication.previous(info.version)
    if old is None:
        raise NotFoundError("这是第 1 版，没有上一版可比较")
    before = {c["id"]: c for c in published_package(old.id)["result"]["contestants"]}
    county = rules.county_of(county_id)
    detailed = None if county is None else county_numbers(info.contest.id, county)
    why = _cause_texts(info.version, info.contest, detailed if staff else set())
    moves = []
    for row in info.rows:
        prior = before.get(row.public_number, {})
        moves.append(Move(row.public_number, info.names.get(row.public_number, ""), row.group, prior.get("total"),
                          row.total, prior.get("rank"), row.rank, why.get(row.public_number, []),
                          prior.get("award"), row.award))
    gone = sorted(set(before) - {row.public_number for row in info.rows})  # e.g. an entry withdrawn meanwhile
    old_names = names_for_version(old.id) if gone else {}
    for number in gone:
        prior = before[number]
        moves.append(Move(number, old_names.get(number, ""), prior["group"], prior.get("total"), None,
                          prior.get("rank"), None, why.get(number, []), prior.get("award"), None))
    return info, old, moves


@dataclass(frozen=True)
class DiffGroup:
    """One group of the diff page: the rows it shows (the changed ones, or all of them) and its counts."""

    code: str
    name: str
    moves: list[Move]
    changed: int
    size: int

    @property
    def unchanged(self) -> int:
        return self.size - self.changed


@dataclass(frozen=True)
class FinalCorrection:
    """Why a finalized version was corrected, as the audit recorded it: staff pages only (free text)."""

    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class DiffPage:
    info: NoticeView
    old: Publication
    groups: list[DiffGroup]
    everyone: bool  # every contestant shown (?all=1), or only those who changed
    changed: int
    size: int
    show_awards: bool
    after_final: int | None  # the finalized version this one corrects
    final_correction: FinalCorrection | None

    @property
    def unchanged(self) -> int:
        return self.size - self.changed


def listed(move: Move) -> bool:
    """Shown by default: whoever moved, and whoever a cause names even if their result stayed the same."""
    return move.moved or bool(move.causes)


def final_correction(version: Publication, county_id: int | None) -> FinalCorrection | None:
    """The reason given when this version replaced a finalized one; a county organizer does not read it,
    as they read no correction reason about another county's contestants."""
    if rules.is_county_scoped(county_id) or not (version.causes or {}).get("after_final"):
        return None
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == FINAL_CORRECTION, AuditEvent.object_type == "result_version",
        AuditEvent.object_id == str(version.id)).order_by(AuditEvent.id.desc()).limit(1)).scalar_one_or_none()
    if event is None:
        return None
    return FinalCorrection((event.after or {}).get("reason", ""), event.actor_label, event.at)


def diff_page(notice_id: int, staff: bool = False, county_id: int | None = None,
              everyone: bool = False) -> DiffPage:
    """The diff as its page shows it: per group the changed contestants first and only (or everyone, in
    rank order), with how many did not change."""
    info, old, moves = diff(notice_id, staff, county_id)
    groups = []
    for code, name in info.groups.items():
        rows = [m for m in moves if m.group == code]
        if rows:
            changed = [m for m in rows if listed(m)]
            groups.append(DiffGroup(code, name, rows if everyone else changed, len(changed), len(rows)))
    return DiffPage(info, old, groups, everyone, sum(g.changed for g in groups), sum(g.size for g in groups),
                    any(m.has_award for m in moves), (info.version.causes or {}).get("after_final"),
                    final_correction(info.version, county_id) if staff else None)
