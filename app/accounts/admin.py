"""The account pages, shared by organizers (/organize/accounts) and supervisors (/supervise/accounts).

`area` is the blueprint that serves them; the services decide who may do what to which account."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app import rules
from app.accounts import services as accounts
from app.accounts.forms import AccountForm, RoleForm
from app.accounts.switch import switch_active
from app.errors import DomainError
from app.extensions import db
from app.places.models import County
from app.roles import ROLE_LABELS

# What each area calls its list of accounts (title, breadcrumbs, the way back).
LIST_TITLES = {"organize": "账号管理", "supervise": "监督员账号"}


def _labels(roles: list[str]) -> list[tuple[str, str]]:
    return [(r, ROLE_LABELS[r]) for r in roles]


def list_page(area: str) -> str:
    shown = rules.roles_may_create(current_user) if current_user.role == "supervisor" else list(ROLE_LABELS)
    role = request.args.get("role") or None
    if role not in shown:
        role = None
    users = accounts.list_accounts(current_user, role)
    role_form = RoleForm()
    role_form.role.choices = _labels(rules.roles_may_create(current_user))
    return render_template("organize/accounts.html", area=area, list_title=LIST_TITLES[area],
                           users=users, role=role,
                           role_labels={r: ROLE_LABELS[r] for r in shown}, role_form=role_form,
                           manageable={u.id for u in users if rules.can_manage_account(current_user, u)})


def _account_form() -> AccountForm:
    form = AccountForm()
    form.role.choices = _labels(rules.roles_may_create(current_user))
    counties = db.session.query(County).order_by(County.code).all()
    if current_user.role == "supervisor":
        form.county_id.choices = [("", "全市")]  # supervisors are city-wide
    elif rules.is_city_wide(current_user):
        form.county_id.choices = [("", "全市（不限县区）")] + [(str(c.id), c.name) for c in counties]
    else:
        form.county_id.choices = [(str(c.id), c.name) for c in counties if rules.may_see(current_user, c.id)]
    return form


def new_page(area: str) -> Any:
    form = _account_form()
    if form.validate_on_submit():
        data = accounts.NewAccount(
            display_name=form.display_name.data or "", username=form.username.data or "",
            phone=form.phone.data or "", role=form.role.data or "",
            county_id=int(form.county_id.data) if form.county_id.data else None, unit=form.unit.data or "",
        )
        try:
            issued = accounts.create_account(current_user, data)
        except DomainError as error:
            flash(error.message, "danger")
        else:
            return render_template("organize/account_code.html", area=area, list_title=LIST_TITLES[area],
                                   issued=issued, created=True)
    return render_template("organize/account_new.html", area=area, list_title=LIST_TITLES[area], form=form)


def active_post(area: str, user_id: int) -> Response:
    switch_active(accounts.set_active, user_id, lambda u: f"账号 {u.username}", on_word="启用")
    return redirect(url_for(f"{area}.account_list"))


def code_post(area: str, user_id: int) -> str:
    issued = accounts.reissue_code(current_user, user_id)
    return render_template("organize/account_code.html", area=area, list_title=LIST_TITLES[area],
                           issued=issued, created=False)


def role_post(area: str, user_id: int) -> Response:
    form = RoleForm()
    form.role.choices = _labels(rules.roles_may_create(current_user))
    if not form.validate_on_submit():
        raise DomainError("；".join(form.role.errors) or "请选择新角色")
    try:
        user = accounts.change_role(current_user, user_id, form.role.data or "")
    except DomainError as error:
        if error.status != 400:  # another county's account, a supervisor: the error page says why
            raise
        # The list keeps each row's current role selected: 改角色 without a change comes back here, said why.
        flash(error.message, "danger")
    else:
        flash(f"已将账号 {user.username} 的角色改为{user.role_label}，该账号需重新登录。", "success")
    return redirect(url_for(f"{area}.account_list"))
