"""The server's side of the phone's outbox: sheets confirmed offline, retries, signed-out scripts, drafts."""

import re
from datetime import datetime
from decimal import Decimal

from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import DeskReport, ScoreSheet
from app.panels.models import ScoringWindow
from tests.conftest import csrf_from, login
from tests.factories import World
from tests.web.test_judging import PIN, confirm, hall, ids, versions  # noqa: F401  (hall is a fixture)

SIGNED_OUT = {"stored": False, "error": "登录已失效，请重新扫码登录", "code": "signed_out"}
OFFLINE_AT = "2022-03-15T02:01:00Z"  # inside the hall's window (opened 01:00 UTC that day)
CLOSED_AT = datetime(2022, 3, 15, 3, 0)
JSON = {"Accept": "application/json"}


def _others_score_high(client: FlaskClient, world: World) -> None:
    """judge2 and judge3 confirm 36 each: a sheet of 20 is then far off (the round's threshold is 10 points)."""
    for username, token in (("judge2", "token-j2-offline"), ("judge3", "token-j3-offline")):
        other = client.application.test_client()
        login(other, username)
        assert confirm(other, world, ("18", "18"), token)[1]["stored"] is True


def _flashes(client: FlaskClient) -> str:
    return client.get("/judge/").get_data(as_text=True)


def test_a_sheet_confirmed_offline_far_from_the_others_is_stored_with_the_flag_not_asked_again(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    _others_score_high(client, hall)
    # It arrives after scoring closed (truly offline): the question could not be asked, so it is not asked now.
    db.session.execute(ScoringWindow.__table__.update().values(closed_at=CLOSED_AT))
    db.session.commit()
    login(client, "judge")
    status, body = confirm(client, hall, ("10", "10"), "token-offline-dev", confirmed_offline_at=OFFLINE_AT)
    assert (status, body["stored"], body["deviation"], body["deviation_flag"]) == (200, True, False, True)
    mine = versions()[-1]
    assert (mine.total, mine.deviation_flag, mine.source, mine.late) == (Decimal(20), True, "offline", True)
    assert mine.sheet.state == "late"
    # The same sheet resent by the phone's outbox is a duplicate, still flagged, nothing more stored.
    status, body = confirm(client, hall, ("10", "10"), "token-offline-dev", confirmed_offline_at=OFFLINE_AT)
    assert (status, body["stored"], body["duplicate"], body["deviation_flag"]) == (200, True, True, True)
    assert len(versions()) == 3


def test_a_sheet_confirmed_online_far_from_the_others_is_still_asked_to_look_again(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    _others_score_high(client, hall)
    login(client, "judge")
    status, body = confirm(client, hall, ("10", "10"), "token-online-dev")
    assert (status, body["stored"], body["deviation"]) == (200, False, True)
    assert len(versions()) == 2


def test_a_retry_with_the_token_of_a_stored_sheet_but_other_marks_is_refused(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    login(client, "judge")
    assert confirm(client, hall, ("18.5", "17"), "token-reused-1")[1]["stored"] is True
    status, body = confirm(client, hall, ("18.5", "16"), "token-reused-1")
    assert (status, body) == (400, {"stored": False, "error": "提交标识已用于另一份评分，请刷新页面后重新评分"})
    status, body = confirm(client, hall, ("18.5", "17"), "token-reused-1", comment="另一段点评")
    assert (status, body["error"]) == (400, "提交标识已用于另一份评分，请刷新页面后重新评分")
    assert [(v.total, v.comment) for v in versions()] == [(Decimal("35.5"), "思路清晰")]
    # The same marks written differently are the same sheet: a duplicate, reported as stored.
    status, body = confirm(client, hall, ("18.50", "17.0"), "token-reused-1")
    assert (status, body["stored"], body["duplicate"]) == (200, True, True)
    assert len(versions()) == 1


def test_a_duplicate_tells_the_judge_it_was_stored_once(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    login(client, "judge")
    confirm(client, hall, ("18.5", "17"), "token-dup-msg-1")
    _flashes(client)  # the first message is shown once
    status, body = confirm(client, hall, ("18.5", "17"), "token-dup-msg-1")
    assert (status, body["stored"], body["duplicate"]) == (200, True, True)
    assert "该评分表已提交成功（重复的提交未再次保存）" in _flashes(client)


def test_a_sheet_sent_from_the_outbox_leaves_no_message_for_a_later_page(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    login(client, "judge")
    status, body = confirm(client, hall, ("18.5", "17"), "token-queued-1", queued="1", confirmed_offline_at=OFFLINE_AT)
    assert (status, body["stored"], body["duplicate"]) == (200, True, False)
    assert "deviation_flag" not in body  # only when the sheet was stored with the flag
    assert "评分表已提交并锁定" not in _flashes(client)
    # The same without "queued" (the page itself confirming): the list shows the message once.
    assert confirm(client, hall, ("18.5", "17"), "token-queued-1")[1]["duplicate"] is True
    assert "该评分表已提交成功（重复的提交未再次保存）" in _flashes(client)


def test_a_wrong_pin_from_the_outbox_is_refused_in_json_and_nothing_is_stored(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    login(client, "judge")
    status, body = confirm(client, hall, ("18.5", "17"), "token-bad-pin", pin="000000", queued="1",
                           confirmed_offline_at=OFFLINE_AT)
    assert (status, body) == (400, {"stored": False, "error": "PIN 不正确，还可再试 4 次",
                             "code": "pin", "locked": False})
    assert versions() == []


def test_a_late_sheet_shows_its_chinese_label_to_the_judge(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    db.session.execute(ScoringWindow.__table__.update().values(closed_at=CLOSED_AT))
    db.session.commit()
    login(client, "judge")
    assert confirm(client, hall, ("18.5", "17"), "token-late-lbl", confirmed_offline_at=OFFLINE_AT)[1]["late"] is True
    round_id, entry_id, _ = ids(hall)
    sheet = client.get(f"/judge/r/{round_id}/e/{entry_id}").get_data(as_text=True)
    listing = client.get("/judge/list").get_data(as_text=True)
    assert "迟交待审" in sheet and "迟交待审" in listing
    assert ">late<" not in sheet and "状态：late" not in sheet and ">late" not in listing


def test_signed_out_scripts_get_401_json_and_pages_still_go_to_the_login(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    round_id, entry_id, criteria = ids(hall)
    # The phone's outbox posting a sheet after the session ended: no CSRF secret left either.
    response = client.post(f"/judge/r/{round_id}/e/{entry_id}/confirm", headers=JSON, data={
        "csrf_token": "stale", "client_token": "token-anon-1", "pin": PIN, f"m-{criteria[0]}": "18",
        f"m-{criteria[1]}": "17"})
    assert (response.status_code, response.get_json()) == (401, SIGNED_OUT)
    # The list's poll (htmx) gets 401, not the login page to paste into the list.
    response = client.get("/judge/list", headers={"HX-Request": "true"})
    assert (response.status_code, response.get_json()) == (401, SIGNED_OUT)
    assert "登录" not in response.get_data(as_text=True).replace("登录已失效，请重新扫码登录", "")
    response = client.get("/judge/session", headers=JSON)
    assert (response.status_code, response.get_json()) == (401, SIGNED_OUT)
    response = client.post(f"/judge/r/{round_id}/e/{entry_id}/draft", headers=JSON, data={"csrf_token": "x"})
    assert response.status_code == 401
    # A page opened in the browser still goes to the login page.
    response = client.get("/judge/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert versions() == []


def test_an_expired_csrf_token_is_answered_in_json_to_scripts_and_as_a_page_to_forms(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    login(client, "judge")
    round_id, entry_id, criteria = ids(hall)
    data = {"csrf_token": "not-a-token", "client_token": "token-csrf-1", "pin": PIN, f"m-{criteria[0]}": "18",
            f"m-{criteria[1]}": "17"}
    response = client.post(f"/judge/r/{round_id}/e/{entry_id}/confirm", headers=JSON, data=data)
    assert response.status_code == 400
    assert response.get_json() == {"stored": False, "code": "csrf",
                                   "error": "页面已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。"}
    response = client.post(f"/judge/r/{round_id}/e/{entry_id}/confirm", data=data)
    assert response.status_code == 400 and "页面已过期或缺少安全令牌" in response.get_data(as_text=True)
    assert versions() == []


def test_the_session_check_gives_the_judge_a_token_that_confirms(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    login(client, "judge")
    body = client.get("/judge/session", headers=JSON).get_json()
    assert body["user_id"] == hall.users["judge"].id
    round_id, entry_id, criteria = ids(hall)
    response = client.post(f"/judge/r/{round_id}/e/{entry_id}/confirm", headers=JSON, data={
        "csrf_token": body["csrf_token"], "client_token": "token-session-1", "pin": PIN, "queued": "1",
        f"m-{criteria[0]}": "18", f"m-{criteria[1]}": "17"})
    assert response.get_json()["stored"] is True
    other = client.application.test_client()
    login(other, "sec")
    assert other.get("/judge/session", headers=JSON).status_code == 403


def test_the_service_worker_is_served_under_judge_with_its_assets_and_version(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    login(client, "judge")
    response = client.get("/judge/sw.js")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/judge/"
    settings = re.match(r'self\.JUDGE_SW = (\{.*\});\n', text)
    assert settings is not None
    assert '"/static/js/queue.js"' in settings.group(1) and '"/static/js/sheet.js"' in settings.group(1)
    assert re.search(r'"version": "[0-9a-f]{16}"', settings.group(1))
    assert 'addEventListener("fetch"' in text
    secretary = client.application.test_client()
    login(secretary, "sec")
    assert secretary.get("/judge/sw.js").status_code == 403


def _draft(client: FlaskClient, world: World, token: str, value: str, at: str | None) -> None:
    round_id, entry_id, criteria = ids(world)
    data = {"csrf_token": token, f"m-{criteria[0]}": value} | ({"draft_at": at} if at else {})
    assert client.post(f"/judge/r/{round_id}/e/{entry_id}/draft", data=data, headers=JSON).status_code == 200


def test_an_older_draft_arriving_late_never_replaces_a_newer_one(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    token = login(client, "judge")
    round_id, entry_id, _ = ids(hall)
    _draft(client, hall, token, "15", "1700000002000")
    _draft(client, hall, token, "9", "1700000001000")  # typed earlier, sent later
    html = client.get(f"/judge/r/{round_id}/e/{entry_id}").get_data(as_text=True)
    assert 'value="15"' in html and 'data-server-draft-at="1700000002000"' in html
    _draft(client, hall, token, "16.5", "1700000003000")
    sheet = db.session.execute(select(ScoreSheet)).scalar_one()
    db.session.refresh(sheet)
    assert sheet.draft["marks"] == {str(ids(hall)[2][0]): "16.5"} and sheet.draft["at"] == 1700000003000


def test_a_draft_without_the_phones_time_gets_the_servers(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    token = login(client, "judge")
    _draft(client, hall, token, "15", None)
    _draft(client, hall, token, "12", "junk")
    sheet = db.session.execute(select(ScoreSheet)).scalar_one()
    db.session.refresh(sheet)
    assert sheet.draft["at"] > 1_700_000_000_000 and sheet.draft["marks"] == {str(ids(hall)[2][0]): "12"}


def test_the_report_form_on_a_sheet_sends_that_sheets_round_and_contestant(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    login(client, "judge")
    round_id, entry_id, _ = ids(hall)
    html = client.get(f"/judge/r/{round_id}/e/{entry_id}").get_data(as_text=True)
    form = html[html.index('action="/judge/report"'):]
    form = form[:form.index("</form>")]
    assert f'name="round_id" value="{round_id}"' in form and f'name="entry_id" value="{entry_id}"' in form
    response = client.post("/judge/report", data={"csrf_token": csrf_from(html), "round_id": round_id,
                                                   "entry_id": entry_id, "message": "评分表无法提交",
                                                   "back": f"/judge/r/{round_id}/e/{entry_id}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/judge/r/{round_id}/e/{entry_id}")
    report = db.session.execute(select(DeskReport)).scalar_one()
    assert (report.round_id, report.entry_id, report.message) == (round_id, entry_id, "评分表无法提交")
    listing = client.get("/judge/").get_data(as_text=True)
    assert f'<option value="{entry_id}" data-round="{round_id}">V001' in listing


def test_a_locked_sheet_shows_the_judges_own_comment_and_the_list_marks_sheets_for_the_outbox(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    login(client, "judge")
    confirm(client, hall, ("18.5", "17"), "token-locked-cm")
    round_id, entry_id, _ = ids(hall)
    html = client.get(f"/judge/r/{round_id}/e/{entry_id}").get_data(as_text=True)
    user_id = db.session.execute(select(User.id).where(User.username == "judge")).scalar_one()
    assert "我的点评：</span>思路清晰" in html and f'data-storage-key="sheet-{user_id}-{round_id}-{entry_id}"' in html
    listing = client.get("/judge/list").get_data(as_text=True)
    assert f'data-sheet-key="sheet-{round_id}-{entry_id}"' in listing


WRONG_USER = {"stored": False, "error": "该评分表属于另一位评委，未提交", "code": "wrong_user"}


def _user_id(username: str) -> int:
    return db.session.execute(select(User.id).where(User.username == username)).scalar_one()


def _pin_failures(username: str) -> int:
    return db.session.execute(select(Judge.pin_failures).join(Judge.user).where(User.username == username)
                              ).scalar_one()


def test_a_sheet_of_another_judge_on_a_shared_phone_is_refused_before_the_pin_is_checked(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    login(client, "judge")
    other = str(_user_id("judge2"))
    for pin, token in ((PIN, "token-wrong-user-1"), ("000000", "token-wrong-user-2")):
        status, body = confirm(client, hall, ("18.5", "17"), token, pin=pin, judge_user=other, queued="1")
        assert (status, body) == (400, WRONG_USER)
    round_id, entry_id, criteria = ids(hall)
    page = client.get(f"/judge/r/{round_id}/e/{entry_id}").get_data(as_text=True)
    response = client.post(f"/judge/r/{round_id}/e/{entry_id}/confirm", data={  # the review page, without scripts
        "csrf_token": csrf_from(page), "client_token": "token-wrong-user-3", "pin": "000000", "judge_user": other,
        f"m-{criteria[0]}": "18.5", f"m-{criteria[1]}": "17"})
    assert response.status_code == 400 and "该评分表属于另一位评委，未提交" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _pin_failures("judge") == 0 and _pin_failures("judge2") == 0
    assert versions() == [] and db.session.execute(select(ScoreSheet)).scalars().all() == []


def test_a_sheet_sent_with_the_signed_in_judges_own_id_is_stored_and_pages_name_their_judge(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    login(client, "judge")
    mine = str(_user_id("judge"))
    round_id, entry_id, criteria = ids(hall)
    assert client.get("/judge/").headers["X-Judge-User"] == mine  # the service worker keeps pages per judge
    sheet = client.get(f"/judge/r/{round_id}/e/{entry_id}")
    assert sheet.headers["X-Judge-User"] == mine
    review = client.post(f"/judge/r/{round_id}/e/{entry_id}/review", data={
        "csrf_token": csrf_from(sheet.get_data(as_text=True)), "client_token": "token-own-user-1",
        f"m-{criteria[0]}": "18.5", f"m-{criteria[1]}": "17"}).get_data(as_text=True)
    assert f'name="judge_user" value="{mine}"' in review
    assert f'data-storage-key="sheet-{mine}-{round_id}-{entry_id}"' in review
    status, body = confirm(client, hall, ("18.5", "17"), "token-own-user-1", judge_user=mine)
    assert (status, body["stored"]) == (200, True)
    assert [v.total for v in versions()] == [Decimal("35.5")]


def test_a_resend_whose_comment_has_other_line_endings_is_the_same_sheet(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    login(client, "judge")
    assert confirm(client, hall, ("18.5", "17"), "token-lines-1", comment="思路清晰\r\n目标明确")[1]["stored"] is True
    status, body = confirm(client, hall, ("18.5", "17"), "token-lines-1", comment="思路清晰\n目标明确")
    assert (status, body["stored"], body["duplicate"]) == (200, True, True)
    assert len(versions()) == 1
