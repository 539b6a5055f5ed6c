"""Login slips: a PDF of new activation codes for a township's or county's secretaries; old slips stop working."""

import subprocess
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import csrf_from, login
from tests.factories import World
from tests.judges_data import add_judge, issue
from tests.people_data import (
    CODE_RE,
    add_places,
    batch_id_of,
    clean_subgroups,  # noqa: F401  (autouse: sub-groups go first)
    commit,
    upload,
    village_row,
    xlsx,
)
from tests.web.test_judge_signin import post_pin


def pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "slips.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def print_slips(client: FlaskClient, target: str) -> bytes:
    token = csrf_from(client.get("/organize/people/slips").get_data(as_text=True))
    response = client.post("/organize/people/slips", data={"csrf_token": token, "target": target})
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.get_data(as_text=True)
    return response.data


def signs_in(client: FlaskClient, username: str, secret: str) -> bool:
    person = client.application.test_client()
    token = csrf_from(person.get("/login").get_data(as_text=True))
    return person.post("/login", data={"username": username, "password": secret, "csrf_token": token}).status_code \
        == 302


def import_two(client: FlaskClient, world: World) -> None:
    add_places(world)
    commit(client, batch_id_of(upload(client, "contestants", xlsx([
        village_row("南关村", "王建国"), village_row("北关村", "孙立", "13935300002")]))))


def test_slips_hold_codes_that_sign_in_and_printing_again_voids_them(
        client: FlaskClient, world: World, tmp_path: Path) -> None:
    login(client, "city")
    import_two(client, world)
    page = client.get("/organize/people/slips").get_data(as_text=True)
    assert "打印将重新生成激活码，之前打印的凭条作废" in page
    assert "平定县 · 冠山镇：待打印 2 人" in page

    text = pdf_text(print_slips(client, f"township:{world.entries['pingding'].township_id}"), tmp_path)
    codes = CODE_RE.findall(text)
    assert len(codes) == 2
    assert "s140321100202" in text and "s140321100203" in text and "王建国" in text and "孙立" in text
    assert "sec " not in text  # 书记甲 already set a password: no slip
    assert "http://localhost/login" in text

    again = CODE_RE.findall(pdf_text(print_slips(client, f"county:{world.pingding.id}"), tmp_path))
    assert len(again) == 2 and not set(again) & set(codes)
    assert not signs_in(client, "s140321100202", codes[0])
    assert signs_in(client, "s140321100202", again[0])
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "login_slips_issued")
                               .order_by(AuditEvent.id.desc())).scalars().first()
    assert event is not None and event.after["count"] == 2 and event.after["title"] == "平定县"


def test_a_county_organizer_prints_only_their_county(client: FlaskClient, world: World) -> None:
    login(client, "city")
    import_two(client, world)
    other = client.application.test_client()
    token = login(other, "yxorg")
    page = other.get("/organize/people/slips").get_data(as_text=True)
    assert "盂县（全县区）" in page and "平定县" not in page
    response = other.post("/organize/people/slips", data={"csrf_token": token, "target": f"county:{world.pingding.id}"})
    assert response.status_code == 404
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "login_slips_issued")).first() is None


def test_a_place_whose_accounts_all_have_passwords_has_no_slips(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    response = client.post("/organize/people/slips", data={"csrf_token": token, "target": f"county:{world.yuxian.id}"})
    assert response.status_code == 400
    assert "盂县没有需要打印凭条的账号" in response.get_data(as_text=True)


def test_judges_slips_cover_new_judges_only(client: FlaskClient, world: World, tmp_path: Path) -> None:
    login(client, "city")
    token = csrf_from(client.get("/organize/people/judges/new").get_data(as_text=True))
    client.post("/organize/people/judges/new", data={"csrf_token": token, "name": "钱评", "phone": "13935300031",
                                                      "unit": "市财政局", "field": "财政金融", "home": ""})
    text = pdf_text(print_slips(client, "judges"), tmp_path)
    assert "j01" in text and "钱评" in text and len(CODE_RE.findall(text)) == 1
    assert signs_in(client, "j01", CODE_RE.findall(text)[0])


def test_slips_are_never_stored_and_their_login_address_is_the_public_one(
        client: FlaskClient, world: World, tmp_path: Path) -> None:
    client.application.config["PUBLIC_BASE_URL"] = "https://dbw.example.cn:8443/"
    login(client, "city")
    import_two(client, world)
    token = csrf_from(client.get("/organize/people/slips").get_data(as_text=True))
    target = f"county:{world.pingding.id}"
    response = client.post("/organize/people/slips", data={"csrf_token": token, "target": target})
    assert response.headers["Cache-Control"] == "no-store"  # was no-cache: a proxy or the browser kept the codes
    assert response.headers["Content-Disposition"] == (
        "inline; filename=login-slips.pdf; filename*=UTF-8''%E7%99%BB%E5%BD%95%E5%87%AD%E6%9D%A1-"
        "%E5%B9%B3%E5%AE%9A%E5%8E%BF.pdf")  # 登录凭条-平定县.pdf
    text = pdf_text(response.data, tmp_path)
    assert "https://dbw.example.cn:8443/login" in text and "localhost" not in text


def test_a_printing_target_that_is_no_place_id_is_a_clear_404_and_issues_nothing(
        client: FlaskClient, world: World) -> None:
    login(client, "city")
    import_two(client, world)
    before = db.session.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    token = csrf_from(client.get("/organize/people/slips").get_data(as_text=True))
    for target in ("county:²", "township:99999999999999999999", "county:１"):
        response = client.post("/organize/people/slips", data={"csrf_token": token, "target": target})
        assert response.status_code == 404, target
        assert "所选范围不存在" in response.get_data(as_text=True)
    assert db.session.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)).scalar() == before


def test_printing_judges_slips_leaves_the_phones_signed_in_by_card_signed_in(
        client: FlaskClient, world: World, tmp_path: Path) -> None:
    # A judge who signs in by card never sets a password, so every judge in the hall is "pending": printing the
    # judges' slips mid-round must not sign out every phone (the card is its own credential, revoked on the card
    # board); a session opened with the earlier code can do nothing but set a password, which the old code no
    # longer allows.
    judge = add_judge(world, "j01", "钱评")
    judge.user.password_hash = None
    db.session.commit()
    card = issue(world, judge)
    phone = client.application.test_client()
    assert post_pin(phone, card.token, card.pin)[0] == 302
    assert phone.get("/judge/").status_code == 200
    login(client, "city")
    text = pdf_text(print_slips(client, "judges"), tmp_path)
    assert "j01" in text
    assert phone.get("/judge/").status_code == 200
    assert phone.get("/judge/list", headers={"HX-Request": "true"}).status_code == 200


def test_a_judge_session_opened_with_an_earlier_slips_code_can_do_nothing_once_reprinted(
        client: FlaskClient, world: World, tmp_path: Path) -> None:
    judge = add_judge(world, "j01", "钱评")
    judge.user.password_hash = None
    db.session.commit()
    login(client, "city")
    first = CODE_RE.findall(pdf_text(print_slips(client, "judges"), tmp_path))[0]
    other = client.application.test_client()
    token = csrf_from(other.get("/login").get_data(as_text=True))
    assert other.post("/login", data={"username": "j01", "password": first, "csrf_token": token}).status_code == 302
    print_slips(client, "judges")  # new codes: the first one is void
    assert other.get("/judge/").headers["Location"].endswith("/login/password")
    token = csrf_from(other.get("/login/password").get_data(as_text=True))
    response = other.post("/login/password", data={"current": first, "new": "Another@2023", "confirm": "Another@2023",
                                                    "csrf_token": token})
    assert response.status_code == 200 and "当前密码或激活码不正确" in response.get_data(as_text=True)
    db.session.refresh(judge.user)
    assert judge.user.password_hash is None
