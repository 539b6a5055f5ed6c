"""Every table that holds scores or money is in the audit registry (app/audit/covered.py), so that
`flask audit verify` compares its rows with their events; a new ledger or allocation table fails here until it joins.

The rule: a table holds scores or money when one of its columns is a Numeric (points, weights, yuan) or is named
for them (marks, total, points, package, or a name with amount, yuan or income)."""

import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, Numeric, String, Table

from app.audit.covered import REGISTRY, RULES_NOT_SCORES, Row
from app.audit.integrity import Mismatch, _compare
from app.audit.labels import ACTIONS
from app.audit.rules import MODELS, RULE_FIELDS
from app.extensions import db
from app.judging.covered import _submitted
from tests.web.test_audit_labels import COMPOSED, recorded_in_code

# The registry is composed from the capabilities when the app is created (app.register_capabilities).
pytestmark = pytest.mark.usefixtures("app")

SCORE_NAMES = {"marks", "total", "points", "package"}
MONEY_WORDS = ("amount", "yuan", "income")


def holds_scores_or_money(table: Table) -> bool:
    return any(isinstance(column.type, Numeric) or column.name in SCORE_NAMES
               or any(word in column.name for word in MONEY_WORDS) for column in table.columns)


def uncovered(metadata: MetaData) -> list[str]:
    """Tables under the rule that are neither in the registry nor named as rules rather than scores."""
    covered = {name for entry in REGISTRY for name in entry.holds}
    return sorted(t.name for t in metadata.tables.values()
                  if holds_scores_or_money(t) and t.name not in covered and t.name not in RULES_NOT_SCORES)


def test_every_table_holding_scores_or_money_is_covered() -> None:
    assert uncovered(db.metadata) == []


def test_a_new_money_table_fails_the_check_until_it_joins() -> None:
    metadata = MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(metadata)
    Table("fund_allocation", metadata, Column("id", Integer, primary_key=True), Column("amount", Numeric(14, 2)))
    Table("certificate", metadata, Column("id", Integer, primary_key=True), Column("marks", JSON))
    Table("ledger_line", metadata, Column("id", Integer, primary_key=True), Column("yuan_text", String(20)))
    assert uncovered(metadata) == ["certificate", "fund_allocation", "ledger_line"]


def test_the_rule_sees_the_tables_covered_today() -> None:
    """The registry covers what the rule names (and the records without a number: vetoes, absences)."""
    ruled = sorted(t.name for t in db.metadata.tables.values() if holds_scores_or_money(t))
    assert ruled == ["adjustment_item", "adjustment_record", "contest_round", "criterion", "mark", "material",
                     "paper_entry", "paper_reconciliation", "result_version", "sheet_version"]
    assert [entry.table for entry in REGISTRY] == [
        "sheet_version", "adjustment_record", "veto_record", "round_absence", "result_version", "paper_entry",
        "paper_reconciliation", "material", "contest", "contest_round", "criterion", "adjustment_item", "award_band",
        "entry"]


def test_the_rules_that_turn_marks_into_totals_are_covered_not_exempted() -> None:
    """Before publication nothing but the log fixes the contest's rounding and ranking rules, a round's weight, a
    criterion's range, an item's points, the award bands or who competes in which group: they are covered like the
    scores, and nothing is exempt."""
    covered = {name for entry in REGISTRY for name in entry.holds}
    assert RULES_NOT_SCORES == {}
    assert {"contest", "contest_round", "criterion", "adjustment_item", "award_band", "entry"} <= covered
    assert covered <= db.metadata.tables.keys()
    assert sorted(MODELS.values()) == sorted(RULE_FIELDS)
    for model, table in MODELS.items():  # every covered field is a column of its table (criterion's round: round_id)
        columns = set(model.__table__.columns.keys())
        assert {"round_id" if name == "round" else name for name in RULE_FIELDS[table][0]} <= columns, table


def test_every_covering_action_is_one_the_app_records_and_has_a_chinese_name() -> None:
    actions = {action for entry in REGISTRY for action in entry.events}
    recorded, _ = recorded_in_code()
    composed = COMPOSED | {"material_uploaded", "material_replaced",  # materials/services.py picks one of the two
                           "entry_edited", "entry_holder_changed",  # people/records.py: one of the two
                           "award_band_removed"} | {f"{table}_recorded" for table in RULE_FIELDS}  # app/audit/rules.py
    assert sorted(actions - (recorded | composed)) == []
    assert sorted(actions - ACTIONS.keys()) == []


def test_an_event_written_before_the_ids_were_recorded_still_checks_the_marks_and_the_total() -> None:
    """A sheet_submitted event from before round_id and entry_id were recorded: what it says is compared."""
    old = {"round": "plan", "entry": "V001", "judge_id": 3, "version": 2, "marks": {"7": "18.50", "8": "17"},
           "total": "35.50", "deviation_flag": False, "late": False, "source": "phone"}
    key, recorded = _submitted("5", old)
    assert key == (5, 2) and "round_id" not in recorded
    values = {"round_id": 1, "entry_id": 2, "judge_id": 3, "total": "35.5", "late": False, "counted": True,
              "deviation_flag": False, "source": "phone", "marks": {"7": "18.5", "8": "17"}}
    where = {"judge_id": ("score_sheet", 5, "judge_id"), "marks": ("mark", {"7": 70, "8": 80}, "value")}
    assert _compare(REGISTRY[0], Row(11, key, values, where), recorded) is None
    changed = values | {"marks": {"7": "18.5", "8": "19"}}
    assert _compare(REGISTRY[0], Row(11, key, changed, where), recorded) == Mismatch("mark", "80", "value", "19", "17")
    gone = values | {"marks": {"7": "18.5"}}
    left = where | {"marks": ("mark", {"7": 70}, "value")}  # the deleted mark's row is gone with it
    assert _compare(REGISTRY[0], Row(11, key, gone, left), recorded) == Mismatch(
        "sheet_version", "11", "marks.8", None, "17")
    moved = values | {"judge_id": 4}
    assert _compare(REGISTRY[0], Row(11, key, moved, where), recorded) == Mismatch(
        "score_sheet", "5", "judge_id", 4, 3)
