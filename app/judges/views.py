"""Judge sign-in links, PINs and cards (/organize/judges/), and the sign-in itself (/judge/signin/)."""

import hashlib
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from app.downloads import download
from app.errors import DomainError
from app.extensions import limiter
from app.judges import services
from app.judges.cards import card_sheet
from app.judges.forms import JudgeActionForm, PinForm
from app.pdf import render_pdf
from app.security import PUBLIC, access

bp = Blueprint("judges", __name__, url_prefix="/organize/judges")
signin_bp = Blueprint("judge_signin", __name__, url_prefix="/judge/signin")


@signin_bp.before_app_request
def end_a_revoked_cards_session() -> None:
    """A phone signed in by a card that has since been revoked or reissued is signed out at its next request
    (a lost phone stops at once); the request then goes on as anonymous: the login page, or 401 for the
    list's poll and the outbox, which keep unsent sheets on the phone."""
    mark = session.get("judge_card")
    if mark is None or request.endpoint == "static":  # static files: no user's data, and no database read
        return
    if not current_user.is_authenticated or services.card_still_signs_in(str(mark)):
        return
    logout_user()
    session.clear()
    flash(services.CARD_ENDED, "warning")


# --- organizers -----------------------------------------------------------------------------------


@bp.get("/")
@access("organizer")
def board() -> str:
    return render_template("judges/board.html", board=services.judge_board(current_user), form=JudgeActionForm())


def _action() -> JudgeActionForm:
    form = JudgeActionForm()
    if not form.validate_on_submit():
        raise DomainError("请求无效：未指明评委")
    return form


def _judge_id() -> int:
    form = _action()
    if form.judge_id.data is None:
        raise DomainError("请求无效：未指明评委")
    return form.judge_id.data


@bp.post("/cards")
@access("organizer")
def cards() -> Response:
    """Issue (or reissue) cards and answer with their PDF: the token and PIN exist only now."""
    form = _action()
    if form.judge_id.data is None and form.which.data != "missing":
        raise DomainError("请选择要发放登录卡的评委")
    issued = services.issue_cards(current_user, form.judge_id.data)
    pdf = render_pdf("judge_cards.html", **card_sheet(issued))
    return download(pdf, "application/pdf", "judge-signin-cards.pdf", inline=True)


@bp.post("/revoke")
@access("organizer")
def revoke() -> Response:
    judge = services.revoke(current_user, _judge_id())
    flash(f"已撤销 {judge.user.display_name} 的登录卡，原链接和 PIN 立即失效。", "success")
    return redirect(url_for("judges.board"))


@bp.post("/unlock")
@access("organizer")
def unlock() -> Response:
    judge = services.unlock_pin(current_user, _judge_id())
    flash(f"已解除 {judge.user.display_name} 的 PIN 锁定。", "success")
    return redirect(url_for("judges.board"))


# --- judges signing in on a phone ----------------------------------------------------------------


def _token_key() -> str:
    """Rate-limit key: the card's token (hashed), not the address a whole hall shares."""
    token = str((request.view_args or {}).get("token", ""))
    return "judge-signin:" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]


@signin_bp.route("/<token>", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit(lambda: current_app.config.get("JUDGE_SIGNIN_LIMIT_PER_TOKEN", "10 per minute"),
               key_func=_token_key, methods=["POST"])
@limiter.limit(lambda: current_app.config.get("JUDGE_SIGNIN_LIMIT_PER_ADDRESS", "600 per 10 minutes"))
def start(token: str) -> Any:
    try:
        judge = services.judge_for_link(token)
    except services.SigninRefused as refused:
        return render_template("judges/signin_invalid.html", message=refused.message), refused.status
    if request.method == "GET" and current_user.is_authenticated and current_user.id == judge.user_id:
        return redirect(url_for("judging.home"))
    form = PinForm()
    if form.validate_on_submit():
        try:
            services.sign_in(judge, form.pin.data or "")
        except DomainError as error:
            form.pin.errors = [error.message]
        else:
            session.clear()  # a fresh session for the judge: nothing of an earlier user carries over
            login_user(judge.user)
            session["signed_in_by"] = "judge_card"
            session["judge_card"] = services.card_mark(judge)
            return redirect(url_for("judging.home"))
    return render_template("judges/signin.html", judge=judge, form=form)
