"""The tables of rules the audit log covers are declared by the packages that own them (app/audit/rules.py)."""

from flask import Flask

from app.audit.rules import MODELS, RULE_FIELDS


def test_contests_entries_and_results_declare_the_six_tables_of_rules(app: Flask) -> None:
    declared = sorted((model.__module__, table) for model, table in MODELS.items())
    assert declared == [("app.contests.models", "adjustment_item"), ("app.contests.models", "contest"),
                        ("app.contests.models", "contest_round"), ("app.contests.models", "criterion"),
                        ("app.entries.models", "entry"), ("app.results.models", "award_band")]
    assert RULE_FIELDS["criterion"] == (("round", "min_points", "max_points", "step"),
                                        ("min_points", "max_points", "step"))
