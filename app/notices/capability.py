"""公示 as the factory plugs it in: the organizers' and supervisors' pages (the public ones are app/public's), and
the names of its events."""

from app.capabilities import Capability
from app.notices.views import bp, supervise_bp

CAPABILITY = Capability(
    "notices",
    blueprints=(bp, supervise_bp),
    audit_actions={
        "final_result_corrected": "更正已定榜成绩", "result_finalized": "终结公示（定榜）",
        "notice_started": "开始公示", "notice_superseded": "公示被新版本取代",
        "notice_contact_changed": "修改公示联系方式", "notice_settings_changed": "修改公示设置",
        "objection_filed": "受理异议", "objection_reviewed": "复核异议", "objections_moved": "异议转入新公示",
    },
    audit_objects={"notice": "公示", "objection": "异议"},
)
