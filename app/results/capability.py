"""Results as the factory plugs them in: pages, menu entries, event names, covered award bands."""



from app.audit.covered import rules
from app.capabilities import Capability, MenuEntry
from app.results.models import AwardBand
from app.results.views import bp, supervise_bp

CAPABILITY = Capability(
    "results",
    blueprints=(bp, supervise_bp),
    menu=(
        MenuEntry("成绩", "results.index", "trophy", frozenset({"organizer"}), 600, active_on=("results.",)),
        MenuEntry("成绩签核", "supervise_results.index_for_supervisor", "patch-check", frozenset({"supervisor"}), 200,
                  active_on=("supervise_results.",)),
    ),
    audit_actions={
        "award_bands_set": "设置奖项",
        "award_band_recorded": "记录奖项", "award_band_removed": "删除奖项",
    },
    audit_objects={"contest_group": "组别", "award_band": "奖项", "bands": "奖项", "result": "成绩"},
    covered=(
        rules("award_band", AwardBand, ("contest_id", "group_id", "position", "name", "kind", "value"), ("value",),
              removals=("award_band_removed",)),
    ),
)
