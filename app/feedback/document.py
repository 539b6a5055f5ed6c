"""The one-page PDF of a secretary's feedback: plain values and a server-drawn SVG chart."""

from datetime import timedelta

from app.accounts.models import User
from app.feedback.chart import criteria_svg
from app.feedback.services import Feedback, feedback_for
from app.pdf import render_pdf

PDF_COMMENT_LIMIT = 90  # keeps fifteen judges' comments on one A4 page


def _local(feedback: Feedback) -> list[str]:
    return [(r.published_at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M") for r in feedback.rounds]


def feedback_pdf(user: User, entry_id: int) -> tuple[str, bytes]:
    """The file name and the PDF bytes of the secretary's own published feedback."""
    feedback = feedback_for(user, entry_id)
    rounds = []
    for line, published in zip(feedback.rounds, _local(feedback), strict=True):
        s = line.standing
        rounds.append({
            "name": line.name, "version": line.version, "package_hash": line.package_hash, "published": published,
            "score": s.score or "—", "rank": s.rank, "tied": s.tied, "vetoed": s.vetoed, "absent": s.absent,
            "award": s.award or "", "group_size": s.group_size, "group_average": s.group_average or "—",
            "group_best": s.group_best or "—", "chart": criteria_svg(line.criteria),
            "criteria": [c.name for c in line.criteria],
            "judges": [{"label": j.label, "marks": j.marks, "total": j.total,
                        "comment": j.comment if len(j.comment) <= PDF_COMMENT_LIMIT
                        else j.comment[:PDF_COMMENT_LIMIT] + "…"} for j in line.judges],
        })
    year = feedback.year
    context = {
        "contest": feedback.contest_name, "unit": feedback.unit, "public_number": feedback.public_number,
        "group": feedback.group_name, "published": feedback.published, "rounds": rounds,
        "year": None if year is None else {"total": year.score or "—", "rank": year.rank, "tied": year.tied,
                                           "group_size": year.group_size, "award": year.award or "",
                                           "group_average": year.group_average or "—",
                                           "group_best": year.group_best or "—"},
    }
    return f"feedback-{feedback.public_number}.pdf", render_pdf("feedback.html", **context)
