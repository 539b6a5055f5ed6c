"""The panel rule in plain words: exact sentences for the usual rules."""

import pytest

from app.panel_words import panel_sentence


@pytest.mark.parametrize(("method", "trim", "trim_from", "places", "judges", "sentence"), [
    ("trimmed_mean", 1, 5, 2, 15,
     "15 位评委，去掉 1 个最高分和 1 个最低分，取其余 13 位的平均分，保留两位小数，四舍五入"),
    ("trimmed_mean", 2, 9, 1, 11,
     "11 位评委，去掉 2 个最高分和 2 个最低分，取其余 7 位的平均分，保留一位小数，四舍五入"),
    ("trimmed_mean", 1, 5, 2, 5,
     "5 位评委，去掉 1 个最高分和 1 个最低分，取其余 3 位的平均分，保留两位小数，四舍五入"),
    ("trimmed_mean", 1, 5, 2, 4,
     "4 位评委，不足 5 位，不去掉最高分和最低分，取全部 4 位评委的平均分，保留两位小数，四舍五入"),
    ("trimmed_mean", 0, 1, 2, 7, "取全部 7 位评委的平均分，保留两位小数，四舍五入"),
    ("mean", 1, 5, 2, 15, "取全部 15 位评委的平均分，保留两位小数，四舍五入"),
    ("mean", 0, 1, 0, 9, "取全部 9 位评委的平均分，保留到整数，四舍五入"),
    ("mean", 0, 1, 10, 3, "取全部 3 位评委的平均分，保留十位小数，四舍五入"),
])
def test_the_panel_rule_reads_as_one_plain_sentence(
    method: str, trim: int, trim_from: int, places: int, judges: int, sentence: str
) -> None:
    assert panel_sentence(method, trim, trim_from, places, judges) == sentence
