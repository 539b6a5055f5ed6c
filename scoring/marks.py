"""Rule 1 in one pass: check every mark and fold it into its judge's sheet total for the contestant."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from .errors import Problems, place, show
from .fields import Fields, contract_decimal
from .model import Criterion

MARK_FIELDS = ("judge", "contestant", "criterion", "value")
_NOBODY = object()


class _Scale:
    """One criterion's check of a mark, remembering every mark string already judged."""

    __slots__ = ("criterion", "bit", "cache")

    def __init__(self, criterion: Criterion, bit: int) -> None:
        self.criterion = criterion
        self.bit = bit
        # A mark string -> its Decimal, or the reason it is refused (a contest uses few strings).
        self.cache: dict[str, Decimal | str] = {}

    def value_of(self, text: str) -> Decimal | str:
        known = self.cache.get(text)
        if known is None:
            known = self.cache[text] = self._judge(text)
        return known

    def _judge(self, text: str) -> Decimal | str:
        value = contract_decimal(text, show(text))
        if isinstance(value, str):
            return value
        c = self.criterion
        if value > c.max:
            return f"分值 value {show(text)} 超过最高分 (over max) \"{c.max}\""
        if value < c.min:
            return f"分值 value {show(text)} 低于最低分 (under min) \"{c.min}\""
        if (value - c.min) % c.step:
            return (f"分值 value {show(text)} 不在步长上 (off step)：应为 min \"{c.min}\" "
                    f"加 step \"{c.step}\" 的整数倍")
        return value


class _Sheet:
    """A judge's sheet for a contestant while the marks are read."""

    __slots__ = ("total", "seen", "flawed")

    def __init__(self, total: Decimal, seen: int, flawed: bool = False) -> None:
        self.total = total
        self.seen = seen  # one bit per criterion of the round
        self.flawed = flawed  # holds a refused mark: its incompleteness is not reported again


@dataclass(frozen=True)
class FoldedMarks:
    """`sheets[contestant][judge]`: complete sheet totals; `attempted`: judges who marked at all."""

    sheets: dict[str, dict[str, Decimal]]
    attempted: dict[str, int]


def fold_marks(
    marks: Sequence[object],
    path: str,
    round_id: str | None,
    criteria: Sequence[Criterion],
    unusable: Collection[str],
    contestant_ids: Collection[str] | None,
    problems: Problems,
) -> FoldedMarks:
    """Check every mark of a round and sum each complete sheet, in one pass over the marks.

    `unusable` names criteria that exist but are themselves refused: their marks are not judged
    again. `contestant_ids` is None when the contestants list itself is refused.
    """
    scales = {criterion.id: _Scale(criterion, 1 << index) for index, criterion in enumerate(criteria)}
    sheets: dict[str, dict[str, _Sheet]] = {cid: {} for cid in contestant_ids or ()}
    fields = Fields(problems)
    first_index: dict[tuple[str, str, str], int] | None = None
    loose: set[tuple[str | None, str | None, str | None]] = set()

    def first_of(key: tuple[str, str, str]) -> int:
        nonlocal first_index
        if first_index is None:  # built once, at the first duplicate only
            first_index = {}
            for index, mark in enumerate(marks):
                if isinstance(mark, dict):
                    judge, contestant, criterion = (mark.get(key) for key in MARK_FIELDS[:3])
                    if isinstance(judge, str) and isinstance(contestant, str) and isinstance(criterion, str):
                        first_index.setdefault((judge, contestant, criterion), index)
        return first_index[key]

    def check_slowly(index: int, mark: object) -> None:
        """Every problem of one mark, and its effect on its sheet (also for valid marks)."""
        mark_path = f"{path}[{index}]"
        obj = fields.mapping(mark, mark_path, MARK_FIELDS, context={"round": round_id})
        if obj is None:
            return
        in_round = {"round": round_id}
        judge = fields.text(obj, "judge", mark_path, nonempty=True, context=in_round)
        contestant = fields.text(obj, "contestant", mark_path, nonempty=True, context=in_round)
        criterion = fields.text(obj, "criterion", mark_path, nonempty=True, context=in_round)
        raw = obj.get("value")
        context = {"round": round_id, "judge": judge, "contestant": contestant,
                   "criterion": criterion, "value": raw if isinstance(raw, str) else None}
        where = place(mark_path, **context)
        known = contestant is not None and (contestant_ids is None or contestant in contestant_ids)
        if contestant is not None and not known:
            problems.add(where, f"参赛人 contestant {show(contestant)} 不在 contestants 中 "
                                "(unknown contestant)")
        scale = scales.get(criterion) if criterion is not None else None
        if criterion is not None and scale is None and criterion not in unusable:
            problems.add(where, f"指标 criterion {show(criterion)} 不是本轮的指标 (unknown criterion)")
        value: Decimal | None = None
        if "value" in obj:
            judged = (scale.value_of(raw) if scale is not None and isinstance(raw, str)
                      else contract_decimal(raw, show(raw)))
            if isinstance(judged, str):
                problems.add(where, judged)
            elif scale is not None:
                value = judged
        if judge is None or contestant is None or not known:
            # A mark that names no usable sheet: a sheet it could belong to is not reported
            # incomplete for the criterion it names (or any criterion, if it names none).
            loose.add((judge, contestant if known else None, criterion if scale or
                       criterion in unusable else None))
            return
        by_judge = sheets.setdefault(contestant, {})
        sheet = by_judge.get(judge)
        if sheet is None:
            sheet = by_judge[judge] = _Sheet(Decimal(0), 0)
        if scale is None:
            sheet.flawed = True
            return
        if sheet.seen & scale.bit:
            first = first_of((judge, contestant, scale.criterion.id))
            problems.add(where, f"重复评分 (duplicate mark)：与 {path}[{first}] 为同一评委、"
                                "参赛人和指标")
            sheet.flawed = True
            return
        sheet.seen |= scale.bit
        if value is None:
            sheet.flawed = True
        else:
            sheet.total += value

    read = itemgetter(*MARK_FIELDS)
    last_judge: object = _NOBODY  # equal to no value a mark can hold, not even null
    last_contestant: object = _NOBODY
    last_sheet = _Sheet(Decimal(0), 0)
    for index, mark in enumerate(marks):
        # The fast path: a well-formed mark whose value string this criterion already accepted,
        # on the sheet of the mark before it or on a sheet of a known contestant. A str key only
        # matches str ids, so the lookups check the types too; anything unusual (a missing field,
        # an unhashable value, a new value string, a duplicate) takes the slow path.
        try:
            if type(mark) is dict and len(mark) == 4:
                judge, contestant, criterion, text = read(mark)
                scale = scales.get(criterion)
                if scale is not None and type(value := scale.cache.get(text)) is Decimal:
                    if judge == last_judge and contestant == last_contestant:
                        sheet = last_sheet
                    elif type(judge) is str and judge and (by_judge := sheets.get(contestant)) is not None:
                        found = by_judge.get(judge)
                        if found is None:
                            found = by_judge[judge] = _Sheet(Decimal(0), 0)
                        sheet = last_sheet = found
                        last_judge, last_contestant = judge, contestant
                    else:
                        sheet = None
                    if sheet is not None and not sheet.seen & scale.bit:
                        sheet.total += value
                        sheet.seen |= scale.bit
                        continue
        except (KeyError, TypeError):
            pass
        check_slowly(index, mark)

    return _complete_sheets(sheets, criteria, loose, path, round_id, problems)


def _complete_sheets(
    sheets: Mapping[str, Mapping[str, _Sheet]],
    criteria: Sequence[Criterion],
    loose: Collection[tuple[str | None, str | None, str | None]],
    path: str,
    round_id: str | None,
    problems: Problems,
) -> FoldedMarks:
    full = (1 << len(criteria)) - 1
    complete: dict[str, dict[str, Decimal]] = {}
    attempted: dict[str, int] = {}
    for contestant, by_judge in sheets.items():
        attempted[contestant] = len(by_judge)
        totals = complete[contestant] = {}
        for judge, sheet in by_judge.items():
            if sheet.flawed:
                continue
            if sheet.seen == full:
                totals[judge] = sheet.total
                continue
            missing_ids = [c.id for i, c in enumerate(criteria) if not sheet.seen & (1 << i)]
            if loose and _explained(judge, contestant, missing_ids, loose):
                continue
            missing = ", ".join(show(cid) for cid in missing_ids)
            problems.add(place(path, round=round_id, judge=judge, contestant=contestant),
                         f"评分表不完整 (incomplete sheet)：缺少指标 criterion {missing}")
    return FoldedMarks(sheets=complete, attempted=attempted)


def _explained(
    judge: str,
    contestant: str,
    missing: Sequence[str],
    loose: Collection[tuple[str | None, str | None, str | None]],
) -> bool:
    """Whether a refused mark may be the missing one (its unknown parts match anything)."""
    for criterion in (*missing, None):
        for candidate in ((judge, contestant), (judge, None), (None, contestant), (None, None)):
            if (*candidate, criterion) in loose:
                return True
    return False
