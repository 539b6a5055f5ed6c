"""Domain errors raised by services, and the Chinese error pages."""

from typing import Any

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.accounts.forms import LoginForm


class DomainError(Exception):
    """A rule of the domain refused the request; the message is shown to the user as is."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(DomainError):
    status = 404


class ForbiddenError(DomainError):
    status = 403


MESSAGES = {
    400: ("请求无效", "提交的内容无法处理，请返回上一页检查后重试。"),
    403: ("无权访问", "您的账号没有访问此页面的权限。如有疑问，请联系组织者。"),
    404: ("页面不存在", "您要找的页面不存在，或已被移除。"),
    405: ("不支持的操作", "此页面不支持该操作。"),
    413: ("文件过大", "上传的内容超过了允许的大小。"),
    429: ("操作过于频繁", "请求次数过多，请稍后再试。"),
    500: ("系统错误", "系统出现错误，已记录。请稍后再试，或联系组织者。"),
}


def render_error(status: int, detail: str | None = None) -> tuple[str, int]:
    title, text = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=title, text=detail or text), status


def register_errorhandlers(app: Flask) -> None:
    def on_http(error: HTTPException) -> Any:
        status = error.code or 500
        if status == 429 and request.endpoint == "accounts.login":
            # The login page explains the lock-out itself, with the form still there.
            form = LoginForm(formdata=None)
            return render_template("accounts/login.html", form=form, locked=True), 429
        return render_error(status)

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
