"""The panel rule in plain words: what a trimmed mean or mean of N judges does (pure, no I/O)."""

NUMERALS = ["零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十"]


def rounding_words(places: int) -> str:
    """保留两位小数，四舍五入 / 保留到整数，四舍五入."""
    if places == 0:
        return "保留到整数，四舍五入"
    return f"保留{NUMERALS[places]}位小数，四舍五入"


def panel_sentence(method: str, trim: int, trim_from: int, places: int, judges: int) -> str:
    """How the panel score of a contestant with `judges` sheets is taken, as one Chinese sentence."""
    tail = rounding_words(places)
    if method == "trimmed_mean" and trim > 0 and judges >= trim_from:
        rest = judges - 2 * trim
        return f"{judges} 位评委，去掉 {trim} 个最高分和 {trim} 个最低分，取其余 {rest} 位的平均分，{tail}"
    if method == "trimmed_mean" and trim > 0:
        return f"{judges} 位评委，不足 {trim_from} 位，不去掉最高分和最低分，取全部 {judges} 位评委的平均分，{tail}"
    return f"取全部 {judges} 位评委的平均分，{tail}"
