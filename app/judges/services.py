"""Judge sign-in cards: issue, revoke and unlock; sign in with link + PIN; the reusable PIN check."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import select

from app import rules
from app.accounts.models import User
from app.accounts.passwords import keyed_digest
from app.audit import services as audit
from app.contests.current import accepts_writes, current_contest, require_writable
from app.contests.models import Contest
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.judges.models import CardState, Judge
from app.timeutil import format_local, utcnow

TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 192 bits, 32 URL-safe characters
PIN_DIGITS = 6
MAX_PIN_FAILURES = 5
PIN_LOCK = timedelta(minutes=15)

UNKNOWN_LINK = "登录链接无效。请核对登录卡上的二维码，或向工作人员领取新的登录卡。"
LINK_INVALID = "该登录链接已失效，请向工作人员领取新的登录卡"
CONTEST_CLOSED = "本次比武已结束，登录卡已失效。"
PIN_LOCKED_NOW = "PIN 连续错误 5 次，已锁定 15 分钟，请联系工作人员"
NO_PIN = "尚未发放 PIN，请向工作人员领取登录卡"
CARD_REVOKED = "您的登录卡已被撤销，PIN 随之失效，不能再确认评分表。请向工作人员领取新的登录卡"
CARD_ENDED = "您的登录卡已被撤销或重新发放，请扫描新的登录卡重新登录"
PIN_SHAPE = "PIN 为登录卡上的 6 位数字，请重新输入"
PIN_TEXT = re.compile(r"[0-9]{6}")

NO_CARD = "该评委没有有效的登录卡，无需撤销"


class SigninRefused(DomainError):
    """A link that existed but no longer signs anyone in (revoked, judge inactive, contest closed)."""

    status = 403


@dataclass(frozen=True)
class Credential:
    """A freshly issued card: the only moment the token and PIN exist in clear."""

    judge: Judge
    token: str
    pin: str


@dataclass(frozen=True)
class JudgeRow:
    judge: Judge
    status: CardState
    status_label: str
    locked_until: datetime | None

    @property
    def issued(self) -> bool:
        return self.status == CardState.ISSUED

    @property
    def revoked(self) -> bool:
        return self.status == CardState.REVOKED

    @property
    def may_reissue(self) -> bool:
        """A card was issued before: issuing again makes the old one stop working (the page asks first)."""
        return self.status != CardState.NONE

    @property
    def may_revoke(self) -> bool:
        return self.status.can_become(CardState.REVOKED)


@dataclass(frozen=True)
class JudgeBoard:
    contest: Contest | None
    rows: list[JudgeRow]

    @property
    def without_card(self) -> int:
        return sum(1 for r in self.rows if r.status == CardState.NONE and r.judge.active and r.judge.user.active)

    @property
    def counts(self) -> list[tuple[str, int]]:
        """How many cards are in each state, then how many PINs are locked, for the summary line."""
        shown = [(state.label, sum(1 for r in self.rows if r.status == state)) for state in CardState]
        return shown + [("PIN 锁定", sum(1 for r in self.rows if r.locked_until is not None))]


def token_digest(token: str) -> str:
    """What is stored of a sign-in token: its SHA-256 (a 192-bit token needs no slow hash)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def pin_digest(judge_id: int, pin: str) -> str:
    """HMAC of the PIN keyed by the app's secret, bound to the judge (DECISIONS.md)."""
    return keyed_digest(f"pin:{judge_id}:{pin}")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_pin() -> str:
    return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"


def credential_status(judge: Judge) -> CardState:
    if judge.signin_token_digest is None:
        return CardState.NONE
    return CardState.REVOKED if judge.token_revoked_at is not None else CardState.ISSUED


def pin_locked_until(judge: Judge, now: datetime | None = None) -> datetime | None:
    """The end of a PIN lock still running, else None."""
    until = judge.pin_locked_until
    return until if until is not None and until > (now or utcnow()) else None


# --- the organizer's side -------------------------------------------------------------------------


def judge_board(actor: User) -> JudgeBoard:
    """The current contest's judges in the actor's scope, with the state of their sign-in card."""
    contest = current_contest()
    if contest is None:
        return JudgeBoard(None, [])
    now = utcnow()
    judges = db.session.execute(
        rules.visible(select(Judge).join(Judge.user).where(Judge.contest_id == contest.id), Judge.home_county_id,
                      actor).order_by(Judge.active.desc(), User.display_name, Judge.id)
    ).scalars()
    rows = []
    for judge in judges:
        status = credential_status(judge)
        rows.append(JudgeRow(judge, status, status.label, pin_locked_until(judge, now)))
    return JudgeBoard(contest, rows)


def scoped_judge(actor: User, judge_id: int) -> Judge:
    """A judge of the current contest the actor may manage, else 404 (other counties' ids stay hidden)."""
    contest = current_contest()
    judge = db.session.get(Judge, judge_id)
    if (
        judge is None
        or contest is None
        or judge.contest_id != contest.id
        or not rules.may_see(actor, judge.home_county_id)
    ):
        raise NotFoundError("评委不存在")
    return judge


def issue_cards(actor: User, judge_id: int | None = None) -> list[Credential]:
    """New token + PIN for one judge (reissue) or for every active judge in scope without a card.

    Earlier cards of these judges stop working at once: only the new digests are stored."""
    contest = current_contest()
    if contest is None:
        raise DomainError("尚未创建比武")
    require_writable(contest)
    if judge_id is not None:
        judges = [scoped_judge(actor, judge_id)]
        if not judges[0].active:
            raise DomainError("该评委已停用，不能发放登录卡")
    else:
        judges = list(db.session.execute(
            rules.visible(select(Judge).join(Judge.user).where(Judge.contest_id == contest.id), Judge.home_county_id,
                          actor)
            .where(Judge.active, User.active, Judge.signin_token_digest.is_(None))
            .order_by(User.display_name, Judge.id)
        ).scalars())
        if not judges:
            raise DomainError("没有尚未发放登录卡的评委")
    now = utcnow()
    issued = []
    for judge in judges:
        status = credential_status(judge)
        CardState.check_transition(status, CardState.ISSUED)  # from any state: a reissue voids the old card
        before = {"status": status.value, "issued_at": _text(judge.token_issued_at)}
        token, pin = new_token(), new_pin()
        judge.signin_token_digest = token_digest(token)
        judge.token_issued_at = now
        judge.token_revoked_at = None
        judge.pin_digest = pin_digest(judge.id, pin)
        judge.pin_failures = 0
        judge.pin_locked_until = None
        audit.record("judge_card_issued", "judge", judge.id, before=before,
                     after={"status": CardState.ISSUED.value, "issued_at": _text(now),
                            "judge": judge.user.display_name})
        issued.append(Credential(judge, token, pin))
    db.session.commit()
    return issued


def revoke(actor: User, judge_id: int) -> Judge:
    """The judge's link and PIN stop working; the link then says so."""
    judge = scoped_judge(actor, judge_id)
    require_writable(judge.contest)
    CardState.check_transition(credential_status(judge), CardState.REVOKED, refused=NO_CARD)
    judge.token_revoked_at = utcnow()
    audit.record("judge_card_revoked", "judge", judge.id, before={"status": CardState.ISSUED.value},
                 after={"status": CardState.REVOKED.value, "revoked_at": _text(judge.token_revoked_at)})
    db.session.commit()
    return judge


def unlock_pin(actor: User, judge_id: int) -> Judge:
    """Lift a PIN lock before its 15 minutes are over (the judge proved who they are in person)."""
    judge = scoped_judge(actor, judge_id)
    require_writable(judge.contest)
    if pin_locked_until(judge) is None and not judge.pin_failures:
        raise DomainError("该评委的 PIN 未被锁定")
    before = {"pin_failures": judge.pin_failures, "locked_until": _text(judge.pin_locked_until)}
    judge.pin_failures = 0
    judge.pin_locked_until = None
    audit.record("judge_pin_unlocked", "judge", judge.id, before=before, after={"pin_failures": 0})
    db.session.commit()
    return judge


# --- the judge's side -----------------------------------------------------------------------------


def judge_for_link(token: str) -> Judge:
    """The judge a sign-in link belongs to, if it still signs in.

    NotFoundError for a token that matches nothing (no hint whether it ever existed);
    SigninRefused for a revoked link, an inactive judge or account, or a closed contest."""
    judge = None
    if 0 < len(token) <= 128:
        judge = db.session.execute(
            select(Judge).where(Judge.signin_token_digest == token_digest(token))
        ).scalar_one_or_none()
    if judge is None:
        raise NotFoundError(UNKNOWN_LINK)
    if judge.token_revoked_at is not None or not judge.active or not judge.user.active:
        raise SigninRefused(LINK_INVALID)
    if judge.user.role != "judge":
        raise SigninRefused("该登录卡对应的账号不是评委账号，请联系工作人员")
    if not accepts_writes(judge.contest):
        raise SigninRefused(CONTEST_CLOSED)
    return judge


def sign_in(judge: Judge, pin: str) -> Judge:
    """Check the PIN of a judge found by judge_for_link and record the sign-in; the view logs in."""
    check_pin(judge, pin)
    judge.user.last_login_at = utcnow()
    audit.record("judge_signin", "judge", judge.id, after={"via": "card", "user_id": judge.user_id},
                 actor=(judge.user.id, f"{judge.user.display_name}（{judge.user.username}）"))
    db.session.commit()
    return judge


class PinRefused(DomainError):
    """check_pin's refusal: the phone marks the PIN field with it; `locked` while no PIN can be tried."""

    def __init__(self, message: str, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


def card_mark(judge: Judge) -> str:
    """What a card sign-in keeps in the session: the judge and a prefix of their card's token digest, which a
    reissue changes (the digest is of a 192-bit token: its prefix reveals nothing usable)."""
    return f"{judge.id}:{(judge.signin_token_digest or '')[:16]}"


def card_still_signs_in(mark: str) -> bool:
    """Whether the card a session was signed in with is still the judge's valid card (not revoked, not
    reissued, the judge and their account active)."""
    judge_id, _, prefix = mark.partition(":")
    judge = db.session.get(Judge, int(judge_id)) if judge_id.isdigit() else None
    return (judge is not None and judge.token_revoked_at is None and judge.active and judge.user.active
            and bool(prefix) and (judge.signin_token_digest or "").startswith(prefix))


def check_pin(judge: Judge, pin: str) -> None:
    """Return quietly when `pin` is the judge's PIN; else raise PinRefused (a DomainError) saying why in Chinese.

    Contract, for the sign-in and for every sheet confirmation:
    - Call it before changing anything else in the transaction. A wrong PIN, or any PIN while a
      lock runs, commits the failure count, the lock and an audit event (never the PIN), then
      raises DomainError: "PIN 不正确，还可再试 N 次"; the 5th consecutive failure locks the PIN
      for 15 minutes ("PIN 连续错误 5 次，已锁定 15 分钟，请联系工作人员"); while locked even the
      right PIN is refused. An organizer may unlock earlier (unlock_pin).
    - The right PIN resets the failure count in the session without committing: the caller's
      commit keeps it.
    - Anything but 6 ASCII digits is refused (PIN_SHAPE) without counting: a slip, not a guess.
    - The comparison is an HMAC digest compared in constant time (hmac.compare_digest)."""
    db.session.refresh(judge, with_for_update=True)  # concurrent failures must not lose a count
    now = utcnow()
    locked = pin_locked_until(judge, now)
    if locked is not None:
        audit.record("judge_pin_refused", "judge", judge.id, after={"why": "locked", "locked_until": _text(locked)},
                     actor=_attempt_actor())
        db.session.commit()
        raise PinRefused(f"PIN 已锁定，请于 {format_local(locked)[11:]} 后再试，或联系工作人员解锁", locked=True)
    if judge.pin_digest is None:
        raise PinRefused(NO_PIN, locked=True)
    if judge.token_revoked_at is not None:  # the card and its PIN went together (README: 撤销)
        raise PinRefused(CARD_REVOKED, locked=True)
    if not PIN_TEXT.fullmatch(pin.strip()):  # a slip of the thumb, not a guess: no attempt is counted
        raise PinRefused(PIN_SHAPE)
    if hmac.compare_digest(judge.pin_digest, pin_digest(judge.id, pin.strip())):
        if judge.pin_failures or judge.pin_locked_until is not None:
            judge.pin_failures = 0
            judge.pin_locked_until = None
        return
    failures = judge.pin_failures + 1
    if failures >= MAX_PIN_FAILURES:
        judge.pin_failures = 0
        judge.pin_locked_until = now + PIN_LOCK
        audit.record("judge_pin_locked", "judge", judge.id,
                     after={"failures": failures, "locked_until": _text(judge.pin_locked_until)},
                     actor=_attempt_actor())
        db.session.commit()
        raise PinRefused(PIN_LOCKED_NOW, locked=True)
    judge.pin_failures = failures
    audit.record("judge_pin_failed", "judge", judge.id, after={"failures": failures}, actor=_attempt_actor())
    db.session.commit()
    raise PinRefused(f"PIN 不正确，还可再试 {MAX_PIN_FAILURES - failures} 次")


def _attempt_actor() -> tuple[int | None, str]:
    if has_request_context() and current_user.is_authenticated:
        return current_user.id, f"{current_user.display_name}（{current_user.username}）"
    return None, "匿名（评委登录卡）"


def _text(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(sep=" ")
