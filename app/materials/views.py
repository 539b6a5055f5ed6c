"""Materials: the secretary's uploads (/me/materials/), and reading them for organizers and supervisors."""

import os
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask.sansio.blueprints import BlueprintSetupState
from flask_login import current_user
from werkzeug.wrappers import Response

from app.downloads import as_download
from app.errorpages import render_error
from app.errors import DomainError
from app.materials import services
from app.materials.forms import MaterialForm
from app.materials.models import Material
from app.security import access

bp = Blueprint("materials", __name__)
FORM_SLACK = 64 * 1024  # the multipart envelope and the other fields around the file


def _limit_upload_body() -> None:
    """An upload's body may not exceed 20 MB and the envelope: refused (413) from its Content-Length, unread."""
    if request.endpoint == "materials.upload":
        request.max_content_length = services.LIMIT + FORM_SLACK


@bp.record_once
def _limit_before_csrf(state: BlueprintSetupState) -> None:
    # CSRF protection reads the form in the app's first before-request hook; the limit must come before it.
    state.app.before_request_funcs.setdefault(None, []).insert(0, _limit_upload_body)


@bp.errorhandler(413)
def _body_too_large(_error: Exception) -> Any:
    """A body refused unread from its length: the upload page again, saying why (not a bare error page)."""
    args = request.view_args or {}
    if request.endpoint != "materials.upload" or not current_user.is_authenticated:
        return render_error(413)
    flash(services.TOO_BIG + "。本次提交未保存，请重新选择文件并填写。", "danger")
    return _upload_page(int(args["entry_id"]), int(args["round_id"]), MaterialForm(formdata=None), 413)


def pdf_response(material: Material) -> Response:
    response = send_file(services.path_of(material), mimetype="application/pdf")
    return as_download(response, services.download_name(material), inline=True)


@bp.get("/me/materials/")
@access("secretary")
def my_materials() -> str:
    entries = services.held_entries(current_user)
    return render_template("materials/mine.html", entries=[(e, services.entry_overview(e)) for e in entries])


@bp.get("/me/materials/entries/<int:entry_id>")
@access("secretary")
def entry_materials(entry_id: int) -> str:
    entry = services.held_entry(current_user, entry_id)
    return render_template("materials/mine.html", entries=[(entry, services.entry_overview(entry))], single=True)


def _upload_page(entry_id: int, round_id: int, form: MaterialForm, status: int = 200) -> tuple[str, int]:
    entry = services.held_entry(current_user, entry_id)
    rnd = services.entry_round(entry, round_id)
    return render_template("materials/upload.html", entry=entry, round=rnd, form=form, limit_mb=services.LIMIT >> 20,
                           versions=services.versions(rnd.id, entry.id), open=services.is_open(rnd),
                           closed=None if services.is_open(rnd) else services.closed_message(rnd),
                           needs_target=services.needs_target(rnd)), status


@bp.get("/me/materials/entries/<int:entry_id>/rounds/<int:round_id>")
@access("secretary")
def upload_form(entry_id: int, round_id: int) -> tuple[str, int]:
    return _upload_page(entry_id, round_id, MaterialForm(formdata=None))


@bp.post("/me/materials/entries/<int:entry_id>/rounds/<int:round_id>")
@access("secretary")
def upload(entry_id: int, round_id: int) -> Any:
    form = MaterialForm()
    if not form.validate_on_submit():
        return _upload_page(entry_id, round_id, form, 400)
    stream = form.file.data.stream
    stream.seek(0, os.SEEK_END)
    if stream.tell() > services.LIMIT:
        raise services.TooLargeError(services.TOO_BIG)
    stream.seek(0)
    data = services.Upload(form.file.data.filename or "", stream.read(services.LIMIT + 1), form.income_target.data)
    try:
        material = services.upload(current_user, entry_id, round_id, data)
    except DomainError as error:
        flash(error.message, "danger")
        return _upload_page(entry_id, round_id, form, error.status)
    flash(f"材料已上传（第 {material.version} 版，{material.size_label}）。", "success")
    return redirect(url_for("materials.upload_form", entry_id=entry_id, round_id=round_id))


@bp.get("/me/materials/files/<int:material_id>")
@access("secretary")
def my_file(material_id: int) -> Response:
    return pdf_response(services.for_secretary(current_user, material_id))


# Staff read the same pages under their own prefix: organizers (a county organizer only their county's
# entries, checked in the service) and supervisors. Endpoint names per audience: templates link to them.
STAFF = (("/organize", "organizer", "round_overview", "organizer_file"),
         ("/supervise", "supervisor", "supervisor_overview", "supervisor_file"))
FILE_OF_OVERVIEW = {f"materials.{overview}": f"materials.{file}" for _, _, overview, file in STAFF}


def round_overview(round_id: int) -> str:
    rnd, rows = services.staff_rows(current_user, round_id)
    return render_template("materials/round.html", round=rnd, rows=rows,
                           download=FILE_OF_OVERVIEW[request.endpoint or ""])


def staff_file(round_id: int, entry_id: int) -> Response:
    return pdf_response(services.for_staff(current_user, round_id, entry_id))


for _prefix, _role, _overview, _file in STAFF:
    bp.add_url_rule(f"{_prefix}/materials/rounds/<int:round_id>", _overview, access(_role)(round_overview),
                    methods=["GET"])
    bp.add_url_rule(f"{_prefix}/materials/<int:round_id>/<int:entry_id>", _file, access(_role)(staff_file),
                    methods=["GET"])
