"""公示 staff pages: organizers' objections, 复核 and finalizing (/organize/notices/), supervisors read-only."""

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from app import rules
from app.errors import DomainError
from app.notices import desk_answers, diffs, pages, services, settings  # noqa: F401 (desk_answers connects)
from app.notices.forms import (
    ContactForm,
    FinalizeForm,
    NoticeSettingsForm,
    ObjectionForm,
    ReviewForm,
    StaffObjectionForm,
)
from app.notices.phones import mask_phone
from app.security import access

bp = Blueprint("notices", __name__, url_prefix="/organize/notices")
supervise_bp = Blueprint("supervise_notices", __name__, url_prefix="/supervise/notices")


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
    form = pages.objection_form(StaffObjectionForm, info)
    if not form.validate():
        return _detail(notice_id, "organize", entry_form=form), 400
    objection = services.file_objection(notice_id, pages.objection_input(form, form.channel.data), staff=current_user)
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
    page = diffs.diff_page(notice_id, staff=True, county_id=rules.county_of(current_user), everyone=pages.everyone())
    return pages.render_diff(page, "organize")


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
    return pages.render_diff(diffs.diff_page(notice_id, staff=True, everyone=pages.everyone()), "supervise")


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
                           entry_form=entry_form or pages.objection_form(StaffObjectionForm, info),
                           finalize_form=FinalizeForm(), over_quota=services.over_quota(info.version),
                           contact_form=contact_form or ContactForm(formdata=None, obj=info.notice),
                           period=services.period_text(info.notice), channels=services.CHANNELS,
                           states=services.STATES, mask=mask_phone,
                           final_correction=diffs.final_correction(info.version, county))


def _objection_page(item: object, audience: str, form: ReviewForm | None) -> str:
    return render_template("notices/objection.html", item=item, audience=audience, form=form,
                           channels=services.CHANNELS, states=services.STATES, mask=mask_phone)
