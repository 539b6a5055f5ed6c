"""The audit package: its hash, and `verify` catching any changed mark, weight or amount."""

import copy
import hashlib
import json
from typing import Any

import pytest

from scoring import InputError, build_package, package_hash, recompute, recompute_with_package_hash, verify_package
from scoring.package import differences

from .builders import DATA, MEAN, contest, one_criterion_round


def example_package() -> dict[str, Any]:
    data = json.loads((DATA / "scoring_md_example.json").read_text(encoding="utf-8"))
    return build_package("recompute", data, "2022-12-20T08:00:00Z", 1)


def test_recompute_with_package_hash_gives_the_result_and_the_same_hash_made_from_the_package() -> None:
    data = json.loads((DATA / "scoring_md_example.json").read_text(encoding="utf-8"))
    result, digest = recompute_with_package_hash(data)
    assert result == recompute(data)
    assert digest == package_hash({"kind": "recompute", "input": data, "result": result})
    assert digest == "82e0774a4008b937dcf1ee1181856a99e8998d92f3bd56a59b55ae8e87d550f9"
    data["contestants"][0]["name"] = '王伟 "x"\\'  # not ASCII, and characters JSON escapes
    result, digest = recompute_with_package_hash(data)
    assert digest == package_hash({"kind": "recompute", "input": data, "result": result})
    assert digest == "53faa7c1e5e0cb80afd8a099c17e8bdc4a892488fe9f83c941e46b51970bf618"


def test_recompute_with_package_hash_refuses_a_bad_input_as_recompute_does() -> None:
    data = json.loads((DATA / "scoring_md_example.json").read_text(encoding="utf-8"))
    data["places"] = "two"
    with pytest.raises(InputError) as by_recompute:
        recompute(data)
    with pytest.raises(InputError) as with_hash:
        recompute_with_package_hash(data)
    assert with_hash.value.messages == by_recompute.value.messages


def test_verify_accepts_the_package_it_builds_and_gives_its_hash() -> None:
    package = example_package()
    outcome = verify_package(package)
    assert (outcome.identical, outcome.differences) == (True, ())
    assert outcome.package_hash == package_hash(package)


def test_the_package_hash_covers_kind_input_and_result_in_canonical_json() -> None:
    package = example_package()
    canonical = json.dumps({"kind": package["kind"], "input": package["input"], "result": package["result"]},
                           ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert package_hash(package) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert package_hash({**package, "published_at": "later", "version": 2}) == package_hash(package)


def test_a_changed_mark_that_moves_no_figure_is_caught_by_the_input_hash() -> None:
    package = example_package()
    published_sha = package["result"]["input_sha256"]
    # J01 and J02 of V001 in `plan` swap one point between criteria: every total stays.
    marks = package["input"]["rounds"][0]["marks"]
    assert marks[0]["value"] == "19" and marks[1]["value"] == "19"
    marks[0]["value"], marks[1]["value"] = "19.5", "18.5"
    outcome = verify_package(package)
    recomputed_sha = recompute(package["input"])["input_sha256"]
    assert outcome.identical is False
    assert outcome.differences == (f"input_sha256: published {published_sha}, recomputed {recomputed_sha}",)
    assert outcome.package_hash is None


def test_a_changed_mark_that_moves_figures_lists_each_difference() -> None:
    package = example_package()
    results = package["input"]["rounds"][2]
    # J02's sheet for V001 (83.5) is one of the 13 kept: one more point moves the mean by 1/13.
    mark = next(m for m in results["marks"] if m["judge"] == "J02" and m["contestant"] == "V001")
    assert mark == {"judge": "J02", "contestant": "V001", "criterion": "R1", "value": "17"}
    mark["value"] = "18"
    lines = verify_package(package).differences
    assert lines[:-1] == ('contestants[0].rounds.results: published 85.50, recomputed 85.58',
                          'contestants[0].total: published 60.30, recomputed 60.33')
    assert lines[-1].startswith("input_sha256: published ")


def test_a_changed_weight_is_caught() -> None:
    package = example_package()
    package["input"]["rounds"][0]["weight"] = "0.30"
    lines = verify_package(package).differences
    assert [line.split(":")[0] for line in lines] == ["input_sha256"]


def test_a_tampered_result_is_reported_field_by_field() -> None:
    package = example_package()
    result = package["result"]
    result["contestants"][0]["rank"] = 2
    result["contestants"][0]["tied"] = "false"
    del result["contestants"][1]["absent"]
    result["contestants"][1]["note"] = {"a": [1, None]}
    result["extra"] = True
    assert verify_package(package).differences == (
        "contestants[0].rank: published 2, recomputed 1",
        "contestants[0].tied: published false, recomputed false",
        "contestants[1].absent: published (missing), recomputed false",
        'contestants[1].note: published {"a":[1,null]}, recomputed (missing)',
        "extra: published true, recomputed (missing)",
    )


def test_lists_compare_by_position_and_extra_items_are_missing_on_one_side() -> None:
    assert differences({"l": [1, 2]}, {"l": [1, 2, 3]}) == ["l[2]: published (missing), recomputed 3"]
    assert differences({"l": ["a", "b"]}, {"l": ["a"]}) == ["l[1]: published b, recomputed (missing)"]
    assert differences({"x": 1}, {"x": True}) == ["x: published 1, recomputed true"]


def test_an_allocation_package_verifies_and_catches_a_changed_amount() -> None:
    data = {"budget": "100", "min_score": "60", "policy": "partial",
            "applications": [{"id": "A", "score": "90", "request": "70"},
                             {"id": "B", "score": "80", "request": "50"}]}
    package = build_package("allocate", data, "2022-12-20T08:00:00Z", 3)
    assert verify_package(package).identical
    package["result"]["allocations"][1]["amount"] = "31.00"
    assert verify_package(package).differences == (
        "allocations[1].amount: published 31.00, recomputed 30.00",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.pop("published_at"), '缺少字段 (missing field) "published_at"'),
        (lambda p: p.update(version=0), "version：0 超出范围"),
        (lambda p: p.update(version=True), "version：应为 JSON 整数"),
        (lambda p: p.update(kind="ledger"), 'kind：未知取值 (unknown value) "ledger"'),
        (lambda p: p.update(result=[]), "result：应为对象"),
        (lambda p: p.update(extra=1), '未知字段 (unknown field) "extra"'),
        (lambda p: p.update(published_at="\udfff"), "published_at：字符串没有 UTF-8 形式"),
        (lambda p: p["input"].update(places=11), "input.places：11 超出范围"),
        (lambda p: p["input"]["rounds"][0]["marks"][0].update(value="21"),
         'input.rounds[0].marks[0]（round "plan"，judge "J01"，contestant "V001"，criterion "C1"，value "21"）'
         '：分值 value "21" 超过最高分 (over max) "20"'),
    ],
)
def test_a_package_of_the_wrong_shape_or_with_bad_input_is_refused(change: Any, message: str) -> None:
    package = copy.deepcopy(example_package())
    change(package)
    with pytest.raises(InputError) as refused:
        verify_package(package)
    assert any(message in line for line in refused.value.messages), refused.value.messages


def test_build_package_keeps_the_input_and_publishes_its_result() -> None:
    data = contest([one_criterion_round("r", {"A": ["5"]}, panel=MEAN)], ["A"])
    package = build_package("recompute", data, "t", 1)
    assert list(package) == ["kind", "input", "result", "published_at", "version"]
    assert package["result"] == recompute(data)
