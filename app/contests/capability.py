"""The contest set-up as the factory plugs it in: pages, menu entry, event names, its audit-covered rules."""

from app.audit.covered import rules
from app.capabilities import Capability, MenuEntry
from app.contests.models import AdjustmentItem, Contest, Criterion, Round
from app.contests.views import bp

CAPABILITY = Capability(
    "contests",
    blueprints=(bp,),
    menu=(MenuEntry("比武设置", "contests.contest_list", "gear", frozenset({"organizer"}), 200,
                    active_on=("contests.",)),),
    audit_actions={
        "contest_created": "新建比武", "contest_copied": "复制比武", "contest_settings_changed": "修改比武设置",
        "group_added": "新增组别", "group_renamed": "组别改名", "group_removed": "删除组别",
        "round_changed": "修改轮次", "round_weights_changed": "修改轮次权重",
        "criterion_added": "新增评分指标", "criterion_changed": "修改评分指标", "criterion_removed": "删除评分指标",
        "criteria_reordered": "调整指标顺序",
        "adjustment_item_added": "新增加减分事项", "adjustment_item_removed": "删除加减分事项",
        "veto_item_added": "新增否决事项", "veto_item_removed": "删除否决事项",
        "contest_recorded": "记录比武计分规则", "contest_round_recorded": "记录轮次计分规则",
        "criterion_recorded": "记录评分指标分值", "adjustment_item_recorded": "记录加减分事项规则",
    },
    audit_objects={
        "contest": "比武", "group": "组别", "round": "轮次", "contest_round": "轮次", "criterion": "评分指标",
        "adjustment_item": "加减分事项", "veto_item": "否决事项",
    },
    covered=(
        rules("contest", Contest, ("places", "absent_round", "ranking", "tie_break"),
              actions=("contest_created", "contest_copied", "contest_settings_changed")),
        rules("contest_round", Round, ("contest_id", "weight", "panel_method", "trim", "trim_from", "min_judges",
                                       "normalize", "deviation_points", "deviation_share"),
              ("weight", "deviation_points", "deviation_share"), ("round_changed",)),
        rules("criterion", Criterion, ("round", "min_points", "max_points", "step"),
              ("min_points", "max_points", "step"), ("criterion_added", "criterion_changed"), ("criterion_removed",)),
        rules("adjustment_item", AdjustmentItem, ("round", "kind", "unit_size", "points_per_unit", "cap"),
              ("unit_size", "points_per_unit", "cap"), ("adjustment_item_added",), ("adjustment_item_removed",)),
    ),
)
