"""The one-page PDF of a secretary's feedback: plain values and a server-drawn SVG chart."""

from typing import Any

from flask import render_template

from app.accounts.models import User
from app.feedback.chart import criteria_svg
from app.feedback.services import Feedback, NoticeStatus, RoundFeedback, feedback_for
from app.pdf import PDF_ORIGIN, STATIC_PREFIX, static_only_fetcher
from app.timeutil import format_local

# Comments are cut, and set in two columns, at the first density that keeps the page to one A4 sheet:
# fifteen judges' full comments fit with one round published; three rounds need them short.
DENSITIES = ((90, 1), (40, 1), (24, 2), (11, 2))  # (characters per comment, columns)
# Measured on rendered pages (mm): the estimate picks the first density to try, WeasyPrint has the last word.
PAGE_MM = 273  # A4's 297 less the page margins
LINE_MM = 3.57  # one line of comment text (7.5 pt, line-height 1.35)
CHARS_PER_LINE = {1: 37, 2: 18}  # CJK characters a line of comments holds beside the chart


def _local(feedback: Feedback) -> list[str]:
    return [format_local(r.published_at) for r in feedback.rounds]


def _notice(status: NoticeStatus | None) -> dict[str, Any] | None:
    return None if status is None else {"label": status.label, "text": status.text, "final": status.final}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _estimate_mm(feedback: Feedback, limit: int, columns: int) -> float:
    """The page height the layout of templates/pdf/feedback.html needs, in mm, from the content alone:
    it picks the first density to render, so most PDFs are laid out once."""
    height = 30.0 + (14 if feedback.year else 0)  # title, subtitle, closing note; the year's figures
    for line in feedback.rounds:
        chart = (22 + 20 * len(line.criteria)) * 0.2646  # the SVG's height in px (app/feedback/chart.py)
        lines = sum(-(-(4 + min(len(j.comment), limit + 1)) // CHARS_PER_LINE[columns])
                    for j in line.judges if j.comment)
        table = (len(line.criteria) + 2) * 3.5
        height += 19 + max(chart, -(-lines // columns) * LINE_MM) + table  # heading, figures, hash, gaps
    return height


def _round(line: RoundFeedback, published: str, limit: int) -> dict[str, Any]:
    s = line.standing
    return {
        "name": line.name, "version": line.version, "package_hash": line.package_hash, "published": published,
        "score": s.score or "—", "rank": s.rank, "tied": s.tied, "vetoed": s.vetoed, "absent": s.absent,
        "award": s.award or "", "group_size": s.group_size, "group_average": s.group_average or "—",
        "group_best": s.group_best or "—", "chart": criteria_svg(line.criteria), "notice": _notice(line.notice),
        # criteria × judges: one column per judge keeps fifteen judges in a few lines
        "letters": [j.letter for j in line.judges], "totals": [j.total for j in line.judges],
        "criteria": [{"name": c.name, "max": f"{c.max.normalize():f}", "own": c.own_text, "group": c.group_text,
                      "marks": [j.marks[i] if i < len(j.marks) else "—" for j in line.judges]}
                     for i, c in enumerate(line.criteria)],
        "comments": [{"label": j.label, "text": _cut(j.comment, limit)} for j in line.judges if j.comment],
        "cut": any(len(j.comment) > limit for j in line.judges),
    }


def _rule_note(feedback: Feedback) -> str:
    """The closing note's line on how each round's score was formed (the page says it under each round)."""
    shown = [line for line in feedback.rounds if line.judges]
    if not shown:
        return ""
    note = "本轮得分：" + "；".join(line.rule_short for line in shown) + "。"
    if any(line.trim for line in shown):
        note += "“本人平均”为全部评委的各项平均，其合计可能与本轮得分略有不同。"
    return note


def _context(feedback: Feedback, limit: int, columns: int) -> dict[str, Any]:
    year = feedback.year
    return {
        "columns": columns,
        "contest": feedback.contest_name, "unit": feedback.unit, "public_number": feedback.public_number,
        "group": feedback.group_name, "published": feedback.published, "rule_note": _rule_note(feedback),
        "rounds": [_round(line, published, limit) for line, published in zip(feedback.rounds, _local(feedback),
                                                                               strict=True)],
        "year": None if year is None else {"total": year.score or "—", "rank": year.rank, "tied": year.tied,
                                           "group_size": year.group_size, "award": year.award or "",
                                           "group_average": year.group_average or "—",
                                           "group_best": year.group_best or "—",
                                           "version": feedback.year_version.number if feedback.year_version else "",
                                           "notice": _notice(feedback.year_notice)},
    }


def feedback_pdf(user: User, entry_id: int) -> tuple[str, bytes]:
    """The file name and the PDF bytes of the secretary's own published feedback, on one page."""
    from weasyprint import HTML  # imported here: loading Pango is slow and only PDF views need it

    feedback = feedback_for(user, entry_id)
    first = next((i for i, (limit, columns) in enumerate(DENSITIES)
                  if _estimate_mm(feedback, limit, columns) <= PAGE_MM), len(DENSITIES) - 1)
    for limit, columns in DENSITIES[first:]:  # the estimate is checked against WeasyPrint's own layout
        html = render_template("pdf/feedback.html", pdf_static=STATIC_PREFIX, **_context(feedback, limit, columns))
        document = HTML(string=html, base_url=PDF_ORIGIN, url_fetcher=static_only_fetcher).render()
        if len(document.pages) == 1:
            break
    return f"feedback-{feedback.public_number}.pdf", bytes(document.write_pdf())
