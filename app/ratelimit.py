"""Rate-limit keys: by account or username first, because a hall's phones share one address."""

from flask import request


def remote_address() -> str:
    """The client address (behind the gateway, ProxyFix has already set it)."""
    return request.remote_addr or "unknown"


def login_username() -> str:
    """Key failed logins by the username typed, so one NAT address does not lock out a hall."""
    name = (request.form.get("username") or "").strip().lower()[:64]
    return f"login-user:{name}"
