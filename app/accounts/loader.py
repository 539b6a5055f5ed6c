"""Flask-Login's user loader: a session counts only while its account's session epoch is unchanged."""

from typing import Any

from flask import Flask, session
from flask_login import user_logged_in
from sqlalchemy.orm import undefer

from app.accounts.models import User
from app.extensions import db, login_manager

EPOCH_KEY = "account_epoch"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id), options=[undefer(User.session_epoch)])
    if user is None or not user.active or session.get(EPOCH_KEY) != user.session_epoch:
        # Ended elsewhere (logout, password change or reset, deactivation, role change): sign this one out too.
        session.clear()
        return None
    return user


@user_logged_in.connect
def remember_epoch(app: Flask, user: User, **extra: Any) -> None:
    """Every sign-in (password, activation code or judge card) stamps the session with the account's epoch."""
    session[EPOCH_KEY] = user.session_epoch


def keep_this_session(user: User) -> None:
    """After ending the account's sessions on purpose (a password change), the device that did it stays signed in."""
    session[EPOCH_KEY] = user.session_epoch
