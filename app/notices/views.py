"""公示 pages: the public notice and objections (/public/), organizers' 复核 and finalizing, supervisors read-only."""

import json
import math
import time
from collections.abc import Callable
from dataclasses import replace

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response as BaseResponse

from app import rules
from app.downloads import download
from app.errorpages import render_error
from app.errors import DomainError, NotFoundError
from app.extensions import limiter
from app.notices import desk_answers, diffs, public_support, services, settings  # noqa: F401 (desk_answers connects)
from app.notices.forms import (
    ContactForm,
    FinalizeForm,
    NoticeSettingsForm,
    ObjectionForm,
    ReviewForm,
    StaffObjectionForm,
)
from app.notices.phones import mask_phone
from app.pdf import render_pdf
from app.qr import public_url, qr_svg
from app.security import PUBLIC, access

public_bp = Blueprint("public_notices", __name__, url_prefix="/public")
bp = Blueprint("notices", __name__, url_prefix="/organize/notices")
supervise_bp = Blueprint("supervise_notices", __name__, url_prefix="/supervise/notices")


def _objection_form(form_class: type[ObjectionForm], info: services.NoticeView) -> ObjectionForm:
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


def _input(form: ObjectionForm, channel: str) -> services.ObjectionInput:
    return services.ObjectionInput(form.name.data or "", form.phone.data or "", form.public_number.data or "",
                                   form.content.data or "", channel)


def _matches(info: services.NoticeView, query: str) -> list[services.Row]:
    """Rows whose number, name or unit holds every word of the query (as static/js/notices.js filters)."""
    words = query.lower().split()
    return [row for row in info.rows
            if all(w in f"{row.public_number} {info.names.get(row.public_number, '')} {row.name}".lower()
                   for w in words)]


@public_bp.get("/notices/<int:notice_id>")
@access(PUBLIC)
@limiter.limit("120 per minute")
def notice(notice_id: int) -> str:
    info = services.view(notice_id)
    query = request.args.get("q", "").strip()[:50]  # the filter without JavaScript
    shown = replace(info, rows=_matches(info, query)) if query else info
    return render_template("notices/public.html", info=shown, everyone=len(info.rows), query=query,
                           period=services.period_text(info.notice), latest=public_support.latest_notice(info.notice))


def _filed(response: Response) -> bool:
    return response.status_code == 302  # a filing redirects to its receipt; a refusal shows the form again


@public_bp.route("/notices/<int:notice_id>/object", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit("5 per hour", methods=["POST"], per_method=True, deduct_when=_filed)
@limiter.limit("10 per minute", methods=["POST"], per_method=True)  # every POST: against floods
@limiter.limit("60 per minute", methods=["GET"], per_method=True)
def object_form(notice_id: int) -> str | BaseResponse | tuple[str, int]:
    info = services.view(notice_id)
    form = _objection_form(ObjectionForm, info)
    if request.method == "POST":
        if form.website.data:
            return render_template("notices/refused.html"), 400
        if not form.validate():
            return _object_page(info, form, 400)
        try:
            objection = services.file_objection(notice_id, _input(form, "web"))
        except DomainError as error:
            flash(error.message, "danger")
            return _object_page(info, form, 400)
        flash(f"异议已受理。回执号 {objection.receipt}，请妥善保存，凭此号查询办理进度和答复。", "success")
        return redirect(url_for("public_notices.receipt", receipt=objection.receipt))
    return _object_page(info, form)


def _object_page(info: services.NoticeView, form: ObjectionForm, status: int = 200) -> tuple[str, int]:
    return render_template("notices/object.html", info=info, form=form,
                           latest=public_support.latest_notice(info.notice)), status


@public_bp.errorhandler(CSRFError)
def expired_form(error: CSRFError) -> tuple[str, int]:
    """An objection whose page outlived its session comes back with what was typed, to send again."""
    if request.endpoint != "public_notices.object_form" or not request.view_args:
        return render_error(400, "页面已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。")
    info = services.view(request.view_args["notice_id"])
    flash("页面已过期，未能提交。您填写的内容已保留，请核对后再次点击“提交异议”。", "warning")
    return _object_page(info, _objection_form(ObjectionForm, info), 400)


@public_bp.errorhandler(429)
def too_many(error: TooManyRequests) -> tuple[str, int]:
    """In Chinese, with when to try again; for a notice, its phone and letter lines, and any objection typed."""
    notice_id = (request.view_args or {}).get("notice_id")
    notice = None
    if notice_id is not None:
        try:
            notice = services.get_notice(notice_id)
        except DomainError:
            notice = None
    limit = limiter.current_limit
    # reset_at is rounded up to the next whole second: without that second an hour's window says 60 minutes
    minutes = max(1, math.ceil((limit.reset_at - 1 - time.time()) / 60)) if limit is not None else None
    typed = request.form.get("content", "")[:services.MAX_CONTENT] if request.method == "POST" else ""
    return render_template("notices/too_many.html", notice=notice, minutes=minutes, typed=typed), 429


@public_bp.get("/objections")
@access(PUBLIC)
@limiter.limit("30 per minute")
def lookup() -> str | BaseResponse | tuple[str, int]:
    receipt = request.args.get("receipt", "").strip().upper()[:16]
    if receipt:
        try:
            services.by_receipt(receipt)
        except NotFoundError as error:  # the form again, with what was typed, to correct it
            return _lookup_page(receipt, error.message)
        return redirect(url_for("public_notices.receipt", receipt=receipt))
    return render_template("notices/lookup.html", typed="", error="")


def _lookup_page(typed: str, error: str) -> tuple[str, int]:
    return render_template("notices/lookup.html", typed=typed, error=error), 404


@public_bp.get("/objections/<receipt>")
@access(PUBLIC)
@limiter.limit("30 per minute")
def receipt(receipt: str) -> str | tuple[str, int]:
    try:
        objection = services.by_receipt(receipt)
    except NotFoundError as error:
        return _lookup_page(receipt.strip().upper()[:16], error.message)
    latest = public_support.latest_notice(objection.notice)
    row = None
    if latest is not None:  # the notice it was filed on is no longer the current one: where the result is now
        row = next((r for r in services.view(latest[0].id).rows if r.public_number == objection.public_number), None)
    return render_template("notices/receipt.html", objection=objection, states=services.STATES, latest=latest,
                           row=row)


@public_bp.get("/notices/<int:notice_id>/package.json")
@access(PUBLIC)
@limiter.limit("30 per minute")
def package(notice_id: int) -> Response:
    info = services.view(notice_id)
    version = info.version
    body = json.dumps(dict(info.package), ensure_ascii=False, indent=1)
    name = f"package-{version.contest_id}-{version.scope.replace(':', '-')}-v{version.number}.json"
    return download(body, "application/json", name)


@public_bp.get("/notices/<int:notice_id>/notice.pdf")
@access(PUBLIC)
@limiter.limit("10 per minute")
def notice_pdf(notice_id: int) -> Response:
    notice = services.get_notice(notice_id)
    latest = public_support.latest_notice(notice)
    url = public_url("public_notices.notice", notice_id=notice_id)
    object_url = public_url("public_notices.object_form", notice_id=notice_id)

    def render() -> bytes:
        return render_pdf("notice.html", **services.pdf_context(notice_id), state=notice.state, url=url,
                          object_url=object_url, qr=qr_svg(object_url) if notice.state == "open" else None,
                          latest_number=latest[1] if latest else None,
                          latest_url=public_url("public_notices.notice", notice_id=latest[0].id)
                          if latest else None)

    pdf = public_support.pdf_cache.get(public_support.pdf_key(notice, url, latest), render)
    return download(pdf, "application/pdf", f"notice-{notice_id}.pdf", inline=True)


@public_bp.get("/notices/<int:notice_id>/diff")
@access(PUBLIC)
@limiter.limit("60 per minute")
def diff(notice_id: int) -> str:
    return _diff_page(diffs.diff_page(notice_id, everyone=_everyone()), "public")


def _everyone() -> bool:
    """?all=1: every contestant in rank order, not only those who changed."""
    return request.args.get("all") == "1"


def _diff_page(page: diffs.DiffPage, audience: str) -> str:
    return render_template("notices/diff.html", page=page, info=page.info, old=page.old, audience=audience)


@public_bp.get("/audit-package")
@access(PUBLIC)
@limiter.limit("60 per minute")
def audit_guide() -> str:
    data, digest, names = public_support.scoring_zip()
    return render_template("notices/audit_guide.html", zip_sha256=digest, zip_files=len(names), zip_size=len(data))


@public_bp.get("/scoring.zip")
@access(PUBLIC)
@limiter.limit("30 per minute")
def scoring_zip() -> Response:
    return download(public_support.scoring_zip()[0], "application/zip", "scoring.zip")


@bp.get("/")
@access("organizer")
def index() -> str:
    return render_template("notices/index.html", lines=services.notice_lines(), audience="organize",
                           settings=settings.overview())


@bp.get("/<int:notice_id>")
@access("organizer")
def detail(notice_id: int) -> str:
    return _detail(notice_id, "organize")


@bp.post("/<int:notice_id>/objections")
@access("organizer", city_only=True)
def enter_objection(notice_id: int) -> BaseResponse | tuple[str, int]:
    info = services.view(notice_id)
    form = _objection_form(StaffObjectionForm, info)
    if not form.validate():
        return _detail(notice_id, "organize", entry_form=form), 400
    objection = services.file_objection(notice_id, _input(form, form.channel.data), staff=current_user)
    flash(f"已登记异议，回执号 {objection.receipt}（请告知异议人）。", "success")
    return redirect(url_for("notices.detail", notice_id=notice_id))


@bp.post("/<int:notice_id>/contact")
@access("organizer", city_only=True)
def edit_contact(notice_id: int) -> BaseResponse | tuple[str, int]:
    form = ContactForm()
    if not form.validate():
        return _detail(notice_id, "organize", contact_form=form), 400
    return _saved(lambda: settings.edit_contact(current_user, notice_id, form.contact.data or ""),
                  lambda: (_detail(notice_id, "organize", contact_form=form), 400),
                  ("联系方式已更新，公示页面和 PDF 即时显示。", "联系方式没有变化。"),
                  url_for("notices.detail", notice_id=notice_id))


@bp.get("/settings/<int:contest_id>")
@access("organizer", city_only=True)
def notice_settings(contest_id: int) -> str:
    info = settings.view(contest_id)
    return _settings_page(info, NoticeSettingsForm(formdata=None, obj=info.settings), "organize")[0]


@bp.post("/settings/<int:contest_id>")
@access("organizer", city_only=True)
def notice_settings_save(contest_id: int) -> BaseResponse | tuple[str, int]:
    info = settings.view(contest_id)
    form = NoticeSettingsForm()
    if not form.validate():
        return _settings_page(info, form, "organize", 400)
    return _saved(lambda: settings.save(current_user, contest_id, form.period_days.data, form.contact.data or "",
                                        form.issuing_body.data or ""),
                  lambda: _settings_page(info, form, "organize", 400),
                  ("公示设置已保存，下次发布成绩时使用；已开始的公示不受影响。", "公示设置没有变化。"),
                  url_for("notices.notice_settings", contest_id=contest_id))


def _saved(change: Callable[[], bool], again: Callable[[], tuple[str, int]], messages: tuple[str, str],
           target: str) -> BaseResponse | tuple[str, int]:
    """Run a settings change: a refusal shows the form again with the reason; else say whether anything changed."""
    try:
        changed = change()
    except DomainError as error:
        if error.status != 400:
            raise
        flash(error.message, "danger")
        return again()
    flash(messages[0] if changed else messages[1], "success" if changed else "info")
    return redirect(target)


@bp.get("/objections/<int:objection_id>")
@access("organizer")
def objection(objection_id: int) -> str:
    found = services.get_objection(objection_id, rules.county_of(current_user))
    return _objection_page(found, "organize", ReviewForm())


@bp.post("/objections/<int:objection_id>/review")
@access("organizer", city_only=True)
def review(objection_id: int) -> BaseResponse | tuple[str, int]:
    form = ReviewForm()
    if not form.validate():
        return _objection_page(services.get_objection(objection_id, None), "organize", form), 400
    services.review(current_user, objection_id, form.outcome.data, form.answer.data)
    flash("复核结论和书面答复已保存，异议人可凭回执号查看。", "success")
    return redirect(url_for("notices.objection", objection_id=objection_id))


@bp.post("/<int:notice_id>/finalize")
@access("organizer", city_only=True)
def finalize(notice_id: int) -> BaseResponse:
    form = FinalizeForm()
    services.finalize(current_user, notice_id, bool(form.confirm_over_quota.data))
    flash("公示已终结，本版本成绩为最终结果。", "success")
    return redirect(url_for("notices.detail", notice_id=notice_id))


@bp.get("/<int:notice_id>/diff")
@access("organizer")
def organize_diff(notice_id: int) -> str:
    page = diffs.diff_page(notice_id, staff=True, county_id=rules.county_of(current_user), everyone=_everyone())
    return _diff_page(page, "organize")


@supervise_bp.get("/")
@access("supervisor")
def supervise_index() -> str:
    return render_template("notices/index.html", lines=services.notice_lines(), audience="supervise",
                           settings=settings.overview())


@supervise_bp.get("/<int:notice_id>")
@access("supervisor")
def supervise_detail(notice_id: int) -> str:
    return _detail(notice_id, "supervise")


@supervise_bp.get("/<int:notice_id>/diff")
@access("supervisor")
def supervise_diff(notice_id: int) -> str:
    return _diff_page(diffs.diff_page(notice_id, staff=True, everyone=_everyone()), "supervise")


@supervise_bp.get("/settings/<int:contest_id>")
@access("supervisor")
def supervise_settings(contest_id: int) -> str:
    info = settings.view(contest_id)
    return _settings_page(info, None, "supervise")[0]


@supervise_bp.get("/objections/<int:objection_id>")
@access("supervisor")
def supervise_objection(objection_id: int) -> str:
    return _objection_page(services.get_objection(objection_id, None), "supervise", None)


def _settings_page(info: settings.SettingsView, form: NoticeSettingsForm | None, audience: str,
                   status: int = 200) -> tuple[str, int]:
    return render_template("notices/settings.html", info=info, form=form, audience=audience,
                           limits=(settings.MIN_DAYS, settings.MAX_DAYS)), status


def _detail(notice_id: int, audience: str, entry_form: ObjectionForm | None = None,
            contact_form: ContactForm | None = None) -> str:
    info = services.view(notice_id)
    county = rules.county_of(current_user) if audience == "organize" else None
    return render_template("notices/detail.html", info=info, audience=audience,
                           objections=services.objections_for(info.notice, county),
                           entry_form=entry_form or _objection_form(StaffObjectionForm, info),
                           finalize_form=FinalizeForm(), over_quota=services.over_quota(info.version),
                           contact_form=contact_form or ContactForm(formdata=None, obj=info.notice),
                           period=services.period_text(info.notice), channels=services.CHANNELS,
                           states=services.STATES, mask=mask_phone,
                           final_correction=diffs.final_correction(info.version, county))


def _objection_page(item: object, audience: str, form: ReviewForm | None) -> str:
    return render_template("notices/objection.html", item=item, audience=audience, form=form,
                           channels=services.CHANNELS, states=services.STATES, mask=mask_phone)
