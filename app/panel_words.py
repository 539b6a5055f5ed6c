"""A round's panel rule (PanelRule: trimmed mean or mean of the judges' totals) in Chinese words, for every page."""

from collections.abc import Mapping
from typing import Any

NUMERALS = ["零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十"]


def rounding_words(places: int) -> str:
    """保留两位小数，四舍五入 / 保留到整数，四舍五入."""
    if places == 0:
        return "保留到整数，四舍五入"
    return f"保留{NUMERALS[places]}位小数，四舍五入"


def panel_sentence(method: str, trim: int, trim_from: int, places: int, judges: int) -> str:
    """How the panel score of a contestant with `judges` sheets is taken, as one Chinese sentence (set-up)."""
    tail = rounding_words(places)
    if method == "trimmed_mean" and trim > 0 and judges >= trim_from:
        rest = judges - 2 * trim
        return f"{judges} 位评委，去掉 {trim} 个最高分和 {trim} 个最低分，取其余 {rest} 位的平均分，{tail}"
    if method == "trimmed_mean" and trim > 0:
        return f"{judges} 位评委，不足 {trim_from} 位，不去掉最高分和最低分，取全部 {judges} 位评委的平均分，{tail}"
    return f"取全部 {judges} 位评委的平均分，{tail}"


def panel_rule(panel: Mapping[str, Any], places: int, adjusted: bool = False) -> str:
    """The round's panel settings (SCORING.md rule 3) for any number of judges, for the printed 评分汇总表."""
    trim, trim_from = int(panel.get("trim", 0)), int(panel.get("trim_from", 0))
    if panel["method"] == "trimmed_mean" and trim > 0:
        rule = (f"评委不少于 {trim_from} 人时去掉最高分和最低分各 {trim} 个后取平均，"
                f"不足 {trim_from} 人时取全部评委平均分")
    else:
        rule = "取全部评委平均分"
    # The printed table writes the places as digits, as the rest of its figures (the set-up sentence speaks them).
    rounding = f"保留 {places} 位小数，四舍五入" if places > 0 else "取整数，四舍五入"
    parts = [rule, f"每名参赛者至少 {panel['min_judges']} 位评委评分", rounding]
    if panel.get("normalize") == "zscore":
        parts.insert(0, "各评委所评合计先按 z 分数标准化")
    if adjusted:
        parts.append("得分含加减分（不低于 0）")
    return "；".join(parts)


def feedback_rule(sheets: int, trim: int, scaled: bool) -> str:
    """How a contestant's round score came from their `sheets` sheets (`trim` dropped at each end), and why the
    criterion means need not add up to it: the contestant's feedback page."""
    scaled_words = "（各评委的合计先按 z 分数标准化）" if scaled else ""
    if not trim:
        return f"本轮得分为 {sheets} 位评委的评分表合计{scaled_words}的平均。"
    return (f"本轮得分为 {sheets} 位评委的评分表合计{scaled_words}去掉最高、最低各 {trim} 个后的平均"
            f"（计入 {sheets - 2 * trim} 个）。各项“本人平均”为全部 {sheets} 位评委的平均，"
            "用于对照各项强弱，其合计可能与本轮得分略有不同。")


def feedback_rule_short(round_name: str, sheets: int, trim: int, scaled: bool) -> str:
    """The same in a few words, one round of the feedback document's note."""
    how = f"去掉最高、最低各 {trim} 个后平均" if trim else "平均"
    return f"{round_name} {sheets} 位评委的合计{'（标准化后）' if scaled else ''}{how}"
