"""Rule 8, award bands: count, share and min_total; ties at a boundary all get the higher award."""

from typing import Any

from scoring import recompute

from .builders import MEAN, by_id, contest, one_criterion_round


def contest_with_awards(scores: dict[str, str], awards: list[dict[str, Any]], vetoes: tuple[str, ...] = (),
                        groups: dict[str, str] | None = None) -> dict[str, Any]:
    round_ = one_criterion_round("r", {c: [s] for c, s in scores.items() if s}, panel=MEAN,
                                 vetoes=list(vetoes))
    return recompute(contest([round_], groups or list(scores), awards=awards))


SCORES = {"A": "95", "B": "90", "C": "90", "D": "80", "E": "70"}


def test_a_tie_at_a_count_boundary_gives_both_the_higher_award_and_flags_the_band() -> None:
    bands = [{"name": "一等奖", "count": 2}, {"name": "二等奖", "count": 4}]
    output = contest_with_awards({"A": "95", "B": "90", "C": "90", "D": "90", "E": "70"},
                                 [{"group": "village", "bands": bands}])
    rows = by_id(output)
    assert [rows[c]["award"] for c in "ABCDE"] == ["一等奖", "一等奖", "一等奖", "一等奖", None]
    assert output["awards"] == [
        {"group": "village", "band": "一等奖", "limit": 2, "given": 4, "over_quota": True},
        {"group": "village", "band": "二等奖", "limit": 4, "given": 4, "over_quota": False},
    ]


def test_a_share_band_takes_the_ceiling_of_share_times_ranked_contestants() -> None:
    # R = 5: ⌈0.2 × 5⌉ = 1 and ⌈0.5 × 5⌉ = 3. Ranks 1, 2, 2, 4, 5: B and C are within 3.
    bands = [{"name": "一等奖", "share": "0.2"}, {"name": "二等奖", "share": "0.5"}]
    output = contest_with_awards(SCORES, [{"group": "village", "bands": bands}])
    rows = by_id(output)
    assert [rows[c]["award"] for c in "ABCDE"] == ["一等奖", "二等奖", "二等奖", None, None]
    assert [(t["limit"], t["given"], t["over_quota"]) for t in output["awards"]] == [
        (1, 1, False), (3, 3, False)]


def test_a_tie_across_a_share_boundary_is_over_quota() -> None:
    # Ranks 1, 2, 2, 2, 5: all three at rank 2 are within ⌈0.5 × 5⌉ = 3, so 4 hold 二等奖 or higher.
    bands = [{"name": "一等奖", "share": "0.2"}, {"name": "二等奖", "share": "0.5"}]
    output = contest_with_awards({**SCORES, "D": "90"}, [{"group": "village", "bands": bands}])
    assert [by_id(output)[c]["award"] for c in "ABCDE"] == ["一等奖", "二等奖", "二等奖", "二等奖", None]
    assert output["awards"][1] == {"group": "village", "band": "二等奖", "limit": 3, "given": 4,
                                   "over_quota": True}


def test_a_min_total_band_has_no_limit_and_is_never_over_quota() -> None:
    bands = [{"name": "一等奖", "count": 1}, {"name": "优秀奖", "min_total": "80"}]
    output = contest_with_awards(SCORES, [{"group": "village", "bands": bands}])
    rows = by_id(output)
    assert [rows[c]["award"] for c in "ABCDE"] == ["一等奖", "优秀奖", "优秀奖", "优秀奖", None]
    assert output["awards"][1] == {"group": "village", "band": "优秀奖", "limit": None, "given": 4,
                                   "over_quota": False}


def test_vetoed_and_absent_contestants_get_no_award_and_do_not_count_in_share() -> None:
    # A vetoed, E absent: R = 3 (B, C, D); ⌈0.34 × 3⌉ = 2 → B and C (tied first).
    bands = [{"name": "一等奖", "share": "0.34"}]
    output = contest_with_awards({**SCORES, "E": ""}, [{"group": "village", "bands": bands}], vetoes=("A",))
    rows = by_id(output)
    assert [rows[c]["award"] for c in "ABCDE"] == [None, "一等奖", "一等奖", None, None]
    assert output["awards"][0]["limit"] == 2


def test_a_group_without_bands_gets_null_awards() -> None:
    groups = {"T1": "township", "V1": "village"}
    output = contest_with_awards({"T1": "80", "V1": "90"},
                                 [{"group": "village", "bands": [{"name": "先进村", "count": 1}]}],
                                 groups=groups)
    rows = by_id(output)
    assert (rows["T1"]["award"], rows["V1"]["award"]) == (None, "先进村")
    assert [t["group"] for t in output["awards"]] == ["village"]


def test_an_entry_with_no_bands_still_adds_the_award_fields() -> None:
    output = contest_with_awards({"A": "90"}, [{"group": "village", "bands": []}])
    assert output["awards"] == []
    assert by_id(output)["A"]["award"] is None


def test_without_awards_neither_award_field_appears() -> None:
    awards: list[object] | None
    for awards in ([], None):
        round_ = one_criterion_round("r", {"A": ["90"]}, panel=MEAN)
        data = contest([round_], ["A"]) if awards is None else contest([round_], ["A"], awards=awards)
        output = recompute(data)
        assert "awards" not in output
        assert "award" not in by_id(output)["A"]


def test_bands_and_groups_are_listed_in_input_order() -> None:
    groups = {"T1": "township", "V1": "village"}
    awards = [{"group": "village", "bands": [{"name": "一等奖", "count": 1}, {"name": "二等奖", "count": 2}]},
              {"group": "township", "bands": [{"name": "先进乡镇", "min_total": "0"}]}]
    output = contest_with_awards({"T1": "80", "V1": "90"}, awards, groups=groups)
    assert [(t["group"], t["band"]) for t in output["awards"]] == [
        ("village", "一等奖"), ("village", "二等奖"), ("township", "先进乡镇")]
    assert output["awards"][1]["given"] == 1
