"""The enable/disable buttons' POST, shared by the views of accounts, contestants and judges."""

from collections.abc import Callable
from typing import TypeVar

from flask import flash, request
from flask_login import current_user

from app.accounts.models import User

T = TypeVar("T")


def switch_active(set_active: Callable[[User, int, bool], T], object_id: int, describe: Callable[[T], str],
                  on_word: str = "恢复") -> T:
    """Apply the posted switch (hidden field active=1 turns on, anything else off) and say what was done."""
    active = request.form.get("active") == "1"
    changed = set_active(current_user, object_id, active)
    flash(f"已{on_word if active else '停用'}{describe(changed)}。", "success")
    return changed
