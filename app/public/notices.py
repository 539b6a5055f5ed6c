"""The public 公示 pages (/public/): a notice, its PDF, package and diff, objections and receipts, the audit guide."""

import json
import math
import time
from dataclasses import replace

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response as BaseResponse

from app.downloads import download
from app.errorpages import render_error
from app.errors import DomainError, NotFoundError
from app.extensions import limiter
from app.notices import diffs, pages, services
from app.notices.forms import ObjectionForm
from app.public import documents, support
from app.security import PUBLIC, access

public_bp = Blueprint("public_notices", __name__, url_prefix="/public")


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
    return render_template("public/notice.html", info=shown, everyone=len(info.rows), query=query,
                           period=services.period_text(info.notice), latest=support.latest_notice(info.notice))


def _filed(response: Response) -> bool:
    return response.status_code == 302  # a filing redirects to its receipt; a refusal shows the form again


@public_bp.route("/notices/<int:notice_id>/object", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit("5 per hour", methods=["POST"], per_method=True, deduct_when=_filed)
@limiter.limit("10 per minute", methods=["POST"], per_method=True)  # every POST: against floods
@limiter.limit("60 per minute", methods=["GET"], per_method=True)
def object_form(notice_id: int) -> str | BaseResponse | tuple[str, int]:
    info = services.view(notice_id)
    form = pages.objection_form(ObjectionForm, info)
    if request.method == "POST":
        if form.website.data:
            return render_template("public/refused.html"), 400
        if not form.validate():
            return _object_page(info, form, 400)
        try:
            objection = services.file_objection(notice_id, pages.objection_input(form, "web"))
        except DomainError as error:
            flash(error.message, "danger")
            return _object_page(info, form, 400)
        flash(f"异议已受理。回执号 {objection.receipt}，请妥善保存，凭此号查询办理进度和答复。", "success")
        return redirect(url_for("public_notices.receipt", receipt=objection.receipt))
    return _object_page(info, form)


def _object_page(info: services.NoticeView, form: ObjectionForm, status: int = 200) -> tuple[str, int]:
    return render_template("public/object.html", info=info, form=form,
                           latest=support.latest_notice(info.notice)), status


@public_bp.errorhandler(CSRFError)
def expired_form(error: CSRFError) -> tuple[str, int]:
    """An objection whose page outlived its session comes back with what was typed, to send again."""
    if request.endpoint != "public_notices.object_form" or not request.view_args:
        return render_error(400, "页面已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。")
    info = services.view(request.view_args["notice_id"])
    flash("页面已过期，未能提交。您填写的内容已保留，请核对后再次点击“提交异议”。", "warning")
    return _object_page(info, pages.objection_form(ObjectionForm, info), 400)


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
    return render_template("public/too_many.html", notice=notice, minutes=minutes, typed=typed), 429


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
    return render_template("public/lookup.html", typed="", error="")


def _lookup_page(typed: str, error: str) -> tuple[str, int]:
    return render_template("public/lookup.html", typed=typed, error=error), 404


@public_bp.get("/objections/<receipt>")
@access(PUBLIC)
@limiter.limit("30 per minute")
def receipt(receipt: str) -> str | tuple[str, int]:
    try:
        objection = services.by_receipt(receipt)
    except NotFoundError as error:
        return _lookup_page(receipt.strip().upper()[:16], error.message)
    latest = support.latest_notice(objection.notice)
    row = None
    if latest is not None:  # the notice it was filed on is no longer the current one: where the result is now
        row = next((r for r in services.view(latest[0].id).rows if r.public_number == objection.public_number), None)
    return render_template("public/receipt.html", objection=objection, states=services.STATES, latest=latest,
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
    return download(documents.notice_pdf(notice_id), "application/pdf", f"notice-{notice_id}.pdf", inline=True)


@public_bp.get("/notices/<int:notice_id>/diff")
@access(PUBLIC)
@limiter.limit("60 per minute")
def diff(notice_id: int) -> str:
    return pages.render_diff(diffs.diff_page(notice_id, everyone=pages.everyone()), "public")


@public_bp.get("/audit-package")
@access(PUBLIC)
@limiter.limit("60 per minute")
def audit_guide() -> str:
    data, digest, names = support.scoring_zip()
    return render_template("public/audit_guide.html", zip_sha256=digest, zip_files=len(names), zip_size=len(data))


@public_bp.get("/scoring.zip")
@access(PUBLIC)
@limiter.limit("30 per minute")
def scoring_zip() -> Response:
    return download(support.scoring_zip()[0], "application/zip", "scoring.zip")
