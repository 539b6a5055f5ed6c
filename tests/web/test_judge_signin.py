"""Judges sign in with a printed card (link + PIN); organizers issue, revoke and unlock cards in scope."""

import hashlib
import json
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import segno
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.judges import services
from app.judges.models import Judge
from app.timeutil import utcnow
from tests.conftest import csrf_from, login
from tests.factories import World
from tests.judges_data import add_judge, city_judge, issue

LINK = "/judge/signin/"


def open_link(client: FlaskClient, token: str) -> tuple[int, str]:
    response = client.get(LINK + token)
    return response.status_code, response.get_data(as_text=True)


def post_pin(client: FlaskClient, token: str, pin: str) -> tuple[int, str, str]:
    page = client.get(LINK + token).get_data(as_text=True)
    if 'name="csrf_token"' not in page:  # a refused link shows no form: any page's token will do
        page = client.get("/login").get_data(as_text=True)
    csrf = csrf_from(page)
    response = client.post(LINK + token, data={"pin": pin, "csrf_token": csrf})
    return response.status_code, response.headers.get("Location", ""), response.get_data(as_text=True)


def wrong(pin: str) -> str:
    return f"{(int(pin) + 1) % 1_000_000:06d}"


def test_a_card_token_has_at_least_128_bits_and_only_digests_are_stored(world: World) -> None:
    judge = city_judge(world)
    card = issue(world, judge)
    assert len(card.token) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", card.token)  # 32 × 6 bits = 192
    assert re.fullmatch(r"\d{6}", card.pin)
    db.session.expire_all()
    stored = db.session.get(Judge, judge.id)
    assert stored is not None
    assert stored.signin_token_digest == hashlib.sha256(card.token.encode()).hexdigest()
    assert stored.pin_digest == services.pin_digest(judge.id, card.pin)
    columns = [str(getattr(stored, c.key)) for c in Judge.__table__.columns]
    assert not any(card.token in value or value == card.pin for value in columns)


def test_the_link_shows_the_judges_name_and_a_numeric_pin_field(client: FlaskClient, world: World) -> None:
    card = issue(world, city_judge(world))
    status, html = open_link(client, card.token)
    assert status == 200
    assert "评委甲" in html and "市农业农村局" in html and "2022年度大比武" in html
    assert 'inputmode="numeric"' in html and 'autocomplete="one-time-code"' in html


def test_the_link_and_pin_sign_the_judge_in_and_land_on_the_judge_home(client: FlaskClient, world: World) -> None:
    card = issue(world, city_judge(world))
    status, location, _ = post_pin(client, card.token, card.pin)
    assert (status, location) == (302, "/judge/")
    page = client.get("/judge/")
    assert page.status_code == 200 and "评委甲" in page.get_data(as_text=True)


def test_a_signed_in_judge_opening_their_own_link_goes_straight_home(client: FlaskClient, world: World) -> None:
    card = issue(world, city_judge(world))
    post_pin(client, card.token, card.pin)
    response = client.get(LINK + card.token)
    assert (response.status_code, response.headers["Location"]) == (302, "/judge/")


def test_a_wrong_pin_says_how_many_attempts_remain(client: FlaskClient, world: World) -> None:
    card = issue(world, city_judge(world))
    status, _, html = post_pin(client, card.token, wrong(card.pin))
    assert status == 200 and "PIN 不正确，还可再试 4 次" in html
    _, _, html = post_pin(client, card.token, wrong(card.pin))
    assert "PIN 不正确，还可再试 3 次" in html
    assert client.get("/judge/").status_code == 302


def test_a_pin_that_is_not_six_digits_is_refused_without_counting(client: FlaskClient, world: World) -> None:
    judge = city_judge(world)
    card = issue(world, judge)
    _, _, html = post_pin(client, card.token, "12ab")
    assert "PIN 为 6 位数字" in html
    assert db.session.get(Judge, judge.id).pin_failures == 0  # type: ignore[union-attr]


def test_five_wrong_pins_lock_the_card_even_for_the_right_pin(client: FlaskClient, world: World) -> None:
    card = issue(world, city_judge(world))
    for _ in range(4):
        post_pin(client, card.token, wrong(card.pin))
    _, _, html = post_pin(client, card.token, wrong(card.pin))
    assert "PIN 连续错误 5 次，已锁定 15 分钟，请联系工作人员" in html
    status, location, html = post_pin(client, card.token, card.pin)
    assert status == 200 and location == "" and "PIN 已锁定" in html


def test_a_revoked_link_says_it_no_longer_works(client: FlaskClient, world: World) -> None:
    judge = city_judge(world)
    card = issue(world, judge)
    services.revoke(world.users["city_organizer"], judge.id)
    status, html = open_link(client, card.token)
    assert status == 403 and "该登录链接已失效，请向工作人员领取新的登录卡" in html
    status, _, html = post_pin(client, card.token, card.pin)
    assert status == 403 and client.get("/judge/").status_code == 302


def test_a_reissued_card_replaces_the_old_link_and_the_old_pin(client: FlaskClient, world: World) -> None:
    judge = city_judge(world)
    old = issue(world, judge)
    new = issue(world, judge)
    assert open_link(client, old.token)[0] == 404
    assert new.token != old.token
    if new.pin != old.pin:  # one chance in a million that the new PIN repeats the old one
        assert "PIN 不正确" in post_pin(client, new.token, old.pin)[2]
    assert post_pin(client, new.token, new.pin)[:2] == (302, "/judge/")


def test_a_closed_contest_invalidates_the_link(client: FlaskClient, world: World) -> None:
    card = issue(world, city_judge(world))
    world.contest.status = "closed"
    db.session.commit()
    status, html = open_link(client, card.token)
    assert status == 403 and "本次比武已结束" in html
    assert post_pin(client, card.token, card.pin)[0] == 403


@pytest.mark.parametrize("what", ["judge", "account"])
def test_an_inactive_judge_cannot_sign_in(client: FlaskClient, world: World, what: str) -> None:
    judge = city_judge(world)
    card = issue(world, judge)
    (judge if what == "judge" else judge.user).active = False
    db.session.commit()
    status, location, html = post_pin(client, card.token, card.pin)
    assert (status, location) == (403, "") and "该登录链接已失效" in html


def test_an_unknown_token_answers_404_in_chinese_without_a_form(client: FlaskClient, world: World) -> None:
    issue(world, city_judge(world))
    status, html = open_link(client, "x" * 32)
    assert status == 404 and "登录链接无效" in html and 'name="pin"' not in html


def test_the_eleventh_attempt_on_one_card_in_a_minute_is_refused_while_another_card_still_works(
        client: FlaskClient, world: World) -> None:
    first = issue(world, city_judge(world))
    second = issue(world, add_judge(world, "j2", "张红梅", world.pingding))
    csrf = csrf_from(client.get(LINK + first.token).get_data(as_text=True))
    statuses = [client.post(LINK + first.token, data={"pin": wrong(first.pin), "csrf_token": csrf}).status_code
                for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    other = app_client(client)
    assert post_pin(other, second.token, second.pin)[:2] == (302, "/judge/")


def app_client(client: FlaskClient) -> FlaskClient:
    """A second phone behind the same NAT address (the test client always uses 127.0.0.1)."""
    return client.application.test_client()


# --- the organizer's page ----------------------------------------------------------------------------


@pytest.fixture()
def two_counties(world: World) -> dict[str, Judge]:
    return {"pingding": add_judge(world, "j2", "张红梅", world.pingding, unit="平定县农业农村局"),
            "yuxian": add_judge(world, "j3", "李建国", world.yuxian, unit="盂县财政局")}


def test_the_board_shows_each_judges_card_state(client: FlaskClient, world: World,
                                                two_counties: dict[str, Judge]) -> None:
    city = world.users["city_organizer"]
    issue(world, two_counties["pingding"])
    issue(world, two_counties["yuxian"])
    services.revoke(city, two_counties["yuxian"].id)
    two_counties["pingding"].pin_locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    login(client, "city")
    html = client.get("/organize/judges/").get_data(as_text=True)
    assert re.findall(r'data-label="姓名">([^<\s]+)', html) == ["张红梅", "李建国", "评委甲"]
    assert html.count(">未发放<") == 1 and html.count(">已发放<") == 1 and html.count(">已撤销<") == 1
    assert "PIN 锁定至" in html and "为未发放的 1 位评委打印登录卡" in html


def test_a_county_organizer_sees_only_judges_of_their_county(client: FlaskClient, world: World,
                                                             two_counties: dict[str, Judge]) -> None:
    login(client, "pdorg")
    html = client.get("/organize/judges/").get_data(as_text=True)
    assert "张红梅" in html and "李建国" not in html and "评委甲" not in html


@pytest.mark.parametrize("route", ["cards", "revoke", "unlock"])
def test_another_countys_judge_answers_404_on_every_action(client: FlaskClient, world: World,
                                                          two_counties: dict[str, Judge], route: str) -> None:
    target = two_counties["yuxian"]
    issue(world, target)
    target.pin_locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    digest = target.signin_token_digest
    csrf = login(client, "pdorg")
    response = client.post(f"/organize/judges/{route}", data={"judge_id": target.id, "csrf_token": csrf})
    assert response.status_code == 404
    db.session.expire_all()
    after = db.session.get(Judge, target.id)
    assert after is not None and (after.signin_token_digest, after.token_revoked_at) == (digest, None)
    assert after.pin_locked_until is not None


def test_revoking_from_the_board_ends_the_link(client: FlaskClient, world: World,
                                               two_counties: dict[str, Judge]) -> None:
    card = issue(world, two_counties["pingding"])
    csrf = login(client, "pdorg")
    response = client.post("/organize/judges/revoke", data={"judge_id": two_counties["pingding"].id,
                                                           "csrf_token": csrf}, follow_redirects=True)
    assert "已撤销 张红梅 的登录卡" in response.get_data(as_text=True)
    assert open_link(app_client(client), card.token)[0] == 403


def test_unlocking_from_the_board_lets_the_right_pin_in_again(client: FlaskClient, world: World) -> None:
    judge = city_judge(world)
    card = issue(world, judge)
    judge.pin_locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    csrf = login(client, "city")
    response = client.post("/organize/judges/unlock", data={"judge_id": judge.id, "csrf_token": csrf},
                           follow_redirects=True)
    assert "已解除 评委甲 的 PIN 锁定" in response.get_data(as_text=True)
    assert post_pin(app_client(client), card.token, card.pin)[:2] == (302, "/judge/")


def test_printing_when_every_judge_has_a_card_says_so(client: FlaskClient, world: World) -> None:
    issue(world, city_judge(world))
    csrf = login(client, "city")
    response = client.post("/organize/judges/cards", data={"which": "missing", "csrf_token": csrf})
    assert response.status_code == 400 and "没有尚未发放登录卡的评委" in response.get_data(as_text=True)


# --- the card PDF --------------------------------------------------------------------------------------


def print_cards(client: FlaskClient, username: str, **data: object) -> bytes:
    csrf = login(client, username)
    response = client.post("/organize/judges/cards", data={**data, "csrf_token": csrf})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def printed_pins(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w/-])\d{6}(?![\w-])", text))


def pin_of(judge: Judge, pins: set[str]) -> str:
    """Which printed PIN is this judge's: the database keeps only its digest."""
    db.session.refresh(judge)
    matches = [p for p in pins if services.pin_digest(judge.id, p) == judge.pin_digest]
    assert len(matches) == 1, (judge.user.display_name, pins)
    return matches[0]


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "cards.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_card_sheet_has_every_judge_without_a_card_with_name_pin_and_link(
        client: FlaskClient, world: World, two_counties: dict[str, Judge], tmp_path: Path) -> None:
    issue(world, two_counties["yuxian"])
    text = pdf_text(print_cards(client, "city", which="missing"), tmp_path)
    pins = printed_pins(text)
    assert len(pins) == 2
    for judge in (city_judge(world), two_counties["pingding"]):
        assert judge.user.display_name in text
        pin_of(judge, pins)
    flat = re.sub(r"\s+", "", text)
    assert flat.count("http://localhost/judge/signin/") == 2
    assert "2022年度大比武" in text and "李建国" not in text


def test_a_county_organizer_prints_cards_only_for_their_county(
        client: FlaskClient, world: World, two_counties: dict[str, Judge], tmp_path: Path) -> None:
    text = pdf_text(print_cards(client, "pdorg", which="missing"), tmp_path)
    assert "张红梅" in text and "李建国" not in text and "评委甲" not in text


def test_the_card_qr_is_vector_and_encodes_the_printed_link(
        ctx: Flask, client: FlaskClient, world: World, tmp_path: Path) -> None:
    ctx.config["PUBLIC_BASE_URL"] = "http://10.1.2.3:8000/"
    try:
        pdf = print_cards(client, "city", judge_id=city_judge(world).id)
    finally:
        ctx.config.pop("PUBLIC_BASE_URL")
    url = re.search(r"http://10\.1\.2\.3:8000/judge/signin/[A-Za-z0-9_-]{32}",
                    re.sub(r"\s+", "", pdf_text(pdf, tmp_path)))
    assert url is not None
    (tmp_path / "cards.pdf").write_bytes(pdf)
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "cards.pdf")], capture_output=True, text=True)
    assert len(images.stdout.strip().splitlines()) == 2  # header lines only: the QR is drawn, not a picture
    assert read_qr_modules(tmp_path / "cards.pdf") == expected_modules(url.group(0))


def expected_modules(data: str) -> list[list[bool]]:
    return [[bool(v) for v in row] for row in segno.make(data, error="m").matrix]


def read_qr_modules(pdf: Path) -> list[list[bool]]:
    """Sample the printed QR's modules: the first card's QR area, rendered at 300 dpi.

    The QR's top row (two finder patterns, 7 black modules each) gives its left and right edges
    and the module size; the link text below it never reaches that row."""
    subprocess.run(["pdftoppm", "-png", "-r", "300", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))],
                   check=True)
    page = Image.open(next(pdf.parent.glob("cards-*1.png"))).convert("RGB")
    mm = 300 / 25.4
    crop = page.crop((int(62 * mm), int(20 * mm), int(104 * mm), int(60 * mm)))
    width, height = crop.size

    def black(x: int, y: int) -> bool:
        pixel = crop.getpixel((x, y))
        assert isinstance(pixel, tuple)
        return max(pixel) < 60  # pure black only: not the red rule, not grey text

    top = next(y for y in range(height) if any(black(x, y) for x in range(width)))
    row = [x for x in range(width) if black(x, top)]
    left, right = row[0], row[-1] + 1
    run = next(x for x in range(left, right) if not black(x, top)) - left
    size = round((right - left) / (run / 7))
    cell = (right - left) / size
    return [[black(int(left + (x + 0.5) * cell), int(top + (y + 0.5) * cell)) for x in range(size)]
            for y in range(size)]


# --- audit -------------------------------------------------------------------------------------------


def test_the_audit_trail_records_each_step_without_a_token_or_pin(client: FlaskClient, world: World) -> None:
    judge = city_judge(world)
    first = issue(world, judge)
    post_pin(client, first.token, wrong(first.pin))
    for _ in range(4):
        post_pin(client, first.token, wrong(first.pin))
    services.unlock_pin(world.users["city_organizer"], judge.id)
    post_pin(client, first.token, first.pin)
    services.revoke(world.users["city_organizer"], judge.id)
    second = issue(world, judge)
    events = db.session.execute(select(AuditEvent).where(AuditEvent.object_type == "judge")
                                .order_by(AuditEvent.id)).scalars().all()
    assert [e.action for e in events] == (
        ["judge_card_issued"] + ["judge_pin_failed"] * 4 + ["judge_pin_locked", "judge_pin_unlocked",
                                                             "judge_signin", "judge_card_revoked", "judge_card_issued"])
    dumped = json.dumps([[e.actor_label, e.before, e.after] for e in events], ensure_ascii=False)
    for secret in (first.token, first.pin, second.token, second.pin):
        assert secret not in dumped
    assert events[7].actor_label == "评委甲（judge）"
