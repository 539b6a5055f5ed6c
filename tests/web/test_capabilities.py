"""A capability plugs in from its own declaration: a hall capability defined here, added to the factory's list in a
test app, shows its menu entries to the right roles only, serves its blueprint deny-by-default, names its audit
events in the supervisors' log and brings its command, with nothing else edited."""

import re
from collections.abc import Iterator

import click
import pytest
from flask import Blueprint, Flask, render_template_string
from flask.cli import AppGroup
from flask.testing import FlaskClient

from app import capability_list, create_app
from app.audit import covered, labels
from app.audit import services as audit
from app.capabilities import ANONYMOUS, Capability, MenuEntry
from app.extensions import db, limiter
from app.security import access
from tests.conftest import IsolatedClient, login, settings_for
from tests.factories import World

bp = Blueprint("hall", __name__, url_prefix="/hall")
hall_cli = AppGroup("hall", help="大厅 / the hall")


@bp.get("/")
@access("supervisor")
def home() -> str:
    return render_template_string('{% extends "base.html" %}{% block content %}<h1>大厅首页</h1>{% endblock %}')


@bp.get("/city")
@access("organizer", city_only=True)
def city() -> str:
    return "全市大厅"


@bp.post("/open")
@access("supervisor")
def open_hall() -> str:
    audit.record("hall_opened", "hall", 1, after={"open": True})
    db.session.commit()
    return "已开放"


@bp.get("/undeclared")
def undeclared() -> str:  # declares nobody: served to nobody
    return "不应看到"


@hall_cli.command("ping")
def ping() -> None:
    click.echo("大厅就绪")


HALL = Capability(
    "hall",
    blueprints=(bp,),
    menu=(MenuEntry("大厅", "hall.home", "tv", frozenset({"supervisor"}), 250),
          MenuEntry("全市大厅", "hall.city", "building", frozenset({"organizer"}), 650, city_only=True)),
    audit_actions={"hall_opened": "开放大厅"},
    audit_objects={"hall": "大厅"},
    commands=(hall_cli,),
)


@pytest.fixture()
def hall_app(app: Flask, world: World) -> Iterator[Flask]:
    """A second app on the suite's database with the hall added to the factory's list."""
    other = create_app(settings_for(app.config["SQLALCHEMY_DATABASE_URI"]), capabilities=(*capability_list(), HALL))
    other.test_client_class = IsolatedClient
    yield other
    # The limiter and the audit names are shared by both apps: give them back to the suite's app.
    limiter.init_app(app)
    limiter.reset()
    labels.compose(capability_list())
    covered.compose(capability_list())


def menu(client: FlaskClient, url: str) -> list[str]:
    html = client.get(url).get_data(as_text=True)
    nav = re.search(r'<ul class="navbar-nav me-auto">(.*?)</ul>', html, re.S)
    assert nav is not None
    return [" ".join(label.split()) for label in re.findall(r'aria-hidden="true"></i>([^<]+)</a>', nav.group(1))]


def signed_in(application: Flask, username: str) -> tuple[FlaskClient, str]:
    client = application.test_client()
    return client, login(client, username)


def test_its_menu_entries_show_to_their_roles_only_in_their_order(hall_app: Flask, client: FlaskClient) -> None:
    assert menu(signed_in(hall_app, "sup")[0], "/supervise/") == [
        "首页", "成绩签核", "大厅", "评分表", "审计日志", "监督员账号"]
    assert menu(signed_in(hall_app, "city")[0], "/organize/") == [
        "首页", "比武设置", "参赛人与评委", "登录卡", "分组与场次", "成绩", "全市大厅", "账号"]
    assert menu(signed_in(hall_app, "pdorg")[0], "/organize/") == [  # a county organizer: not city-only entries
        "首页", "比武设置", "参赛人与评委", "登录卡", "分组与场次", "成绩", "账号"]
    assert menu(signed_in(hall_app, "judge")[0], "/judge/") == ["我的评分", "公示", "证书查验"]
    assert menu(hall_app.test_client(), "/public/") == ["公示", "证书查验"]
    login(client, "sup")  # the suite's app, without the hall: unchanged
    assert menu(client, "/supervise/") == ["首页", "成绩签核", "评分表", "审计日志", "监督员账号"]


def test_its_entry_is_current_on_its_page(hall_app: Flask) -> None:
    supervisor, _ = signed_in(hall_app, "sup")
    html = " ".join(supervisor.get("/hall/").get_data(as_text=True).split())
    assert ('<a class="nav-link active" aria-current="page" href="/hall/"> '
            '<i class="bi bi-tv" aria-hidden="true"></i> 大厅</a>') in html
    assert html.count("nav-link active") == 1


def test_its_blueprint_is_served_deny_by_default(hall_app: Flask) -> None:
    supervisor, _ = signed_in(hall_app, "sup")
    city, _ = signed_in(hall_app, "city")
    county, _ = signed_in(hall_app, "pdorg")
    visitor = hall_app.test_client()
    assert "<h1>大厅首页</h1>" in supervisor.get("/hall/").get_data(as_text=True)
    assert city.get("/hall/").status_code == 403
    assert visitor.get("/hall/").headers["Location"] == "/login?next=/hall/"
    assert city.get("/hall/city").get_data(as_text=True) == "全市大厅"
    assert county.get("/hall/city").status_code == 403
    assert supervisor.get("/hall/undeclared").status_code == 403  # no declaration: nobody, not even a supervisor
    assert city.get("/hall/undeclared").status_code == 403


def test_its_audit_event_is_named_in_the_log_and_its_command_runs(hall_app: Flask, world: World) -> None:
    supervisor, token = signed_in(hall_app, "sup")
    assert supervisor.post("/hall/open", data={"csrf_token": token}).get_data(as_text=True) == "已开放"
    html = supervisor.get("/supervise/audit").get_data(as_text=True)
    row = re.search(r"<tr>\s*<td class=\"num\">\d+</td>.*?</tr>", html, re.S)
    assert row is not None
    cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split())
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)]
    assert cells[2:5] == ["开放大厅 hall_opened", "大厅 #1", "监督员甲（sup）"]
    assert hall_app.test_cli_runner().invoke(args=["hall", "ping"]).output == "大厅就绪\n"


def test_a_declaration_that_does_not_fit_is_refused_when_the_app_is_made(app: Flask) -> None:
    settings = settings_for(app.config["SQLALCHEMY_DATABASE_URI"])
    nowhere = Capability("nowhere", menu=(MenuEntry("无处", "nowhere.home", "x", frozenset({"judge"}), 1),))
    with pytest.raises(ValueError, match=r"menu entries name no view: \['nowhere.home'\]"):
        create_app(settings, capabilities=(*capability_list(), nowhere))
    renamed = Capability("renamed", audit_actions={"login": "签到"})
    with pytest.raises(ValueError, match="audit_actions: login is named both 登录 and 签到 \\(renamed\\)"):
        create_app(settings, capabilities=(*capability_list(), renamed))
    with pytest.raises(ValueError, match="a capability is listed twice"):
        create_app(settings, capabilities=(*capability_list(), HALL, HALL))
    with pytest.raises(ValueError, match=r"menu entry hall.home: unknown roles \['guest'\]"):
        MenuEntry("大厅", "hall.home", "tv", frozenset({"guest", ANONYMOUS}), 1)
    limiter.init_app(app)
    assert labels.ACTIONS["login"] == "登录" and "hall_opened" not in labels.ACTIONS
