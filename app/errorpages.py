"""The Chinese error pages: one for each HTTP status and domain error, and a static one when even that fails."""

from typing import Any

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from app.db_setup import reads_only_from_now
from app.errors import DomainError
from app.extensions import db

MESSAGES = {
    400: ("请求无效", "提交的内容无法处理，请返回上一页检查后重试。"),
    403: ("无权访问", "您的账号没有访问此页面的权限。如有疑问，请联系组织者。"),
    404: ("页面不存在", "您要找的页面不存在，或已被移除。"),
    405: ("不支持的操作", "此页面不支持该操作。"),
    413: ("文件过大", "上传的内容超过了允许的大小。"),
    429: ("操作过于频繁", "请求次数过多，请稍后再试。"),
    500: ("系统错误", "系统出现错误，已记录。请稍后再试，或联系组织者。"),
}


# What is shown when even the error page cannot render (the template or the database is what failed).
STATIC_PAGE = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
               '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
               '<body><h1>{title}</h1><p>{text}</p><p><a href="/">返回首页</a></p></body></html>')


def end_failed_transaction() -> None:
    """Before any error page: a failed statement leaves the session unusable until rolled back, and the page
    reads the signed-in user again (whatever the request wrote is discarded anyway: nothing commits after)."""
    try:
        db.session.rollback()
    except Exception:  # the connection itself failed: a fresh session gets another one
        current_app.logger.exception("rollback before the error page failed")
        db.session.remove()
    reads_only_from_now()


def render_error(status: int, detail: str | None = None) -> tuple[str, int]:
    end_failed_transaction()
    title, text = MESSAGES.get(status, MESSAGES[500])
    try:
        return render_template("errors/error.html", status=status, title=title, text=detail or text), status
    except Exception:  # the page must reach the user whatever failed: the static one, without layout
        current_app.logger.exception("the error page failed to render")
        plain = STATIC_PAGE.format(title=title, text=escape(detail or text))
        return plain, status


def register_errorhandlers(app: Flask) -> None:
    """The application's pages; a blueprint that shows its own page for a status registers it itself (the login
    page's lock-out, the public objection form's 429 and expired form)."""

    def on_http(error: HTTPException) -> Any:
        return render_error(error.code or 500)

    def on_csrf(error: CSRFError) -> Any:
        return render_error(400, "页面已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。")

    def on_domain(error: DomainError) -> Any:
        return render_error(error.status, error.message)

    def on_unexpected(error: Exception) -> Any:
        app.logger.exception("unhandled error")
        return render_error(500)

    app.register_error_handler(HTTPException, on_http)
    app.register_error_handler(CSRFError, on_csrf)
    app.register_error_handler(DomainError, on_domain)
    if not app.testing:
        app.register_error_handler(Exception, on_unexpected)
