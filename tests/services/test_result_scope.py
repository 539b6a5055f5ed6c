"""A result scope's key is built and parsed in one place; feedback's trim is the scoring core's."""

from dataclasses import dataclass

from app.feedback.services import trim_of
from app.result_scope import ResultScope, result_scope_key, round_code_of


@dataclass(frozen=True)
class Rnd:
    code: str


@dataclass(frozen=True)
class Contest:
    rounds: list[Rnd]


def test_a_round_key_and_the_year_key_are_built_and_parsed_back() -> None:
    assert result_scope_key("plan") == "round:plan"
    assert result_scope_key(None) == "year"
    assert round_code_of("round:plan") == "plan"
    assert round_code_of("year") is None
    assert round_code_of("plan") is None
    assert ResultScope.of_round("service") == ResultScope("round:service")
    assert (ResultScope("year").is_year, ResultScope("round:plan").is_year) == (True, False)


def test_a_scope_covers_its_round_or_every_round_for_the_year() -> None:
    contest = Contest([Rnd("plan"), Rnd("service"), Rnd("review")])
    assert ResultScope("round:service").rounds(contest) == [Rnd("service")]
    assert ResultScope("year").rounds(contest) == contest.rounds


def test_feedback_trims_as_the_core_does() -> None:
    trimmed = {"method": "trimmed_mean", "min_judges": 3, "normalize": "none", "trim": 1, "trim_from": 5}
    assert [trim_of(trimmed, sheets) for sheets in (3, 4, 5, 7)] == [0, 0, 1, 1]
    assert trim_of(trimmed | {"trim": 2, "trim_from": 7}, 7) == 2
    assert trim_of({"method": "mean", "min_judges": 3, "normalize": "zscore"}, 9) == 0
