"""Import and list pages for contestants and judges (/organize/people/)."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.accounts.switch import switch_active
from app.contests.current import ContestClosed
from app.downloads import download
from app.errors import DomainError
from app.ids import id_arg
from app.judges.models import JUDGE_FIELDS
from app.pdf import render_pdf
from app.people import imports, records, slips
from app.people.create import require_contest, scoped_batch, scoped_entry, scoped_judge
from app.people.forms import ContestantForm, JudgeForm, SecretaryFields, SlipsForm, UploadForm
from app.people.imports import RowsRefused
from app.people.xlsx import MAX_BYTES, FileRejected
from app.qr import public_url
from app.security import access
from app.validation import mask_id_number

bp = Blueprint("people", __name__, url_prefix="/organize/people")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTESTANT_FIELDS = {"组别": "group", "县区": "place", "乡镇": "place", "村": "village", "书记姓名": "name",
                     "手机号": "phone", "身份证号": "id_number", "子组别": "subgroup"}
JUDGE_FIELDS_OF = {"姓名": "name", "手机号": "phone", "单位": "unit", "领域": "field", "所在县区": "home",
                   "所在乡镇": "home", "身份证号": "id_number"}


def _xlsx(data: bytes, name: str, fallback: str) -> Response:
    return download(data, XLSX, name, fallback=fallback)


def _mask_phone(phone: str | None) -> str:
    return "***" + phone[-4:] if phone else ""


def _filters() -> records.Filters:
    return records.Filters(id_arg("group"), id_arg("county"), id_arg("township"), id_arg("page") or 1)


def _show_problems(form: FlaskForm, error: RowsRefused, fields: dict[str, str]) -> None:
    for problem in error.problems:
        getattr(form, fields[problem.column]).errors.append(problem.message)
    flash(error.message, "danger")


@bp.get("/")
@access("organizer")
def contestants() -> str:
    contest = require_contest()
    filters = _filters()
    page = records.list_contestants(current_user, contest, filters)
    return render_template("people/contestants.html", contest=contest, page=page, filters=filters,
                           townships=records.township_list(current_user, filters.county_id),
                           counties=records.county_list(current_user))


@bp.get("/contestants/export.xlsx")
@access("organizer")
def contestants_export() -> Response:
    body = records.export_contestants(current_user, require_contest(), _filters())
    return _xlsx(body, "参赛人名单.xlsx", "contestants")


def _secretary_choices(form: SecretaryFields, group_id: int | None) -> None:
    contest = require_contest()
    subs = [g for g in contest.groups if g.parent_id is not None and (group_id is None or g.parent_id == group_id)]
    form.subgroup.choices = [("", "（无）")] + sorted({(g.name, g.name) for g in subs})


@bp.route("/contestants/new", methods=["GET", "POST"])
@access("organizer")
def contestant_new() -> Any:
    contest = require_contest()
    form = ContestantForm()
    form.group.choices = [(g.name, g.name) for g in contest.groups if g.parent_id is None]
    form.place.choices = records.place_choices(current_user)
    _secretary_choices(form, None)
    if form.validate_on_submit():
        county, _, township = (form.place.data or "").partition("/")
        values = {"组别": form.group.data, "县区": county, "乡镇": township, "村": form.village.data,
                  "书记姓名": form.name.data, "手机号": form.phone.data, "身份证号": form.id_number.data,
                  "子组别": form.subgroup.data}
        try:
            entry = records.add_contestant(current_user, values)
        except RowsRefused as error:
            _show_problems(form, error, CONTESTANT_FIELDS)
        else:
            flash(f"已新增参赛人 {entry.public_number}（{entry.unit_name}），书记账号已创建。", "success")
            return redirect(url_for("people.contestant", entry_id=entry.id))
    return render_template("people/contestant_form.html", form=form, entry=None)


@bp.get("/contestants/<int:entry_id>")
@access("organizer")
def contestant(entry_id: int) -> str:
    return render_template("people/contestant.html", entry=scoped_entry(current_user, entry_id))


@bp.route("/contestants/<int:entry_id>/edit", methods=["GET", "POST"])
@access("organizer")
def contestant_edit(entry_id: int) -> Any:
    entry = scoped_entry(current_user, entry_id)
    holder = entry.current_holder.user if entry.current_holder else None
    form = SecretaryFields(data={"name": holder.display_name if holder else "",
                                 "subgroup": entry.subgroup.name if entry.subgroup else ""})
    _secretary_choices(form, entry.group_id)
    if form.validate_on_submit():
        values = {"书记姓名": form.name.data, "手机号": form.phone.data, "身份证号": form.id_number.data,
                  "子组别": form.subgroup.data}
        try:
            records.edit_contestant(current_user, entry.id, values)
        except RowsRefused as error:
            _show_problems(form, error, CONTESTANT_FIELDS)
        else:
            flash("已保存。", "success")
            return redirect(url_for("people.contestant", entry_id=entry.id))
    return render_template("people/contestant_form.html", form=form, entry=entry,
                           id_masked=mask_id_number(holder.id_number if holder else None),
                           phone_masked=_mask_phone(holder.phone if holder else None))


@bp.post("/contestants/<int:entry_id>/active")
@access("organizer")
def contestant_active(entry_id: int) -> Response:
    entry = switch_active(records.set_entry_active, entry_id, lambda e: f"参赛人 {e.public_number}")
    return redirect(url_for("people.contestant", entry_id=entry.id))


@bp.post("/contestants/<int:entry_id>/code")
@access("organizer")
def contestant_code(entry_id: int) -> str:
    issued = records.reset_code(current_user, "entry", entry_id)
    return render_template("people/code.html", issued=issued, back=url_for("people.contestant", entry_id=entry_id))


@bp.get("/judges/")
@access("organizer")
def judges() -> str:
    contest = require_contest()
    return render_template("people/judges.html", contest=contest, judges=records.list_judges(current_user, contest))


@bp.get("/judges/export.xlsx")
@access("organizer")
def judges_export() -> Response:
    return _xlsx(records.export_judges(current_user, require_contest()), "评委名单.xlsx", "judges")


def _judge_form(**data: Any) -> JudgeForm:
    form = JudgeForm(data=data or None)
    form.field.choices = [(label, label) for label in JUDGE_FIELDS.values()]
    city = [("", "市直单位（不限县区）")] if current_user.county_id is None else []
    form.home.choices = city + records.place_choices(current_user, with_counties=True)
    return form


def _judge_values(form: JudgeForm) -> dict[str, Any]:
    county, _, township = (form.home.data or "").partition("/")
    return {"姓名": form.name.data, "手机号": form.phone.data, "单位": form.unit.data, "领域": form.field.data,
            "所在县区": county, "所在乡镇": township, "身份证号": form.id_number.data}


@bp.route("/judges/new", methods=["GET", "POST"])
@access("organizer")
def judge_new() -> Any:
    form = _judge_form()
    if form.validate_on_submit():
        try:
            judge = records.add_judge(current_user, _judge_values(form))
        except RowsRefused as error:
            _show_problems(form, error, JUDGE_FIELDS_OF)
        else:
            flash(f"已新增评委 {judge.user.display_name}（用户名 {judge.user.username}）。", "success")
            return redirect(url_for("people.judges"))
    return render_template("people/judge_form.html", form=form, judge=None)


@bp.route("/judges/<int:judge_id>/edit", methods=["GET", "POST"])
@access("organizer")
def judge_edit(judge_id: int) -> Any:
    judge = scoped_judge(current_user, judge_id)
    home = f"{judge.home_county.name}/{judge.home_township.name if judge.home_township else ''}" \
        if judge.home_county else ""
    form = _judge_form(name=judge.user.display_name, unit=judge.unit, field=judge.field_label, home=home)
    if form.validate_on_submit():
        try:
            records.edit_judge(current_user, judge.id, _judge_values(form))
        except RowsRefused as error:
            _show_problems(form, error, JUDGE_FIELDS_OF)
        else:
            flash("已保存。", "success")
            return redirect(url_for("people.judges"))
    return render_template("people/judge_form.html", form=form, judge=judge,
                           id_masked=mask_id_number(judge.user.id_number), phone_masked=_mask_phone(judge.user.phone))


@bp.post("/judges/<int:judge_id>/active")
@access("organizer")
def judge_active(judge_id: int) -> Response:
    switch_active(records.set_judge_active, judge_id, lambda j: f"评委 {j.user.display_name}")
    return redirect(url_for("people.judges"))


@bp.post("/judges/<int:judge_id>/code")
@access("organizer")
def judge_code(judge_id: int) -> str:
    issued = records.reset_code(current_user, "judge", judge_id)
    return render_template("people/code.html", issued=issued, back=url_for("people.judges"))


def _import_page(status: int = 200, **extra: Any) -> tuple[str, int]:
    contest = require_contest()
    page = render_template("people/import.html", contest=contest, form=UploadForm(formdata=None),
                           batches=imports.recent_batches(current_user), has_demo=imports.demo_contest() is not None,
                           **extra)
    return page, status


@bp.get("/import")
@access("organizer")
def import_page() -> tuple[str, int]:
    return _import_page()


@bp.post("/import/<kind>")
@access("organizer")
def import_upload(kind: str) -> Any:
    form = UploadForm()
    if kind not in imports.SHEETS:
        abort(404)
    if not form.validate_on_submit():
        return _import_page(400, kind=kind, error="请选择要上传的 .xlsx 文件")
    upload = form.file.data
    data = upload.stream.read(MAX_BYTES + 1)
    try:
        batch = imports.preview_import(current_user, kind, upload.filename or "", data)
    except RowsRefused as error:
        return _import_page(400, kind=kind, error=error.message, problems=error.problems)
    except FileRejected as error:
        return _import_page(400, kind=kind, error=error.message)
    except ContestClosed as error:
        return _import_page(400, kind=kind, error=error.message)
    return redirect(url_for("people.batch", batch_id=batch.id))


@bp.get("/imports/<int:batch_id>")
@access("organizer")
def batch(batch_id: int) -> str:
    found = scoped_batch(current_user, batch_id)
    return render_template("people/preview.html", batch=found, rows=imports.preview_rows(found))


@bp.post("/imports/<int:batch_id>/commit")
@access("organizer")
def batch_commit(batch_id: int) -> Any:
    try:
        done = imports.commit_import(current_user, batch_id)
    except RowsRefused as error:
        return _import_page(409, kind=scoped_batch(current_user, batch_id).kind, error=error.message,
                            problems=error.problems)
    except DomainError as error:
        if error.status != 400:
            raise
        flash(error.message, "warning")
        return redirect(url_for("people.batch", batch_id=batch_id))
    flash(f"已导入 {done.created} 条{done.batch.kind_label}：新建账号 {done.accounts_created} 个，"
          f"沿用已有账号 {done.accounts_reused} 个。请到“打印登录凭条”为新账号打印凭条。", "success")
    return redirect(url_for("people.contestants" if done.batch.kind == "contestants" else "people.judges"))


@bp.get("/template/<kind>.xlsx")
@access("organizer")
def template(kind: str) -> Response:
    if kind not in imports.SHEETS:
        abort(404)
    name = "参赛人导入模板.xlsx" if kind == "contestants" else "评委导入模板.xlsx"
    return _xlsx(imports.template_file(current_user, kind), name, f"{kind}-template")


@bp.get("/demo/contestants.xlsx")
@access("organizer")
def demo_file() -> Response:
    contest = imports.demo_contest()
    if contest is None:
        abort(404)
    return _xlsx(imports.demo_contestants_xlsx(contest), "演示导入文件-参赛人.xlsx", "demo-contestants")


@bp.route("/slips", methods=["GET", "POST"])
@access("organizer")
def slips_page() -> Any:
    contest = require_contest()
    form = SlipsForm()
    groups = slips.targets(current_user, contest)
    form.target.choices = {name: [(t.value, f"{t.label}：待打印 {t.pending} 人") for t in options]
                           for name, options in groups}
    if form.validate_on_submit():
        issued = slips.issue_slips(current_user, contest, form.target.data or "")
        pdf = render_pdf("login_slips.html", title=issued.title, slips=issued.slips,
                         login_url=public_url("accounts.login"))
        return download(pdf, "application/pdf", f"登录凭条-{issued.title}.pdf", inline=True, fallback="login-slips")
    return render_template("people/slips.html", form=form, contest=contest)
