"""Who may use each view (declared per view) and security headers."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, abort, current_app, redirect, request, session, url_for
from flask_login import current_user

from app import rules
from app.roles import ROLES

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
AUTHENTICATED = "authenticated"

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # ECharts and Bootstrap set inline styles
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@dataclass(frozen=True)
class Access:
    """A view's declaration: the roles allowed, and whether only city-scope staff may use it."""

    roles: frozenset[str]
    city_only: bool = False

    def allows(self, user: Any) -> bool:
        if PUBLIC in self.roles:
            return True
        if not user.is_authenticated:
            return False
        if AUTHENTICATED in self.roles:
            return True
        if user.role not in self.roles:
            return False
        return not self.city_only or rules.is_city_wide(user)


def access(*roles: str, city_only: bool = False) -> Callable[[F], F]:
    """Declare who may use a view: roles from ROLES, or PUBLIC, or AUTHENTICATED."""
    unknown = set(roles) - set(ROLES) - {PUBLIC, AUTHENTICATED}
    if unknown or not roles:
        raise ValueError(f"unknown roles in access declaration: {sorted(unknown)}")
    declaration = Access(frozenset(roles), city_only)

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not declaration.allows(current_user):
                if not current_user.is_authenticated:
                    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
                abort(403)
            return view(*args, **kwargs)

        guarded.access = declaration  # type: ignore[attr-defined]
        return cast(F, guarded)

    return decorate


def declaration_of(endpoint: str) -> Access | None:
    """The access declaration of an endpoint's view, if it has one."""
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def enforce_declarations() -> Any:
    """Deny by default: a view that declares nobody is served to nobody."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None
    if declaration_of(endpoint) is None:
        abort(403)
    return None


def require_password_change() -> Any:
    """Accounts created by an organizer set their own password before anything else."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        # A judge signed in by card and PIN has no password to change and needs none on the hall's phone.
        and session.get("signed_in_by") != "judge_card"
        and request.endpoint not in {"accounts.change_password", "accounts.logout", "static"}
    ):
        return redirect(url_for("accounts.change_password"))
    return None


def set_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def register_security(app: Flask) -> None:
    app.before_request(enforce_declarations)
    app.before_request(require_password_change)
    app.after_request(set_security_headers)

