"""Password hashing, activation codes and PIN digests (DECISIONS.md: no slow hash in bulk)."""

import hashlib
import hmac
import secrets

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

# 32 symbols without 0, 1, I and O (easy to type from a printed slip): 10 symbols = 50 bits.
ACTIVATION_SYMBOLS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def hash_password(password: str, method: str | None = None) -> str:
    """A slow hash (werkzeug scrypt at its standard cost unless configured otherwise)."""
    return generate_password_hash(password, method=method or current_app.config["PASSWORD_HASH_METHOD"])


# A hash of a random secret per hash method, checked when an account has no password (or there is no account),
# so that every login attempt spends the same slow-hash work.
_STAND_IN: dict[str, str] = {}


def check_password(stored: str | None, password: str) -> bool:
    """Whether the password matches; always one slow hash, even when nothing is stored."""
    if stored:
        return check_password_hash(stored, password)
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _STAND_IN:
        _STAND_IN[method] = generate_password_hash(secrets.token_hex(16), method=method)
    check_password_hash(_STAND_IN[method], password)
    return False


def keyed_digest(value: str) -> str:
    """HMAC-SHA256 keyed by the app's secret: for activation codes and PINs."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def normalise_code(code: str) -> str:
    return code.replace("-", "").replace(" ", "").upper()


def new_activation_code() -> str:
    """A random code of 10 symbols from 32 (50 bits), printed as XXXXX-XXXXX."""
    raw = "".join(secrets.choice(ACTIVATION_SYMBOLS) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def activation_digest(code: str) -> str:
    return keyed_digest("activation:" + normalise_code(code))


def activation_matches(stored: str | None, code: str) -> bool:
    return bool(stored) and hmac.compare_digest(stored or "", activation_digest(code))
