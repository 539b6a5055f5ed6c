"""The contestants' and judges' lists and imports, as the factory plugs them in."""

from app.capabilities import Capability, MenuEntry
from app.people.views import bp

CAPABILITY = Capability(
    "people",
    blueprints=(bp,),
    menu=(MenuEntry("参赛人与评委", "people.contestants", "person-lines-fill", frozenset({"organizer"}), 300,
                    active_on=("people.",)),),
    audit_actions={
        "login_slips_issued": "打印登录凭条",
        "entry_created": "新增参赛人", "entry_edited": "修改参赛人", "entry_holder_changed": "参赛人换届",
        "entry_activated": "恢复参赛人", "entry_deactivated": "停用参赛人",
        "judge_created": "新增评委", "judge_edited": "修改评委", "judge_activated": "恢复评委",
        "judge_deactivated": "停用评委",
        "people_import_checked": "导入名单（检查）", "people_imported": "导入名单",
    },
    audit_objects={"import_batch": "导入批次"},
)
