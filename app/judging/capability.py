"""Judging as the factory plugs it in: scoring pages, the desk, menu entry, event names, covered sheets."""

from app.capabilities import Capability, MenuEntry
from app.judging.covered import SHEETS
from app.judging.desk_views import bp as desk_bp
from app.judging.desk_views import progress_bp
from app.judging.views import bp

CAPABILITY = Capability(
    "judging",
    blueprints=(desk_bp, bp, progress_bp),
    menu=(MenuEntry("我的评分", "judging.home", "clipboard-check", frozenset({"judge"}), 100,
                    active_on=("judging.",)),),
    audit_actions={
        "scoring_opened": "开放评分", "scoring_closed": "关闭评分",
        "sheet_submitted": "提交评分表", "sheet_deviation_prompted": "提示评委评分差异较大",
        "correction_requested": "评委申请更正", "sheet_reopened": "重新开放评分表",
        "late_sheet_accepted": "接受迟交评分表", "desk_report": "评委反馈问题", "desk_report_resolved": "处理评委反馈",
    },
    audit_objects={
        "scoring_window": "评分窗口", "score_sheet": "评分表", "sheet_version": "评分表版本", "desk_report": "评委反馈",
        "mark": "评分项分值",
    },
    covered=(SHEETS,),
)
