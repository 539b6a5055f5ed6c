"""Report files: Excel workbooks (ranking, score matrix, appraisal) and the 评分汇总表 PDF."""

import re
from collections import defaultdict
from decimal import Decimal

from app.accounts.models import User
from app.errors import NotFoundError
from app.excel import Number, SheetSpec, workbook
from app.panel_words import panel_rule
from app.pdf import render_pdf
from app.reports.columns import Column, fixed_row, header_row
from app.reports.figures import appraisal_sheets, appraisal_view
from app.reports.matrix import criterion_legend, score_matrix
from app.reports.services import Published, load, note_of, ranking_sheets
from app.result_scope import round_code_of
from app.results.assemble import scope_label
from app.timeutil import format_local, utcnow

SOURCES = {"phone": "手机", "paper": "纸质录入", "offline": "离线"}
SUMMARY_COLUMNS = [Column("名次", 4, True), Column("编号", 6), Column("姓名", 10), Column("单位", 28),
                   Column("表数", 4, True), Column("最高分", 7, True), Column("最低分", 7, True),
                   Column("得分", 7, True), Column("奖项", 10)]


def _caption(published: Published, what: str) -> list[str]:
    version = published.version
    return [f"{published.contest.name} · {scope_label(published.contest, version.scope)} · {what}",
            f"第 {version.number} 版 · 审计包哈希 {version.package_hash}"]


def ranking_xlsx(actor: User, contest_id: int, scope: str, number: int) -> bytes:
    """One sheet per group, rows in rank order, the published figures (a county organizer: their county)."""
    published = load(actor, contest_id, scope, number)
    sheets = [SheetSpec(name, headers, lines, [7, 6, 9, 10, 34, 10] + [11] * (len(headers) - 6),
                        _caption(published, f"{name}排名"))
              for name, headers, lines in ranking_sheets(published)]
    if not sheets:
        sheets = [SheetSpec("排名", ["名次"], [], None, _caption(published, "排名"))]
    return workbook(sheets)


def matrix_xlsx(actor: User, contest_id: int, scope: str, number: int) -> bytes:
    """One row per judge × contestant: each criterion's mark, the sheet total and the sheet's version,
    the marks as the version's package counted them (a county organizer: their county)."""
    published = load(actor, contest_id, scope, number)
    matrix = score_matrix(published)
    headers = ["轮次", "编号", "单位", "评委", *matrix.criteria, "评分表合计", "版本", "来源"]
    rows = ([m.round_name, m.public_number, m.unit, m.judge,
             *(None if v is None else Number(v, p) for v, p in zip(m.marks, m.mark_places, strict=True)),
             Number(m.total, m.total_places), "—" if m.version is None else m.version,
             SOURCES.get(m.source, m.source)] for m in matrix.lines)
    caption = _caption(published, "评分明细（内部，评委实名）") + criterion_legend(published) + [
        f"分值取自第 {published.version.number} 版审计包，即发布时计入的分值；“版本”为发布时计入的评分表版本"
        "（按确认时间、迟交表受理时间和分值对应）"
        + (f"；{matrix.unmatched} 行找不到分值相同的评分表版本，记为“—”" if matrix.unmatched else "")]
    return workbook([SheetSpec("评分明细", headers, rows, [10, 8, 30, 10] + [8] * len(matrix.criteria) + [10, 6, 8],
                               caption)])


def appraisal_xlsx(actor: User, contest_id: int, scope: str | None, number: int | None) -> bytes:
    """The appraisal page's figures, one sheet per group and level."""
    view = appraisal_view(actor, contest_id, scope, number)
    published, figures = view.published, view.figures
    sheets = [SheetSpec(title, headers, lines, [24, 9, 9, 10] + [8] * (len(headers) - 6) + [34, 34],
                        _caption(published, "县区、乡镇考核数据"))
              for title, headers, lines in appraisal_sheets(figures, int(published.input.get("places", 2)))]
    return workbook(sheets or [SheetSpec("考核", ["县区"], [], None, _caption(published, "县区、乡镇考核数据"))])


def _sheet_totals(published: Published, round_code: str) -> dict[str, list[Decimal]]:
    """Each contestant's sheet totals in the published input: the sum of one judge's marks."""
    rnd = next((r for r in published.input["rounds"] if r["id"] == round_code), None)
    if rnd is None:
        return {}
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for mark in rnd["marks"]:
        totals[(mark["contestant"], mark["judge"])] += Decimal(mark["value"])
    by_contestant: dict[str, list[Decimal]] = defaultdict(list)
    for (contestant, _judge), total in totals.items():
        by_contestant[contestant].append(total)
    return by_contestant


def _points(value: Decimal | None, places: int) -> str:
    return "" if value is None else f"{value:.{places}f}"


def summary_pdf(actor: User, contest_id: int, scope: str, number: int, group: str) -> bytes:
    """评分汇总表 of a round and group: every contestant's sheets, high, low, score and award; signatures."""
    published = load(actor, contest_id, scope, number)
    version = published.version
    code = round_code_of(version.scope)
    if code is None or group not in published.groups():
        raise NotFoundError("评分汇总表按轮次和组别生成")
    places = int(published.input.get("places", 2))
    totals = _sheet_totals(published, code)
    lines = []
    for row in (r for r in published.rows if r.group == group):
        sheets = totals.get(row.public_number, [])
        place = published.places.get(row.public_number)
        lines.append(fixed_row(SUMMARY_COLUMNS, [
            "—" if row.rank is None else f"{row.rank}{'=' if row.tied else ''}", row.public_number,
            place.holder if place else "", row.name, str(len(sheets)), _points(max(sheets, default=None), places),
            _points(min(sheets, default=None), places), row.rounds.get(code) or "缺", note_of(row)]))
    judges = max((len(v) for v in totals.values()), default=0)
    round_input = next(r for r in published.input["rounds"] if r["id"] == code)
    members = {c["id"] for c in published.input["contestants"] if c["group"] == group}
    rule = panel_rule(round_input["panel"], places, any(a["contestant"] in members for a in round_input["adjustments"]))
    digest = version.package_hash if re.fullmatch(r"[0-9a-f]{64}", version.package_hash) else ""
    return render_pdf("score_summary.html", title=f"{scope_label(published.contest, version.scope)}评分汇总表",
                      contest=published.contest.name, group=published.group_names.get(group, group),
                      version=version.number, hash=version.package_hash, footer_hash=digest,
                      header=header_row(SUMMARY_COLUMNS), lines=lines, rule=rule, judge_slots=max(judges, 5),
                      printed=format_local(utcnow()), published=format_local(version.published_at))
