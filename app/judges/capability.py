"""Judges' login cards and card sign-in, as the factory plugs them in."""

from app.capabilities import Capability, MenuEntry
from app.judges.views import bp, signin_bp

CAPABILITY = Capability(
    "judges",
    blueprints=(bp, signin_bp),
    menu=(MenuEntry("登录卡", "judges.board", "qr-code", frozenset({"organizer"}), 400, active_on=("judges.",)),),
    audit_actions={
        "judge_card_issued": "发放评委登录卡", "judge_card_revoked": "撤销评委登录卡", "judge_signin": "评委扫码登录",
        "judge_pin_failed": "评委 PIN 错误", "judge_pin_locked": "评委 PIN 锁定",
        "judge_pin_refused": "评委 PIN 被拒（锁定中）", "judge_pin_unlocked": "解除 PIN 锁定",
    },
    audit_objects={"judge": "评委"},
)
