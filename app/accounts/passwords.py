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


def check_password(stored: str | None, password: str) -> bool:
    return bool(stored) and check_password_hash(stored or "", password)


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
