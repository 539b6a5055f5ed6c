"""What the staff's and the public's 公示 pages share: the objection form filled from a notice, the diff page."""

from flask import render_template, request

from app.notices import diffs, services
from app.notices.forms import ObjectionForm


def objection_form(form_class: type[ObjectionForm], info: services.NoticeView) -> ObjectionForm:
    """The objection form with the notice's contestants by number (not by rank: T01…, V001…, as people look a
    number up); `?number=V048` on the form's address picks one (the finder on the page narrows the list)."""
    form = form_class()
    rows = sorted(info.rows, key=lambda r: r.public_number)
    form.public_number.choices = [("", "请选择")] + [
        (r.public_number, f"{r.public_number} {info.names.get(r.public_number, '')}（{r.name}）") for r in rows]
    asked = request.args.get("number", "").strip().upper()
    if request.method == "GET" and any(r.public_number == asked for r in rows):
        form.public_number.data = asked
    return form


def objection_input(form: ObjectionForm, channel: str) -> services.ObjectionInput:
    return services.ObjectionInput(form.name.data or "", form.phone.data or "", form.public_number.data or "",
                                   form.content.data or "", channel)


def everyone() -> bool:
    """?all=1: every contestant in rank order, not only those who changed."""
    return request.args.get("all") == "1"


def render_diff(page: diffs.DiffPage, audience: str) -> str:
    return render_template("notices/diff.html", page=page, info=page.info, old=page.old, audience=audience)
