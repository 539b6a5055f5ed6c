"""Separation of duties (issue 11.2): only supervisors or the server's operator make, reset and disable supervisors."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.accounts import services
from app.accounts.models import User
from app.audit.models import AuditEvent
from app.errors import ForbiddenError
from app.extensions import db
from tests.conftest import csrf_from, login
from tests.factories import World

CODE_RE = re.compile(r"\b([2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5})\b")
SUPERVISORS_ONLY = "监督员账号只能由其他监督员或服务器管理员（命令行 flask accounts）创建、重置和停用"


def state(user_id: int) -> tuple[str, bool, str | None, str | None]:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user is not None
    return user.role, user.active, user.password_hash, user.activation_digest


def supervisors() -> int:
    return db.session.execute(select(func.count(User.id)).where(User.role == "supervisor")).scalar_one()


def new_account(client: FlaskClient, area: str, **fields: str) -> str:
    token = csrf_from(client.get(f"/{area}/accounts/new").get_data(as_text=True))
    data = {"display_name": "纪检员", "username": "sup2", "phone": "", "role": "supervisor", "county_id": "",
            "unit": "市纪委监委", "csrf_token": token} | fields
    return client.post(f"/{area}/accounts/new", data=data).get_data(as_text=True)


@pytest.mark.parametrize("organizer", ["city", "pdorg"])
def test_no_organizer_can_create_a_supervisor(client: FlaskClient, world: World, organizer: str) -> None:
    login(client, organizer)
    form = client.get("/organize/accounts/new").get_data(as_text=True)
    assert 'value="supervisor"' not in form  # not offered
    html = new_account(client, "organize")
    assert "请从列表中选择" in html  # forced anyway: a Chinese refusal, nothing created
    assert supervisors() == 1
    with pytest.raises(ForbiddenError, match=SUPERVISORS_ONLY):
        services.create_account(world.users["city_organizer"], services.NewAccount(
            display_name="纪检员", username="sup2", phone="", role="supervisor", county_id=None, unit=""))
    assert supervisors() == 1


def test_the_city_organizer_can_neither_reset_nor_disable_nor_re_role_a_supervisor(
        client: FlaskClient, world: World) -> None:
    sup = world.users["supervisor"]
    before = state(sup.id)
    token = login(client, "city")
    row = client.get("/organize/accounts/").get_data(as_text=True).split("监督员甲", 1)[1].split("</tr>", 1)[0]
    assert "由监督员或服务器管理员管理" in row and "/code" not in row and "/active" not in row and "/role" not in row
    for action, data in (("code", {}), ("active", {"active": "0"}), ("role", {"role": "organizer"})):
        response = client.post(f"/organize/accounts/{sup.id}/{action}", data=data | {"csrf_token": token})
        assert response.status_code == 403, action
        assert SUPERVISORS_ONLY in response.get_data(as_text=True)
    assert state(sup.id) == before


def test_no_organizer_can_turn_an_account_into_a_supervisor(client: FlaskClient, world: World) -> None:
    judge = world.users["judge"]
    token = login(client, "city")
    response = client.post(f"/organize/accounts/{judge.id}/role", data={"role": "supervisor", "csrf_token": token})
    assert response.status_code == 400 and "请从列表中选择" in response.get_data(as_text=True)
    with pytest.raises(ForbiddenError, match=SUPERVISORS_ONLY):
        services.change_role(world.users["city_organizer"], judge.id, "supervisor")
    assert state(judge.id)[0] == "judge"


def test_a_supervisor_creates_resets_and_disables_a_fellow_supervisor(client: FlaskClient, world: World) -> None:
    token = login(client, "sup")
    page = client.get("/supervise/accounts/").get_data(as_text=True)
    assert "职责分离" in page and "监督员甲" in page and "评委甲" not in page  # only supervisors are listed
    code = CODE_RE.search(new_account(client, "supervise")).group(1)  # type: ignore[union-attr]
    fellow = db.session.execute(select(User).where(User.username == "sup2")).scalar_one()
    assert (fellow.role, fellow.county_id) == ("supervisor", None)
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "account_created")).scalar_one()
    assert event.actor_id == world.users["supervisor"].id

    html = client.post(f"/supervise/accounts/{fellow.id}/code", data={"csrf_token": token}).get_data(as_text=True)
    assert CODE_RE.search(html).group(1) != code  # type: ignore[union-attr]  # shown once, on this page
    assert client.post(f"/supervise/accounts/{fellow.id}/active",
                       data={"active": "0", "csrf_token": token}).status_code == 302
    assert state(fellow.id)[1] is False


def test_a_supervisor_manages_no_other_role(client: FlaskClient, world: World) -> None:
    judge = world.users["judge"]
    before = state(judge.id)
    token = login(client, "sup")
    for action, data in (("code", {}), ("active", {"active": "0"})):
        response = client.post(f"/supervise/accounts/{judge.id}/{action}", data=data | {"csrf_token": token})
        assert response.status_code == 403 and "监督员只能管理监督员账号" in response.get_data(as_text=True)
    assert "请从列表中选择" in new_account(client, "supervise", role="organizer", username="boss")
    assert state(judge.id) == before
    assert db.session.execute(select(User).where(User.username == "boss")).first() is None


def test_the_operator_manages_supervisors_from_the_command_line(app: Flask, world: World) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["accounts", "create", "sup9", "纪检员九", "--unit", "市纪委监委"])
    assert result.exit_code == 0, result.output
    assert "账号已创建：纪检员九（sup9，监督员）" in result.output and CODE_RE.search(result.output)
    sup9 = db.session.execute(select(User).where(User.username == "sup9")).scalar_one()
    assert (sup9.role, sup9.county_id, sup9.must_change_password) == ("supervisor", None, True)
    assert runner.invoke(args=["accounts", "reset", "sup9"]).exit_code == 0
    assert runner.invoke(args=["accounts", "disable", "sup9"]).output.strip() == "已停用账号 sup9（纪检员九）。"
    assert state(sup9.id)[1] is False
    assert runner.invoke(args=["accounts", "enable", "sup9"]).exit_code == 0
    assert runner.invoke(args=["accounts", "set-role", "sup", "judge"]).exit_code == 0
    assert state(world.users["supervisor"].id)[0] == "judge"
    actors = db.session.execute(select(AuditEvent.actor_label).where(AuditEvent.object_id == str(sup9.id))).scalars()
    assert set(actors) == {"服务器管理员（命令行）"}
    missing = runner.invoke(args=["accounts", "reset", "nobody"])
    assert missing.exit_code == 1 and "没有用户名为“nobody”的账号" in missing.output


def test_a_supervisor_in_a_county_is_refused(world: World) -> None:
    with pytest.raises(Exception, match="监督员的范围是全市"):
        services.create_account(None, services.NewAccount(
            display_name="纪检员", username="sup3", phone="", role="supervisor", county_id=world.pingding.id, unit=""))


def test_a_judge_or_secretary_account_never_becomes_a_supervisor(app: Flask, world: World) -> None:
    """Organizers issue judges' cards and secretaries' slips, so such an account opening as a supervisor would
    hand the organizer the supervisor's role."""
    runner = app.test_cli_runner()
    for username in ("judge", "sec"):
        result = runner.invoke(args=["accounts", "set-role", username, "supervisor"])
        assert result.exit_code == 1 and "不能改为监督员" in result.output, username
    assert state(world.users["judge"].id)[0] == "judge"


def test_the_supervisors_pages_name_their_list_and_ask_nothing_that_is_fixed(client: FlaskClient, world: World) -> None:
    login(client, "sup")
    listing = " ".join(client.get("/supervise/accounts/").get_data(as_text=True).split())
    assert "<title>监督员账号 · " in listing
    assert '<th scope="col">角色</th>' not in listing and '<th scope="col">县区</th>' not in listing
    new = " ".join(client.get("/supervise/accounts/new").get_data(as_text=True).split())
    assert "<title>新建监督员账号 · " in new and '<h1 class="h4 mb-3">新建监督员账号</h1>' in new
    assert '<a href="/supervise/accounts/">监督员账号</a>' in new and "账号管理" not in new
    assert '<select class="form-select" id="role"' not in new and "角色：监督员（全市）。" in new
    code_page = new_account(client, "supervise")
    assert "返回监督员账号</a>" in code_page and "返回账号管理" not in code_page


def test_the_login_page_sends_a_supervisor_who_forgot_the_password_to_a_fellow_supervisor(
        client: FlaskClient, world: World) -> None:
    page = " ".join(client.get("/login").get_data(as_text=True).split())
    assert "请联系本县区或市委组织部的组织者重新发放激活码；监督员账号由其他监督员重新发放。" in page
