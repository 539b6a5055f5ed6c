"""Bad input is refused with every problem listed, in Chinese with the English field names."""

import pytest

from scoring import InputError, allocate, judge_statistics, recompute

from .bad_inputs import CASES, BadInput, base_allocation, base_contest, mark

VERBS = {"recompute": recompute, "allocate": allocate, "judges": judge_statistics}


def refused(case_data: object, verb: str = "recompute") -> tuple[str, ...]:
    with pytest.raises(InputError) as error:
        VERBS[verb](case_data)
    return error.value.messages


def test_the_base_inputs_are_valid() -> None:
    recompute(base_contest())
    allocate(base_allocation())


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_bad_input_gives_exactly_its_messages(case: BadInput) -> None:
    assert refused(case.data(), case.verb) == case.messages


def test_every_problem_is_listed_at_once_in_input_order() -> None:
    data = base_contest()
    mark(data, 0)["value"] = "10.5"
    mark(data, 3)["value"] = "1e1"
    data["rounds"][0]["weight"] = "0"
    data["places"] = -1
    messages = refused(data)
    assert [m.split("：")[0].split("（")[0] for m in messages] == [
        "places", "rounds[0].weight", "rounds[0].marks[0]", "rounds[0].marks[3]"]


def test_an_invalid_mark_does_not_also_report_its_sheet_incomplete() -> None:
    data = base_contest()
    mark(data, 0)["value"] = "x"
    del mark(data, 0)["judge"]
    assert refused(data) == ('rounds[0].marks[0]（round "plan"）：缺少字段 (missing field) "judge"',
                             'rounds[0].marks[0]（round "plan"，contestant "A"，criterion "C1"，value "x"）'
                             '：应为十进制数字符串 (decimal string, 如 "18.5")，实为 "x"')


def test_a_sheet_with_an_invalid_mark_counts_towards_min_judges() -> None:
    data = base_contest()
    mark(data, 0)["value"] = "11"
    assert len(refused(data)) == 1


def test_a_veto_for_an_unknown_contestant_is_refused() -> None:
    data = base_contest()
    data["rounds"][0]["vetoes"] = [{"contestant": "Q", "reason": "一票否决"}]
    assert refused(data) == ('rounds[0].vetoes[0].contestant（round "plan"）：参赛人 contestant "Q" '
                             "不在 contestants 中 (unknown contestant)",)


def test_a_mark_that_is_not_an_object_is_named() -> None:
    data = base_contest()
    data["rounds"][0]["marks"].append(["J01", "A", "C1", "8"])
    assert refused(data) == ('rounds[0].marks[12]（round "plan"）：应为对象 (object)，实为 数组 (array)',)


def test_a_bool_is_not_an_integer() -> None:
    data = base_contest()
    data["places"] = True
    assert refused(data) == ("places：应为 JSON 整数 (integer)，实为 布尔值 (boolean)",)


def test_a_name_must_be_a_string_and_a_judge_id_not_empty() -> None:
    data = base_contest()
    data["contestants"][0]["name"] = 5
    mark(data, 0)["judge"] = ""
    assert refused(data) == (
        'contestants[0].name（contestant "A"）：应为字符串 (string)，实为 数字 (number) 5',
        'rounds[0].marks[0].judge（round "plan"）：不能为空字符串 (must not be empty)')


def test_tiers_policy_needs_tiers() -> None:
    data = base_allocation()
    data["policy"] = "tiers"
    assert refused(data, "allocate") == ('tiers：policy "tiers" 需要非空的 tiers 数组 (array of tiers)',)


def test_a_contestant_refused_for_its_group_is_still_known_to_the_marks() -> None:
    data = base_contest()
    data["contestants"][0]["group"] = ""
    assert refused(data) == ('contestants[0].group（contestant "A"）：不能为空字符串 (must not be empty)',)
