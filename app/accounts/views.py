"""Sign in, sign out, change password; the site root sends each role to its home page."""

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from app.accounts import services
from app.accounts.forms import ChangePasswordForm, LoginForm
from app.accounts.loader import keep_this_session
from app.errorpages import end_failed_transaction, render_error
from app.errors import DomainError
from app.extensions import limiter
from app.ratelimit import login_username, note_login_lock
from app.redirects import same_site_path
from app.security import AUTHENTICATED, PUBLIC, access

bp = Blueprint("accounts", __name__)

HOME_BY_ROLE = {
    "organizer": "organize.home",
    "clerk": "organize.clerk_home",
    "judge": "judging.home",
    "secretary": "me.home",
    "supervisor": "supervise.home",
}


def home_url() -> str:
    if not current_user.is_authenticated:
        return url_for("public.home")
    return url_for(HOME_BY_ROLE[current_user.role])


@bp.get("/")
@access(PUBLIC)
def index() -> Response:
    return redirect(home_url())


@bp.route("/login", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_USERNAME"],
    key_func=login_username,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,  # only failed attempts count
    on_breach=note_login_lock("username"),
)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               on_breach=note_login_lock("address"))
def login() -> Any:
    if current_user.is_authenticated and request.method == "GET":
        return redirect(home_url())
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data or "", form.password.data or "")
        except DomainError as error:
            form.password.errors = [error.message]
        else:
            login_user(user)
            if user.must_change_password:
                flash("首次登录请先设置您自己的密码。", "info")
                return redirect(url_for("accounts.change_password"))
            return redirect(same_site_path(request.args.get("next")) or home_url())
    return render_template("accounts/login.html", form=form, locked=False)


@bp.errorhandler(429)
def too_many(error: TooManyRequests) -> Any:
    """The login page explains the lock-out itself, with the form still there; elsewhere the plain 429 page."""
    if request.endpoint != "accounts.login":
        return render_error(429)
    end_failed_transaction()
    return render_template("accounts/login.html", form=LoginForm(formdata=None), locked=True), 429


@bp.post("/logout")
@access(AUTHENTICATED)
def logout() -> Response:
    services.sign_out(current_user)
    logout_user()
    flash("您已安全退出。", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/login/password", methods=["GET", "POST"])
@access(AUTHENTICATED)
def change_password() -> Any:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data or "", form.new.data or "")
        except DomainError as error:
            form.current.errors = [error.message]
        else:
            keep_this_session(current_user)  # every other device is signed out
            flash("密码已修改。", "success")
            return redirect(home_url())
    return render_template("accounts/change_password.html", form=form)
