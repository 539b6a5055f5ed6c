"""A revoked or reissued card ends the phone's session and its PIN confirms nothing (a lost phone stops at once)."""

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.judges import services
from app.judges.models import Judge
from app.judging.models import SheetVersion
from app.timeutil import utcnow
from tests.conftest import login
from tests.factories import World
from tests.judges_data import city_judge, issue
from tests.web.query_count import statements
from tests.web.test_judge_signin import post_pin
from tests.web.test_judging import confirm, hall  # noqa: F401  (hall is a fixture)

ENDED = "您的登录卡已被撤销或重新发放，请扫描新的登录卡重新登录"


def stored_versions() -> int:
    return db.session.execute(select(func.count()).select_from(SheetVersion)).scalar_one()


def test_revoking_the_card_signs_the_phone_out_at_its_next_request(client: FlaskClient, world: World) -> None:
    judge = city_judge(world)
    card = issue(world, judge)
    assert post_pin(client, card.token, card.pin)[:2] == (302, "/judge/")
    assert client.get("/judge/").status_code == 200
    services.revoke(world.users["city_organizer"], judge.id)
    poll = client.get("/judge/list", headers={"HX-Request": "true"})  # the list's poll: JSON, never a page
    assert (poll.status_code, poll.get_json()["code"]) == (401, "signed_out")
    page = client.get("/judge/", follow_redirects=True)
    assert page.request.path == "/login" and ENDED in page.get_data(as_text=True)


def test_a_reissued_card_signs_out_the_phone_of_the_old_one_and_the_new_card_signs_in(
        client: FlaskClient, world: World) -> None:
    judge = city_judge(world)
    old = issue(world, judge)
    post_pin(client, old.token, old.pin)
    new = issue(world, judge)
    response = client.get("/judge/")
    assert (response.status_code, response.headers["Location"]) == (302, "/login?next=/judge/")
    assert post_pin(client, new.token, new.pin)[:2] == (302, "/judge/")
    assert client.get("/judge/").status_code == 200


def test_a_phone_of_a_valid_card_and_a_judge_signed_in_by_password_stay_signed_in(
        client: FlaskClient, world: World) -> None:
    judge = city_judge(world)
    card = issue(world, judge)
    post_pin(client, card.token, card.pin)
    other = client.application.test_client()
    login(other, "judge")
    for _ in range(2):
        assert client.get("/judge/").status_code == 200 and other.get("/judge/").status_code == 200


def test_a_revoked_cards_pin_confirms_nothing_and_costs_no_attempt(client: FlaskClient, hall: World) -> None:  # noqa: F811
    login(client, "judge")  # by password: the session lives on, the card's PIN does not
    judge = db.session.execute(select(Judge).where(Judge.user_id == hall.users["judge"].id)).scalar_one()
    judge.token_revoked_at = utcnow()
    db.session.commit()
    status, body = confirm(client, hall, ("18", "17"), "token-revoked1")
    assert (status, body["stored"]) == (400, False)
    assert body["error"] == "您的登录卡已被撤销，PIN 随之失效，不能再确认评分表。请向工作人员领取新的登录卡"
    db.session.expire_all()
    assert stored_versions() == 0 and db.session.get(Judge, judge.id).pin_failures == 0


def test_the_card_check_reads_the_judge_once_per_request_and_never_for_a_static_file(
        client: FlaskClient, world: World) -> None:
    card = issue(world, city_judge(world))
    post_pin(client, card.token, card.pin)
    with statements() as seen:
        assert client.get("/static/css/app.css").status_code == 200
    assert not any(" FROM judge " in statement for statement in seen), seen  # the card is not checked for it
    with statements() as seen:
        assert client.get("/judge/session", headers={"Accept": "application/json"}).status_code == 200
    assert sum(" FROM judge WHERE judge.id = " in s for s in seen) == 1, seen
