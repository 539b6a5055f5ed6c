"""Results as the factory plugs them in: pages, menu entries, event names, covered versions and bands."""

from collections.abc import Hashable, Iterator
from typing import Any

from sqlalchemy import select

from app.audit.covered import Covered, Fields, Row, rules
from app.capabilities import Capability, MenuEntry
from app.extensions import db
from app.results.models import AwardBand, ResultVersion
from app.results.views import bp, supervise_bp
from scoring import package_hash


def _published(object_id: str, after: Any) -> tuple[Hashable, Fields]:
    return int(object_id), {"scope": after["scope"], "number": int(after["version"]),
                            "package_hash": after["package_hash"], "package": after["package_hash"]}


def _result_rows() -> Iterator[Row]:
    """One package at a time (a year's is ~10 MB): its hash recomputed as the sign-off computed it."""
    query = select(ResultVersion.id, ResultVersion.scope, ResultVersion.number, ResultVersion.package_hash,
                   ResultVersion.package).order_by(ResultVersion.id).execution_options(yield_per=1)
    for v in db.session.execute(query):
        try:
            digest = package_hash(v.package)
        except (KeyError, TypeError, ValueError):
            digest = "（审计包无法解析）"
        yield Row(v.id, v.id, {"scope": v.scope, "number": v.number, "package_hash": v.package_hash,
                               "package": digest})


CAPABILITY = Capability(
    "results",
    blueprints=(bp, supervise_bp),
    menu=(
        MenuEntry("成绩", "results.index", "trophy", frozenset({"organizer"}), 600, active_on=("results.",)),
        MenuEntry("成绩签核", "supervise_results.index_for_supervisor", "patch-check", frozenset({"supervisor"}), 200,
                  active_on=("supervise_results.",)),
    ),
    audit_actions={
        "award_bands_set": "设置奖项", "result_signed_off": "监督员签核成绩", "result_published": "发布成绩",
        "award_band_recorded": "记录奖项", "award_band_removed": "删除奖项",
    },
    audit_objects={"contest_group": "组别", "award_band": "奖项", "bands": "奖项", "result": "成绩",
                   "result_version": "成绩版本"},
    covered=(
        Covered("result_version", frozenset({"result_version"}), {"result_published": _published}, _result_rows),
        rules("award_band", AwardBand, ("contest_id", "group_id", "position", "name", "kind", "value"), ("value",),
              removals=("award_band_removed",)),
    ),
)
