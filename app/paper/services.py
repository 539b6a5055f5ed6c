"""Double entry of paper sheets: two clerks type, agreement counts, a third person settles a mismatch.

Entries are never updated or deleted. The sheet version is created in the request that saves the
agreeing second entry or the reconciliation, through app.judging.sheets.store_version (source "paper").
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import rules
from app.accounts.models import User
from app.audit import services as audit
from app.contests.current import require_writable
from app.contests.models import Round
from app.entries.models import Entry
from app.errors import DomainError, ForbiddenError, NotFoundError
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import SHEET_VERSIONS, ScoreSheet, SheetState, SheetVersion
from app.judging.sheets import COMMENT_LIMIT, StoreOptions, latest_counted_totals, parse_marks, store_version
from app.panels.models import Assignment
from app.panels.questions import is_absent
from app.paper import storage
from app.paper.models import PaperSheet, PaperStage, Reconciliation
from scoring import deviation_flag

SAME_CLERK = "同一张纸质评分表不能由同一名录入员录入两次"
ABSENT_FOR_PAPER = "该参赛人本轮已登记缺席，不能录入或核对评分表；如登记有误，请先撤销缺席登记"
REASON_LIMIT = 200
LOCKED_STATES = (SheetState.SUBMITTED, SheetState.LATE)
WAITING = (PaperStage.FIRST, PaperStage.SECOND, PaperStage.MISMATCH)  # by the number of entries typed


@dataclass(frozen=True)
class Sheet:
    """The paper sheet being typed: its round, judge and contestant."""

    round: Round
    judge: Judge
    entry: Entry


@dataclass(frozen=True)
class Stage:
    """Where a paper sheet stands: waiting for its first or second entry, mismatched, or counted."""

    state: PaperStage
    feeds_version: int
    entries: list[PaperSheet]

    def entered_by(self, user_id: int) -> bool:
        return user_id in self.typists

    @property
    def typists(self) -> list[int]:
        return [e.clerk_id for e in self.entries]


@dataclass(frozen=True)
class PaperInput:
    round_id: int
    judge_id: int
    entry_id: int
    marks: Mapping[int, str]  # criterion id -> the text typed
    comment: str
    scan: bytes | None


@dataclass(frozen=True)
class Outcome:
    """What one entry led to: the state after it, and the counted version when the two agreed."""

    paper: PaperSheet
    state: PaperStage  # second | counted | mismatch
    version: SheetVersion | None = None


def locate(user: User, round_id: int, judge_id: int, entry_id: int) -> Sheet:
    """The sheet if it exists in the user's scope (else 404) and the judge is assigned the contestant."""
    rnd = db.session.get(Round, round_id)
    entry = db.session.get(Entry, entry_id)
    judge = db.session.get(Judge, judge_id)
    if (rnd is None or entry is None or judge is None or entry.contest_id != rnd.contest_id
            or judge.contest_id != rnd.contest_id or not rules.may_see(user, entry.county_id)):
        raise NotFoundError("评分表不存在")
    found = db.session.execute(select(Assignment.id).where(
        Assignment.round_id == round_id, Assignment.judge_id == judge_id, Assignment.entry_id == entry_id)).first()
    if found is None:
        raise DomainError("该评委在本轮未分配给该参赛人（或须回避），不能录入这张评分表")
    return Sheet(rnd, judge, entry)


def score_sheet(sheet: Sheet) -> ScoreSheet | None:
    return db.session.execute(select(ScoreSheet).where(
        ScoreSheet.round_id == sheet.round.id, ScoreSheet.entry_id == sheet.entry.id,
        ScoreSheet.judge_id == sheet.judge.id)).scalar_one_or_none()


def stage_of(sheet: Sheet) -> Stage:
    """The version the next entries feed and the entries typed for it so far."""
    scored = score_sheet(sheet)
    last = SHEET_VERSIONS.latest_number(scored.id) if scored is not None else 0
    if scored is not None and scored.state.locked:
        return Stage(PaperStage.COUNTED, last, [])
    feeds = last + 1
    entries = list(db.session.execute(select(PaperSheet).where(
        PaperSheet.round_id == sheet.round.id, PaperSheet.entry_id == sheet.entry.id,
        PaperSheet.judge_id == sheet.judge.id, PaperSheet.feeds_version == feeds).order_by(PaperSheet.attempt)
    ).scalars())
    return Stage(WAITING[min(len(entries), 2)], feeds, entries)


def differences(first: Mapping[str, str], second: Mapping[str, str]) -> list[int]:
    """Criterion ids whose two typed values differ as numbers (18.5 equals 18.50)."""
    keys = sorted({int(k) for k in first} | {int(k) for k in second})
    return [k for k in keys if first.get(str(k)) is None or second.get(str(k)) is None
            or Decimal(first[str(k)]) != Decimal(second[str(k)])]


def same_comment(first: str, second: str) -> bool:
    """Comments agree when they read the same, whatever the spaces and line breaks."""
    return "".join(first.split()) == "".join(second.split())


def _comment(text: str) -> str:
    comment = text.strip()
    if len(comment) > COMMENT_LIMIT:
        raise DomainError(f"点评不能超过 {COMMENT_LIMIT} 字")
    return comment


def _marks_json(marks: Mapping[int, Decimal]) -> dict[str, str]:
    return {str(cid): f"{value}" for cid, value in sorted(marks.items())}


def _refuse_if_absent(sheet: Sheet) -> None:
    """A sheet for a contestant recorded absent would block publication later: refuse it at the desk."""
    if is_absent(sheet.round.id, sheet.entry.id):
        raise DomainError(ABSENT_FOR_PAPER)


def _key(sheet: Sheet, feeds: int) -> str:
    return f"{sheet.round.id}-{sheet.entry.id}-{sheet.judge.id}-{feeds}"


def enter(user: User, data: PaperInput) -> Outcome:
    """Store one clerk's typing of a paper sheet; the second agreeing entry creates the counted version."""
    sheet = locate(user, data.round_id, data.judge_id, data.entry_id)
    require_writable(sheet.round)
    _refuse_if_absent(sheet)
    stage = stage_of(sheet)
    if stage.state == PaperStage.COUNTED:
        raise DomainError("该评分表已计分并锁定，不能再次录入。如需更正，请由组织者重新开放后再录入")
    if stage.state == PaperStage.MISMATCH:
        raise DomainError("这张评分表两遍录入不一致，正在等待第三人核对，不能再录入")
    if not rules.can_reconcile(user, stage.typists):
        raise ForbiddenError(SAME_CLERK)
    marks = parse_marks(sheet.round, data.marks)
    comment = _comment(data.comment)
    scan = storage.check(data.scan or b"") if stage.state == PaperStage.FIRST or data.scan else None
    paper = PaperSheet(round_id=sheet.round.id, entry_id=sheet.entry.id, judge_id=sheet.judge.id,
                       feeds_version=stage.feeds_version, attempt=len(stage.entries) + 1, clerk_id=user.id,
                       marks=_marks_json(marks), comment=comment)
    if scan is not None:
        paper.scan_path, paper.scan_mime, paper.scan_size, paper.scan_sha256 = (
            scan.name, scan.mime, scan.size, scan.sha256)
    created = storage.write(scan) if scan is not None else False
    try:
        outcome = _store_entry(user, sheet, stage, paper)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        _discard(scan.name if scan and created else None)
        raise DomainError("这张评分表刚刚已由另一名录入员录入（或您已录入过），请刷新页面查看") from None
    except Exception:
        db.session.rollback()
        _discard(scan.name if scan and created else None)
        raise
    return outcome


def _discard(name: str | None) -> None:
    """Remove a scan written for a transaction that failed, unless another entry uses the same file."""
    if name and db.session.execute(select(PaperSheet.id).where(PaperSheet.scan_path == name)).first() is None:
        storage.remove(name)


def _store_entry(user: User, sheet: Sheet, stage: Stage, paper: PaperSheet) -> Outcome:
    db.session.add(paper)
    db.session.flush()
    audit.record("paper_entered", "paper_entry", paper.id, after={
        "round": sheet.round.code, "entry": sheet.entry.public_number, "judge_id": sheet.judge.id,
        "feeds_version": paper.feeds_version, "attempt": paper.attempt, "marks": paper.marks,
        "comment": paper.comment, "scan_sha256": paper.scan_sha256, "scan_mime": paper.scan_mime,
        "scan_size": paper.scan_size})
    if paper.attempt == 1:
        return Outcome(paper, PaperStage.check_transition(stage.state, PaperStage.SECOND))
    first = stage.entries[0]
    differing = differences(first.marks, paper.marks)
    if differing or not same_comment(first.comment, paper.comment):
        audit.record("paper_mismatch", "paper_sheet", _key(sheet, paper.feeds_version), after={
            "first_entry": first.id, "second_entry": paper.id, "criteria": differing,
            "comment_differs": not same_comment(first.comment, paper.comment)})
        return Outcome(paper, PaperStage.check_transition(stage.state, PaperStage.MISMATCH))
    marks = {int(k): Decimal(v) for k, v in paper.marks.items()}
    version = _count(sheet, marks, first.comment, user.id, paper.feeds_version)
    return Outcome(paper, PaperStage.check_transition(stage.state, PaperStage.COUNTED), version)


def _count(sheet: Sheet, marks: Mapping[int, Decimal], comment: str, by: int, feeds: int) -> SheetVersion:
    """Create the counted version the paper sheet feeds (the caller commits)."""
    scored = score_sheet(sheet)
    total = sum(marks.values(), Decimal(0))
    rnd = sheet.round
    flagged = False
    if rnd.deviation_points is not None or rnd.deviation_share is not None:
        flagged = deviation_flag(total, latest_counted_totals(rnd.id, sheet.entry.id, scored.id if scored else None),
                                 threshold_points=rnd.deviation_points, threshold_share=rnd.deviation_share,
                                 sheet_max=rnd.max_total)
    version = store_version(scored, rnd.id, sheet.entry.id, sheet.judge.id, marks, comment, StoreOptions(
        client_token=f"paper-{_key(sheet, feeds)}", source="paper", entered_by_id=by, deviation_flag=flagged),
        public_number=sheet.entry.public_number)
    if version.number != feeds:
        raise DomainError("评分表已有新的版本，请刷新页面查看")
    return version


def may_reconcile(user: User, stage: Stage) -> None:
    """Only a third person settles a mismatch: an organizer or a clerk who typed neither entry."""
    if stage.state != PaperStage.MISMATCH:
        raise DomainError("这张评分表没有待核对的不一致录入")
    if not rules.can_reconcile(user, stage.typists):
        raise ForbiddenError("您录入过这张评分表，不能核对它：须由未参与录入的第三人对照纸质表核对")


def reconcile(user: User, round_id: int, judge_id: int, entry_id: int, typed: Mapping[int, str], comment: str,
              reason: str, no_comment: bool = False) -> Reconciliation:
    """The third person's reading of the paper, with a reason, becomes the counted version.

    A judge's comment typed in either entry is not dropped by an empty box: the reconciler types it from the
    paper, or says the paper has none (`no_comment`)."""
    sheet = locate(user, round_id, judge_id, entry_id)
    require_writable(sheet.round)
    _refuse_if_absent(sheet)
    stage = stage_of(sheet)
    may_reconcile(user, stage)
    marks = parse_marks(sheet.round, typed)
    why = reason.strip()
    if not why or len(why) > REASON_LIMIT:
        raise DomainError(f"请填写核对理由（不超过{REASON_LIMIT}字）")
    text = _comment(comment)
    if not text and not no_comment and any(e.comment.strip() for e in stage.entries):
        raise DomainError("录入的点评已清空：请照纸质表填写点评；纸质表上确实没有点评的，请勾选“纸质表上没有点评”")
    try:
        version = _count(sheet, marks, text, user.id, stage.feeds_version)
        settled = Reconciliation(round_id=round_id, entry_id=entry_id, judge_id=judge_id,
                                 feeds_version=stage.feeds_version, reconciler_id=user.id, reason=why,
                                 marks=_marks_json(marks), comment=text, version_id=version.id)
        db.session.add(settled)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError("这张评分表刚刚已由他人核对，请刷新页面查看") from None
    audit.record("paper_reconciled", "paper_reconciliation", settled.id, after={
        "round": sheet.round.code, "entry": sheet.entry.public_number, "judge_id": judge_id,
        "feeds_version": stage.feeds_version, "entries": [e.id for e in stage.entries],
        "marks": settled.marks, "comment": text, "reason": why, "version_id": version.id})
    db.session.commit()
    return settled


def scan_file(user: User, paper_id: int) -> tuple[Path, str, str]:
    """The stored scan of an entry (path, mimetype, download name), for organizers in scope and supervisors."""
    paper = db.session.get(PaperSheet, paper_id)
    entry = db.session.get(Entry, paper.entry_id) if paper is not None else None
    if paper is None or entry is None or not paper.scan_path or not rules.may_see(user, entry.county_id):
        raise NotFoundError("扫描件不存在")
    path = storage.path_of(paper.scan_path)
    if not path.exists():
        raise NotFoundError("扫描件文件缺失，请联系管理员")
    name = f"{entry.public_number}-paper-{paper.id}{storage.EXTENSIONS.get(paper.scan_mime or '', '')}"
    return path, paper.scan_mime or "application/octet-stream", name
