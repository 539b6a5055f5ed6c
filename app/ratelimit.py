"""Rate-limit keys: by account or username first, because a hall's phones share one address."""

import logging
import time
from collections.abc import Callable
from typing import Any

from flask import g, request
from flask.logging import default_handler


def remote_address() -> str:
    """The client address (behind the gateway, ProxyFix has already set it)."""
    return request.remote_addr or "unknown"


def login_username() -> str:
    """Key failed logins by the username typed, so one NAT address does not lock out a hall."""
    name = (request.form.get("username") or "").strip().lower()[:64]
    return f"login-user:{name}"


def note_login_lock(scope: str) -> Callable[[Any], None]:
    """A breach callback: remember which login limit refused ("username" or "address") and for how many minutes,
    so the login page names the right thing (an address is not an account)."""

    def note(limit: Any) -> None:
        minutes = max(1, round((limit.reset_at - time.time()) / 60))  # reset_at is whole seconds, rounded up
        g.login_locks = getattr(g, "login_locks", {}) | {scope: minutes}

    return note


def log_storage_warnings() -> None:
    """Flask-Limiter's own warnings (storage unreachable, fallen back to memory; recovered) reach the app's log;
    by themselves they go to a NullHandler."""
    logger = logging.getLogger("flask-limiter")
    # Alembic's fileConfig (flask db upgrade in the same process, as the migration tests run it) disables every
    # logger that existed before it; the warning that Redis is down must never be silenced that way.
    logger.disabled = False
    if default_handler not in logger.handlers:
        logger.addHandler(default_handler)
    logger.setLevel(logging.INFO)


def storage_health(limiter: Any) -> str:
    """"ok" when the rate-limit storage answers; otherwise what degraded (the limits then hold per process)."""
    try:
        reachable = bool(limiter.storage.check())
    except Exception:  # noqa: BLE001  (an unreachable storage may raise anything its client raises)
        reachable = False
    return "ok" if reachable else "degraded: storage unreachable, limits kept in each worker's memory"
