"""Checking one row of contestants or judges (from a file or a form) against places, groups and scope."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, ValidationError

from app import rules
from app.contests.models import Contest
from app.extensions import db
from app.judge_fields import JUDGE_FIELDS
from app.people.xlsx import Column
from app.places.models import County, Township, Village
from app.validation import normalise_mobile

CONTESTANT_COLUMNS = (
    Column("组别", True, 18, "groups"), Column("县区", True, 10, "counties"), Column("乡镇", True, 14),
    Column("村", False, 16), Column("书记姓名", True, 12), Column("手机号", True, 15),
    Column("身份证号", False, 22), Column("子组别", False, 14, "subgroups"),
)
JUDGE_COLUMNS = (
    Column("姓名", True, 12), Column("手机号", True, 15), Column("单位", True, 22),
    Column("领域", True, 12, "fields"), Column("所在县区", False, 10, "counties"), Column("所在乡镇", False, 14),
    Column("身份证号", False, 22),
)
MISSING = "必填项未填写"
NOT_YOURS = "不属于您管理的县区"
FIELD_BY_LABEL = {label: code for code, label in JUDGE_FIELDS.items()}
TOWNSHIP_GROUP = "township"
NOT_A_TOWNSHIP = {"street": "街道", "zone": "开发区"}


@dataclass(frozen=True)
class Problem:
    """One reason a row cannot be imported: where it is, what it says, and why (in Chinese)."""

    sheet: str
    row: int
    column: str
    value: str
    message: str


def text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, dates as YYYY-MM-DD, blanks as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


class Places:
    """Counties, townships and villages by name, loaded once per check."""

    def __init__(self) -> None:
        self.counties = {c.name: c for c in db.session.execute(select(County)).scalars()}
        self.townships: dict[tuple[int, str], Township] = {}
        self.township_by_id: dict[int, Township] = {}
        for t in db.session.execute(select(Township)).scalars():
            self.townships[(t.county_id, t.name)] = t
            self.township_by_id[t.id] = t
        self.villages: dict[tuple[int, str], Village] = {}
        self.village_homes: dict[str, list[int]] = defaultdict(list)
        self.village_by_id: dict[int, Village] = {}
        for v in db.session.execute(select(Village)).scalars():
            self.villages[(v.township_id, v.name)] = v
            self.village_homes[v.name].append(v.township_id)
            self.village_by_id[v.id] = v


class RowChecker:
    """Checks rows one by one; collects problems with the sheet's name and the row's number."""

    def __init__(self, contest: Contest, actor_county_id: int | None, sheet: str = "表单",
                 letters: dict[str, str] | None = None) -> None:
        self.places = Places()
        self.scope = actor_county_id
        self.sheet = sheet
        self.letters = letters or {}
        self.groups = {g.name: g for g in contest.groups if g.parent_id is None}
        self.groups.update({g.code: g for g in contest.groups if g.parent_id is None})
        self.group_codes = {g.id: g.code for g in contest.groups if g.parent_id is None}
        self.subgroups = {(g.parent_id, g.name): g for g in contest.groups if g.parent_id is not None}
        self.problems: list[Problem] = []

    def problem(self, row: int, column: str, value: Any, message: str) -> None:
        letter = self.letters.get(column)
        label = f"{letter}（{column}）" if letter else column
        self.problems.append(Problem(self.sheet, row, label, text(value)[:60], message))

    def required(self, row: int, values: dict[str, Any], column: str) -> str:
        value = text(values.get(column))
        if not value:
            self.problem(row, column, "", MISSING)
        elif len(value) > 64:
            self.problem(row, column, value, "内容过长（最多 64 个字）")
            return ""
        return value

    def chosen(self, row: int, column: str, value: str, known: bool, choices: Iterable[str]) -> None:
        """A value that must be one of `choices`: missing, or unknown with the choices named."""
        if not value:
            self.problem(row, column, "", MISSING)
        elif not known:
            self.problem(row, column, value, f"未知的{column}“{value}”，应为：{'、'.join(choices)}")

    def mobile(self, row: int, values: dict[str, Any], column: str = "手机号") -> str:
        raw = text(values.get(column))
        if not raw:
            self.problem(row, column, "", MISSING)
            return ""
        digits = raw.replace(" ", "").replace("-", "").removeprefix("+86")
        if not digits.isdigit():
            self.problem(row, column, raw, "手机号应为数字，不能包含文字或其他符号")
            return ""
        phone = normalise_mobile(digits)
        if phone is None:
            self.problem(row, column, raw, "不是有效的手机号码（应为 11 位大陆手机号）")
            return ""
        return phone

    def id_number(self, row: int, values: dict[str, Any], column: str = "身份证号") -> str | None:
        raw = values.get(column)
        if raw is None or text(raw) == "" or "*" in text(raw):
            return None  # optional; a masked number (from an export) means "unchanged / not given"
        if isinstance(raw, int | float):
            self.problem(row, column, raw, "身份证号须以文本格式填写（数字格式会丢失末位），请将该列设为“文本”后重填")
            return None
        try:
            return str(ric.validate(text(raw).upper()))
        except InvalidChecksum:
            self.problem(row, column, raw, "身份证号校验位不正确，请核对")
        except ValidationError:
            self.problem(row, column, raw, "身份证号格式不正确（应为 18 位）")
        return None

    def county(self, row: int, values: dict[str, Any], column: str, required: bool) -> County | None:
        name = text(values.get(column))
        if not name:
            if required:
                self.problem(row, column, "", MISSING)
            elif rules.is_county_scoped(self.scope):
                self.problem(row, column, "", "县区组织者导入的评委须填写本县区")
            return None
        county = self.places.counties.get(name)
        if county is None:
            self.problem(row, column, name, f"未知的县区“{name}”")
        elif not rules.may_see(self.scope, county.id):
            self.problem(row, column, name, NOT_YOURS)
            return None
        return county

    def township(self, row: int, values: dict[str, Any], column: str, county: County | None,
                 required: bool) -> Township | None:
        name = text(values.get(column))
        if not name:
            if required:
                self.problem(row, column, "", MISSING)
            return None
        if county is None:
            if not required:
                self.problem(row, column, name, "填写乡镇时须同时填写县区")
            return None
        township = self.places.townships.get((county.id, name))
        if township is None:
            self.problem(row, column, name, f"{county.name}没有乡镇“{name}”")
        return township

    def village(self, row: int, values: dict[str, Any], township: Township | None, wanted: bool) -> Village | None:
        name = text(values.get("村"))
        if not wanted:
            if name:
                self.problem(row, "村", name, "乡镇党委书记组不填“村”")
            return None
        if not name:
            self.problem(row, "村", "", MISSING)
            return None
        if township is None:
            return None
        village = self.places.villages.get((township.id, name))
        if village is None:
            homes = self.places.village_homes.get(name)
            if homes:
                elsewhere = self.places.township_by_id[homes[0]].name
                self.problem(row, "村", name, f"“{name}”不属于{township.name}（属于{elsewhere}）")
            else:
                self.problem(row, "村", name, f"{township.name}没有村“{name}”")
        return village

    def contestant(self, row: int, values: dict[str, Any]) -> dict[str, Any]:
        """The row's checked values (ids and normalised values, None where wrong or missing), its problems
        noted: a row with a wrong value is still checked for duplicates, so that every problem shows at once."""
        group_name = text(values.get("组别"))
        group = self.groups.get(group_name)
        self.chosen(row, "组别", group_name, group is not None, self._group_names())
        county = self.county(row, values, "县区", required=True)
        township = self.township(row, values, "乡镇", county, required=True)
        in_township_group = group is not None and group.code == TOWNSHIP_GROUP
        if in_township_group and township is not None and township.kind in NOT_A_TOWNSHIP:
            kind = NOT_A_TOWNSHIP[township.kind]
            self.problem(row, "乡镇", township.name, f"{township.name}是{kind}：{kind}不参加乡镇党委书记组，"
                         f"其所辖的村参加村党组织书记组")
        village = self.village(row, values, township, wanted=not in_township_group)
        name = self.required(row, values, "书记姓名")
        phone = self.mobile(row, values)
        id_number = self.id_number(row, values)
        subgroup = None
        sub_name = text(values.get("子组别"))
        if sub_name and group is not None:
            subgroup = self.subgroups.get((group.id, sub_name))
            if subgroup is None:
                self.problem(row, "子组别", sub_name, f"{group.name}没有子组别“{sub_name}”")
        return {"row": row, "group_id": group.id if group else None, "subgroup_id": subgroup.id if subgroup else None,
                "county_id": county.id if county else None, "township_id": township.id if township else None,
                "village_id": village.id if village else None, "name": name or None, "phone": phone or None,
                "id_number": id_number}

    def judge(self, row: int, values: dict[str, Any]) -> dict[str, Any]:
        """A checked judge row (None where wrong or missing), its problems noted; duplicates are checked after."""
        name = self.required(row, values, "姓名")
        phone = self.mobile(row, values)
        unit = self.required(row, values, "单位")
        label = text(values.get("领域"))
        field = FIELD_BY_LABEL.get(label) or (label if label in JUDGE_FIELDS else None)
        self.chosen(row, "领域", label, field is not None, JUDGE_FIELDS.values())
        county = self.county(row, values, "所在县区", required=False)
        township = self.township(row, values, "所在乡镇", county, required=False)
        id_number = self.id_number(row, values)
        return {"row": row, "name": name or None, "phone": phone or None, "unit": unit, "field": field,
                "county_id": county.id if county else None, "township_id": township.id if township else None,
                "id_number": id_number}

    def _group_names(self) -> list[str]:
        return sorted({g.name for g in self.groups.values()})

    def place_key(self, checked: dict[str, Any]) -> tuple[int, int | None] | None:
        """(township, village) of a row, None while its place is unknown (a wrong or missing value)."""
        group_code = self.group_codes.get(checked["group_id"] or 0)
        if checked["township_id"] is None or group_code is None:
            return None
        if checked["village_id"] is None and group_code != TOWNSHIP_GROUP:
            return None
        return checked["township_id"], checked["village_id"]

    def place_label(self, checked: dict[str, Any]) -> str:
        village = self.places.village_by_id.get(checked["village_id"] or 0)
        return village.name if village else self.places.township_by_id[checked["township_id"]].name
