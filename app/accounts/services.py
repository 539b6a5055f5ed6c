"""Account use cases: sign in and out, change password, create, deactivate, reissue codes, change roles."""

from dataclasses import dataclass

from sqlalchemy import select

from app import rules
from app.accounts.models import User
from app.accounts.passwords import (
    activation_digest,
    activation_matches,
    check_password,
    hash_password,
    new_activation_code,
)
from app.audit import services as audit
from app.errors import DomainError, ForbiddenError, NotFoundError
from app.extensions import db
from app.places.models import County
from app.roles import ROLE_LABELS, ROLES, SCOPED_ROLES
from app.signals import contest_duties
from app.timeutil import utcnow
from app.validation import normalise_mobile

LOGIN_FAILED = "用户名或密码错误"


class LoginFailed(DomainError):
    """Wrong username, password or activation code, or a deactivated account."""


def authenticate(username: str, secret: str) -> User:
    """The account for a username and its password or one-time activation code."""
    name = username.strip()
    user = db.session.execute(select(User).where(User.username == name)).scalar_one_or_none()
    # One slow hash whatever the account (unknown, code only, deactivated): the answer's time tells no username.
    by_password = check_password(user.password_hash if user else None, secret)
    by_code = activation_matches(user.activation_digest if user else None, secret) and not by_password
    if user is None or not (by_password or by_code) or not user.active:
        # Only someone who knows the secret learns that the account is deactivated.
        inactive = user is not None and (by_password or by_code) and not user.active
        actor = _label(user) if user else (None, "匿名")
        audit.record("login_failed", "user", user.id if user else "-", actor=actor,
                     after={"username": name[:64], "why": "inactive" if inactive else "bad credentials"})
        db.session.commit()
        raise LoginFailed("该账号已停用，请联系组织者" if inactive else LOGIN_FAILED)
    if by_code:
        user.must_change_password = True  # the code works once: a password must be set now
    user.last_login_at = utcnow()
    audit.record("login", "user", user.id, after={"username": user.username}, actor=_label(user))
    db.session.commit()
    return user


def sign_out(user: User) -> None:
    """Logout ends the account's sessions on every device, not only this one (a saved cookie stops working)."""
    user.end_sessions()
    db.session.commit()


def _label(user: User) -> tuple[int, str]:
    return user.id, f"{user.display_name}（{user.username}）"


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password; the current password or a still-valid activation code proves identity."""
    if not (check_password(user.password_hash, current) or activation_matches(user.activation_digest, current)):
        raise DomainError("当前密码或激活码不正确")
    if current == new:
        raise DomainError("新密码不能与当前密码相同")
    user.password_hash = hash_password(new)
    user.activation_digest = None
    user.must_change_password = False
    user.end_sessions()  # a session stolen with the old password ends too
    audit.record("password_changed", "user", user.id)
    db.session.commit()


@dataclass(frozen=True)
class NewAccount:
    display_name: str
    username: str
    phone: str
    role: str
    county_id: int | None
    unit: str


@dataclass(frozen=True)
class IssuedCode:
    user: User
    code: str


# The server's operator at the command line (`flask accounts …`): no account, outside every rule below.
OPERATOR = (None, "服务器管理员（命令行）")
SUPERVISORS_ONLY = "监督员账号只能由其他监督员或服务器管理员（命令行 flask accounts）创建、重置和停用"




def _audit_actor(actor: User | None) -> tuple[int | None, str] | None:
    return OPERATOR if actor is None else None


def create_account(actor: User | None, data: NewAccount) -> IssuedCode:
    """A new account with a one-time activation code; the user sets a password at first login.
    actor None is the server's operator at the command line."""
    if actor is not None:
        if data.role not in rules.roles_may_create(actor):
            raise ForbiddenError(SUPERVISORS_ONLY if "supervisor" in (data.role, actor.role)
                                 else "您不能创建该角色的账号")
        if not rules.may_see(actor, data.county_id):
            raise ForbiddenError("县区组织者只能管理本县区的账号")
        if data.role in SCOPED_ROLES and rules.is_county_scoped(actor) and data.county_id is None:
            raise ForbiddenError("县区组织者只能创建本县区的账号")
    if data.role not in ROLES:
        raise DomainError("所选角色不存在")
    if data.role == "supervisor" and data.county_id is not None:
        raise DomainError("监督员的范围是全市，不属于某个县区")
    if data.county_id is not None and db.session.get(County, data.county_id) is None:
        raise DomainError("所选县区不存在")
    phone = None
    if data.phone:
        phone = normalise_mobile(data.phone)
        if phone is None:
            raise DomainError(f"手机号“{data.phone}”不是有效的手机号码")
    if db.session.execute(select(User.id).where(User.username == data.username)).first():
        raise DomainError(f"用户名“{data.username}”已被使用")
    code = new_activation_code()
    user = User(
        display_name=data.display_name.strip(), username=data.username, phone=phone, role=data.role,
        county_id=data.county_id, unit=data.unit or None, activation_digest=activation_digest(code),
        must_change_password=True,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("account_created", "user", user.id, after=_public_fields(user), actor=_audit_actor(actor))
    db.session.commit()
    return IssuedCode(user, code)




def scoped_user(actor: User | None, user_id: int) -> User:
    """An account the actor may manage: 404 for another county's ids (not revealed), 403 for a role above them."""
    user = db.session.get(User, user_id)
    if user is None or (actor is not None and not rules.may_see(actor, user.county_id)):
        raise NotFoundError("账号不存在")
    if actor is not None and not rules.can_manage_account(actor, user):
        if "supervisor" in (user.role, actor.role):
            raise ForbiddenError(SUPERVISORS_ONLY if user.role == "supervisor" else "监督员只能管理监督员账号")
        raise ForbiddenError("县区组织者只能管理本县区的录入员、评委和书记账号")
    return user


def user_by_username(username: str) -> User:
    user = db.session.execute(select(User).where(User.username == username.strip())).scalar_one_or_none()
    if user is None:
        raise NotFoundError(f"没有用户名为“{username}”的账号")
    return user


def set_active(actor: User | None, user_id: int, active: bool) -> User:
    user = scoped_user(actor, user_id)
    if actor is not None and user.id == actor.id:
        raise DomainError("不能停用自己的账号")
    before = {"active": user.active}
    user.active = active
    if not active:
        user.end_sessions()
    audit.record("account_activated" if active else "account_deactivated", "user", user.id, before=before,
                 after={"active": active}, actor=_audit_actor(actor))
    db.session.commit()
    return user


def reissue_code(actor: User | None, user_id: int) -> IssuedCode:
    """Reset a forgotten password: a new activation code replaces the password and ends every session."""
    user = scoped_user(actor, user_id)
    code = new_activation_code()
    user.activation_digest = activation_digest(code)
    user.password_hash = None
    user.must_change_password = True
    user.end_sessions()
    audit.record("activation_code_issued", "user", user.id, actor=_audit_actor(actor))
    db.session.commit()
    return IssuedCode(user, code)


def change_role(actor: User | None, user_id: int, role: str) -> User:
    """Give an account another role; its sessions end, so the new role's rights start at the next sign-in.
    An organizer can neither make a supervisor nor turn one into anything else (scoped_user refuses that)."""
    user = scoped_user(actor, user_id)
    if role not in ROLES:
        raise DomainError("所选角色不存在")
    if actor is not None:
        if user.id == actor.id:
            raise DomainError("不能更改自己的角色")
        if role not in rules.roles_may_create(actor):
            raise ForbiddenError(SUPERVISORS_ONLY if role == "supervisor" else "您不能把账号改为该角色")
    if role == user.role:
        raise DomainError(f"该账号已是{ROLE_LABELS[role]}")
    if role == "supervisor" and _holds_contest_duties(user):
        # Organizers issue judges' cards and secretaries' slips: such an account must never open as a supervisor.
        raise DomainError("该账号是评委或参赛书记，不能改为监督员；请另建监督员账号")
    if role == "supervisor" and user.county_id is not None:
        raise DomainError("监督员的范围是全市，不属于某个县区；请另建监督员账号")
    before = {"role": user.role}
    user.role = role
    user.end_sessions()
    audit.record("account_role_changed", "user", user.id, before=before, after={"role": role},
                 actor=_audit_actor(actor))
    db.session.commit()
    return user


def _holds_contest_duties(user: User) -> bool:
    """Asked of the packages that give contest duties (judges, entries), which sit above accounts."""
    return any(held for _, held in contest_duties.send(user))


def list_accounts(actor: User, role: str | None = None) -> list[User]:
    query = select(User).order_by(User.role, User.username)
    query = rules.visible(query, User.county_id, actor)
    if actor.role == "supervisor":
        query = query.where(User.role == "supervisor")
    if role:
        query = query.where(User.role == role)
    return list(db.session.execute(query).scalars())


def _public_fields(user: User) -> dict[str, object]:
    # Phone numbers stay out of the audit trail's public parts: only the fact of one.
    return {
        "username": user.username, "display_name": user.display_name, "role": user.role,
        "county_id": user.county_id, "has_phone": bool(user.phone), "unit": user.unit,
    }
