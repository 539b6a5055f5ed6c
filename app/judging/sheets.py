"""Submitting a score sheet: validated again on the server, PIN-confirmed, versioned, idempotent.

A confirmed version is never updated or deleted; a correction adds the next version. Each
submission carries the client's token, so a double tap, a retry after a time-out or a resend from
a second tab stores one version. Unique constraints in the database back every rule here.
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app import decimals
from app.accounts.models import User
from app.audit import services as audit
from app.contests.current import require_writable
from app.contests.models import Round
from app.db_setup import start_write_phase
from app.entries.models import Entry
from app.errors import DomainError
from app.extensions import db
from app.judges.services import check_pin
from app.judging.models import SHEET_VERSIONS, Mark, ScoreSheet, SheetState, SheetVersion
from app.panels.questions import assigned, ever_opened, is_open, open_at
from app.timeutil import utcnow
from scoring import deviation_flag
from scoring.numbers import DecimalRefused, read_decimal

COMMENT_LIMIT = 500
DEVIATION_MESSAGE = "您的评分与其他评委差异较大，请确认是否无误"
REUSED_ID_MESSAGE = "提交标识已用于另一份评分，请刷新页面后重新评分"
CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock may run a little fast; more than this is not a real time
FUTURE_MESSAGE = "离线确认时间晚于当前时间，不能提交"
NEVER_OPENED_MESSAGE = "尚未开放评分"
OUTSIDE_MESSAGE = "离线确认时间不在评分开放期间，不能提交"


@dataclass(frozen=True)
class Submission:
    round_id: int
    entry_id: int
    marks: Mapping[int, str]  # criterion id -> the text typed
    comment: str
    client_token: str
    pin: str
    acknowledge_deviation: bool = False
    confirmed_offline_at: datetime | None = None


@dataclass(frozen=True)
class Outcome:
    """What happened: stored (maybe late, maybe a retry of one stored before) or asked to look again."""

    version: SheetVersion | None
    duplicate: bool = False
    needs_deviation_check: bool = False
    late: bool = False  # plain values: read after the commit without touching the database again
    flagged: bool = False  # stored with the deviation flag (a sheet confirmed offline is not asked again)


class MarksRefused(DomainError):
    """parse_marks' refusal; `by_criterion` says what is wrong with which field, so a form can mark each."""

    def __init__(self, message: str, by_criterion: dict[int, str]) -> None:
        super().__init__(message)
        self.by_criterion = by_criterion


def parse_marks(rnd: Round, raw: Mapping[int, str]) -> dict[int, Decimal]:
    """Every criterion of the round, each a decimal in range and on its step; all problems at once."""
    wrong: dict[int, str] = {}  # criterion id -> what is wrong with its mark
    marks: dict[int, Decimal] = {}
    for criterion in rnd.criteria:
        text = (raw.get(criterion.id) or "").strip()
        value: Decimal | None = None
        why = ""
        try:  # plain digits only (no 1e1, 2_0, full width), and no more of them than stored: nothing is rounded
            value = read_decimal(text, decimals.POINTS)
        except DecimalRefused as refused:  # too many whole digits reads as out of range below
            why = {"format": f"“{text[:12]}”不是有效的数字", "places": f"分数{decimals.refusal(refused)}"
                   }.get(refused.flaw, "")
        if not text:
            wrong[criterion.id] = "请填写分数"
        elif why:
            wrong[criterion.id] = why
        elif value is None or not criterion.min_points <= value <= criterion.max_points:
            wrong[criterion.id] = (f"分数须在 {criterion.min_points.normalize():f}–"
                                   f"{criterion.max_points.normalize():f} 之间")
        elif (value - criterion.min_points) % criterion.step != 0:
            wrong[criterion.id] = f"分数须为 {criterion.step.normalize():f} 的整数倍"
        else:
            marks[criterion.id] = value
    names = {c.id: c.name for c in rnd.criteria}
    problems = (["评分表含有不属于本轮的评分指标"] if set(raw) - names.keys() else []) + [
        f"“{names[cid]}”：{why}" for cid, why in wrong.items()]
    if problems:
        raise MarksRefused("；".join(problems), wrong)
    return marks


def latest_counted_totals(round_id: int, entry_id: int, except_sheet: int | None) -> list[Decimal]:
    """The total of each other sheet's latest counted version for the contestant."""
    latest = SHEET_VERSIONS.latest_numbers().join(ScoreSheet).where(
        ScoreSheet.round_id == round_id, ScoreSheet.entry_id == entry_id, SheetVersion.counted).subquery()
    query = select(SheetVersion.total).join(latest, (latest.c.sheet_id == SheetVersion.sheet_id)
                                            & (latest.c.number == SheetVersion.number))
    if except_sheet is not None:
        query = query.where(SheetVersion.sheet_id != except_sheet)
    return list(db.session.execute(query).scalars())


def _flag(rnd: Round, total: Decimal, sheet_id: int | None, entry_id: int) -> bool:
    if rnd.deviation_points is None and rnd.deviation_share is None:
        return False
    others = latest_counted_totals(rnd.id, entry_id, sheet_id)
    return deviation_flag(total, others, threshold_points=rnd.deviation_points,
                          threshold_share=rnd.deviation_share, sheet_max=rnd.max_total)


def _existing(token: str) -> SheetVersion | None:
    return db.session.execute(select(SheetVersion).where(SheetVersion.client_token == token)).scalar_one_or_none()


def submit(user: User, sub: Submission) -> Outcome:
    """Store one confirmed version of the judge's sheet, or say why not.

    Everything that only reads runs first, outside the write lock (views marked read_first); then
    start_write_phase() takes the lock and the token, the sheet's state and the PIN are checked again
    inside the writing transaction, so concurrent submissions still store one version."""
    if not 8 <= len(sub.client_token) <= 64:
        raise DomainError("提交缺少有效的客户端标识，请刷新页面后重试")
    judge, rnd, entry = assigned(user, sub.round_id, sub.entry_id, to_score=True)  # to_score: refuses 缺席
    require_writable(rnd)  # a phone signed in before the contest ended stores nothing after
    sheet = _sheet(rnd.id, entry.id, judge.id)  # before the token: see the write phase below
    previous = _existing(sub.client_token)
    if previous is not None:
        return _as_retry(previous, sub, judge.id)
    _refuse_if_locked(sheet)
    marks = parse_marks(rnd, sub.marks)
    comment = sub.comment.strip()
    if len(comment) > COMMENT_LIMIT:
        raise DomainError(f"点评不能超过 {COMMENT_LIMIT} 字")
    window_open = is_open(rnd.id, entry.id)
    if sub.confirmed_offline_at is not None:
        check_offline_claim(rnd.id, entry.id, sub.confirmed_offline_at)
    elif not window_open:
        raise DomainError("该参赛人的评分尚未开放或已经关闭，不能提交")
    late = not window_open
    total = sum(marks.values(), Decimal(0))
    flagged = _flag(rnd, total, sheet.id if sheet else None, entry.id)
    # A judge on the phone is asked to look again; a sheet confirmed offline that arrives after scoring
    # closed was confirmed with the PIN without that question being possible, so it is stored as is with
    # the flag for the organizer. While scoring is open the question is asked, whatever the phone claims,
    # but only after the PIN and once per version (_ask_once): it must not be an oracle of the others' marks.
    ask = flagged and not sub.acknowledge_deviation and not late
    round_id, entry_id, judge_id, number = rnd.id, entry.id, judge.id, entry.public_number
    start_write_phase()
    # The sheet first, then the token: a twin that commits between the two reads is then seen as a
    # retry (its token found), never as "locked" (PostgreSQL and MariaDB read each statement afresh).
    sheet = _sheet(round_id, entry_id, judge_id)
    previous = _existing(sub.client_token)  # a twin request may have stored it meanwhile
    if previous is not None:
        return _as_retry(previous, sub, judge_id)
    _refuse_if_locked(sheet)
    check_pin(judge, sub.pin)  # re-reads the PIN counters under the lock
    if ask and _ask_once(round_id, entry_id, judge_id, number, total):
        return Outcome(None, needs_deviation_check=True)
    sheet = _sheet(round_id, entry_id, judge_id) if ask else sheet  # _ask_once may have created it
    try:
        version = store_version(sheet, round_id, entry_id, judge_id, marks, comment, StoreOptions(
            client_token=sub.client_token, source="offline" if sub.confirmed_offline_at else "phone",
            entered_by_id=user.id, deviation_flag=flagged, late=late,
            confirmed_offline_at=sub.confirmed_offline_at), public_number=number)
    except IntegrityError:
        # Another request stored this token (or this version number) first: report that, store nothing.
        db.session.rollback()
        again = _existing(sub.client_token)
        if again is not None:
            return _as_retry(again, sub, judge_id)
        raise DomainError("该评分表刚刚已由另一次提交保存，请刷新页面查看") from None
    outcome = Outcome(version, late=version.late, flagged=flagged)
    _pause_for_crash_test()
    db.session.commit()
    return outcome


def _ask_once(round_id: int, entry_id: int, judge_id: int, public_number: str, total: Decimal) -> bool:
    """Record (audited, committed) that the judge is asked to look again at the sheet's next version, and say
    True; False when they were already asked for this version, whose confirmation is then stored as it is.

    Asked once per version, after the PIN: stepping the total and asking again cannot find the others'
    median, and every question asked is in the audit log."""
    sheet = _sheet(round_id, entry_id, judge_id)
    if sheet is None:  # no draft reached the server: the sheet is created to remember the question
        sheet = ScoreSheet(round_id=round_id, entry_id=entry_id, judge_id=judge_id, state=SheetState.DRAFT)
        db.session.add(sheet)
        db.session.flush()
    version = SHEET_VERSIONS.next_number(sheet.id)
    if sheet.deviation_prompted == version:
        return False
    sheet.deviation_prompted = version
    rnd = db.session.get(Round, round_id)
    audit.record("sheet_deviation_prompted", "score_sheet", sheet.id, after={
        "round": rnd.code if rnd else "", "entry": public_number, "judge_id": judge_id, "version": version,
        "total": f"{total}"})
    db.session.commit()
    return True


def check_offline_claim(round_id: int, entry_id: int, claimed: datetime) -> None:
    """The phone's claimed confirmation time must be a real one: not in the future (beyond a phone's clock
    running fast) and within scoring open for this contestant; otherwise it proves nothing and is refused."""
    if claimed > utcnow() + CLOCK_SKEW:
        raise DomainError(FUTURE_MESSAGE)
    if not open_at(round_id, entry_id, claimed, skew=CLOCK_SKEW):  # a phone clock a little slow or fast
        # Which message: only asked when refusing, so a good claim costs one query.
        raise DomainError(OUTSIDE_MESSAGE if ever_opened(round_id, entry_id) else NEVER_OPENED_MESSAGE)


def _sheet(round_id: int, entry_id: int, judge_id: int) -> ScoreSheet | None:
    """The sheet as the database has it now: populate_existing overwrites a copy read earlier in the
    request (start_write_phase keeps objects loaded), so the write phase never acts on a stale state."""
    return db.session.execute(select(ScoreSheet).where(
        ScoreSheet.round_id == round_id, ScoreSheet.entry_id == entry_id, ScoreSheet.judge_id == judge_id)
        .execution_options(populate_existing=True)).scalar_one_or_none()


def _refuse_if_locked(sheet: ScoreSheet | None) -> None:
    if sheet is not None and sheet.state.locked:
        raise DomainError("该评分表已提交并锁定。如需更正，请点击“申请更正”，由组织者重新开放")


def entry_number(entry_id: int) -> str:
    return str(db.session.execute(select(Entry.public_number).where(Entry.id == entry_id)).scalar_one())


@dataclass(frozen=True)
class StoreOptions:
    client_token: str
    source: str  # phone | offline | paper
    entered_by_id: int
    deviation_flag: bool = False
    late: bool = False
    confirmed_offline_at: datetime | None = None


def store_version(sheet: ScoreSheet | None, round_id: int, entry_id: int, judge_id: int,
                  marks: Mapping[int, Decimal], comment: str, options: StoreOptions,
                  public_number: str | None = None) -> SheetVersion:
    """Add the next version of a sheet (creating the sheet if needed) and audit it; the caller commits.

    Flushes, so a duplicate token or version number raises IntegrityError here, before any commit."""
    state = SheetState.LATE if options.late else SheetState.SUBMITTED
    if sheet is None:  # created in its final state: one INSERT, no UPDATE after it
        sheet = ScoreSheet(round_id=round_id, entry_id=entry_id, judge_id=judge_id, state=state)
        db.session.add(sheet)
        db.session.flush()
        number, reason = 1, ""
    else:
        number = SHEET_VERSIONS.next_number(sheet.id)
        reason = sheet.correction_reason if number > 1 else ""
        sheet.state, sheet.draft = state, None  # callers refuse a locked sheet first, each in its own words
        sheet.correction_requested_at, sheet.correction_reason = None, ""
    total = sum(marks.values(), Decimal(0))
    version = SheetVersion(
        sheet_id=sheet.id, number=number, client_token=options.client_token, total=total, comment=comment,
        source=options.source, entered_by_id=options.entered_by_id, deviation_flag=options.deviation_flag,
        late=options.late, counted=not options.late, reason=reason,
        confirmed_offline_at=options.confirmed_offline_at,
    )
    db.session.add(version)
    db.session.flush()
    # One executemany for the marks instead of an INSERT … RETURNING per mark.
    db.session.execute(insert(Mark), [{"version_id": version.id, "criterion_id": cid, "value": value}
                                      for cid, value in marks.items()])
    rnd = db.session.get(Round, round_id)
    audit.record("sheet_submitted", "score_sheet", sheet.id, after=submitted_fields(
        (round_id, rnd.code if rnd else ""), (entry_id, public_number or entry_number(entry_id)), judge_id, number,
        marks, options))
    return version


def submitted_fields(rnd: tuple[int, str], entry: tuple[int, str], judge_id: int, number: int,
                     marks: Mapping[int, Decimal], options: StoreOptions) -> dict[str, Any]:
    """What the sheet_submitted event of a stored version says (round and contestant as (id, code or number));
    app.audit.covered compares it with the rows."""
    return {
        "round": rnd[1], "entry": entry[1], "round_id": rnd[0], "entry_id": entry[0], "judge_id": judge_id,
        "version": number,
        "marks": {str(cid): f"{value}" for cid, value in sorted(marks.items())},
        "total": f"{sum(marks.values(), Decimal(0))}",
        "deviation_flag": options.deviation_flag, "late": options.late, "source": options.source,
        "confirmed_offline_at": options.confirmed_offline_at.isoformat() if options.confirmed_offline_at else None,
    }


def _pause_for_crash_test() -> None:
    """Test-only: hold the transaction open after the flush so a test can SIGKILL the worker here."""
    marker = current_app.config.get("CRASH_TEST_PAUSE_FILE")
    if marker:
        Path(marker).write_text("paused", encoding="utf-8")
        time.sleep(float(current_app.config.get("CRASH_TEST_PAUSE_SECONDS", 30)))


def _as_retry(version: SheetVersion, sub: Submission, judge_id: int) -> Outcome:
    """A token seen before: the same sheet sent again is a duplicate; anything else sent under it is refused,
    never reported as stored (the marks the judge sees would not be the marks kept)."""
    sheet = version.sheet
    if (sheet.judge_id, sheet.round_id, sheet.entry_id) != (judge_id, sub.round_id, sub.entry_id):
        raise DomainError("提交标识与评分表不符，请刷新页面后重试")
    if not _same_content(version, sub):
        raise DomainError(REUSED_ID_MESSAGE)
    return Outcome(version, duplicate=True, late=version.late, flagged=version.deviation_flag)


def _same_content(version: SheetVersion, sub: Submission) -> bool:
    """The marks compared as numbers (18.5 is 18.50) and the comment as stored (stripped)."""
    stored = {mark.criterion_id: mark.value for mark in version.marks}
    try:
        typed = {cid: decimals.parse(str(text), decimals.POINTS) for cid, text in sub.marks.items()}
    except ValueError:
        return False
    return typed == stored and _lines(sub.comment.strip()) == _lines(version.comment)


def _lines(text: str) -> str:
    """A comment with its line endings as one: a resend from another browser may send LF for CRLF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def save_draft(user: User, round_id: int, entry_id: int, marks: Mapping[int, str], comment: str,
               edited_at: int | None = None) -> ScoreSheet:
    """Keep the judge's unfinished sheet on the server too; drafts are not marks and are not audited.

    `edited_at` is the phone's clock (ms) at the last edit: the phone compares it with its own copy to keep
    the newer of the two, so a draft that arrives late never replaces a newer one here either."""
    judge, rnd, entry = assigned(user, round_id, entry_id)
    require_writable(rnd)
    sheet = db.session.execute(select(ScoreSheet).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry.id, ScoreSheet.judge_id == judge.id)
    ).scalar_one_or_none()
    if sheet is None:
        sheet = ScoreSheet(round_id=rnd.id, entry_id=entry.id, judge_id=judge.id, state=SheetState.DRAFT)
        db.session.add(sheet)
    elif sheet.state.locked:
        raise DomainError("该评分表已提交，草稿不再保存")
    elif sheet.state == SheetState.OPEN:
        sheet.state = SheetState.check_transition(sheet.state, SheetState.DRAFT)
    at = edited_at if edited_at is not None else int(time.time() * 1000)
    if draft_time(sheet) > at:
        db.session.rollback()
        return sheet
    valid = {c.id for c in rnd.criteria}
    sheet.draft = {"marks": {str(k): str(v)[:12] for k, v in marks.items() if k in valid},
                   "comment": comment[:COMMENT_LIMIT], "at": at}
    db.session.commit()
    return sheet


def draft_time(sheet: ScoreSheet | None) -> int:
    """When the server's draft was last edited (phone clock, ms); 0 for none or a draft saved before times."""
    draft = (sheet.draft if sheet is not None else None) or {}
    at = draft.get("at") if isinstance(draft, dict) else None
    return at if isinstance(at, int) else 0


def draft_time_of(judge_id: int, round_id: int, entry_id: int) -> int:
    return draft_time(_sheet(round_id, entry_id, judge_id))
