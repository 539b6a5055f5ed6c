"""A phone's offline confirmation time is checked against the scoring windows, kept, and shown to the organizer."""

from datetime import datetime, time, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.judging.models import ScoreSheet
from app.panels.models import ContestSession, ScoringWindow, SessionSlot
from app.timeutil import utcnow
from tests.conftest import login
from tests.factories import World
from tests.web.test_judging import confirm, hall, ids, versions  # noqa: F401  (hall is a fixture)

OPENED, CLAIMED, CLOSED = datetime(2022, 3, 15, 1, 0), "2022-03-15T02:01:00Z", datetime(2022, 3, 15, 3, 0)


def _iso(at: datetime) -> str:
    return at.isoformat() + "Z"


def _nothing_stored() -> None:
    assert versions() == []
    assert db.session.execute(select(func.count(ScoreSheet.id)).where(ScoreSheet.state != "draft")).scalar() == 0
    assert db.session.execute(select(AuditEvent.id).where(AuditEvent.action == "sheet_submitted")).first() is None


def _close_all(at: datetime = CLOSED) -> None:
    db.session.execute(ScoringWindow.__table__.update().values(closed_at=at))
    db.session.commit()


def _refused(client: FlaskClient, world: World, claimed: str, message: str) -> None:
    status, body = confirm(client, world, ("18.5", "17"), "token-claim-bad", confirmed_offline_at=claimed)
    assert (status, body) == (400, {"stored": False, "error": message})
    _nothing_stored()


@pytest.mark.parametrize("claimed", ["2099-01-01T00:00:00Z", "future+10"])
@pytest.mark.parametrize("window_open", [True, False])
def test_a_claimed_time_more_than_five_minutes_ahead_is_refused(
    client: FlaskClient, hall: World, claimed: str, window_open: bool  # noqa: F811
) -> None:
    if not window_open:
        _close_all()
    login(client, "judge")
    text = _iso(utcnow() + timedelta(minutes=10)) if claimed == "future+10" else claimed
    _refused(client, hall, text, "离线确认时间晚于当前时间，不能提交")


def test_a_phone_clock_a_little_fast_is_accepted_while_scoring_is_open(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    login(client, "judge")
    claimed = utcnow().replace(microsecond=0) + timedelta(minutes=2)
    status, body = confirm(client, hall, ("18.5", "17"), "token-claim-fast", confirmed_offline_at=_iso(claimed))
    assert (status, body["stored"], body["late"]) == (200, True, False)
    [version] = versions()
    assert (version.confirmed_offline_at, version.source, version.counted) == (claimed, "offline", True)


def test_a_claim_before_scoring_ever_opened_is_refused(client: FlaskClient, hall: World) -> None:  # noqa: F811
    db.session.execute(delete(ScoringWindow))
    db.session.commit()
    login(client, "judge")
    _refused(client, hall, CLAIMED, "尚未开放评分")


def test_another_contestants_window_does_not_count_as_opened(client: FlaskClient, hall: World) -> None:  # noqa: F811
    db.session.execute(delete(ScoringWindow))
    db.session.add(ScoringWindow(round_id=ids(hall)[0], entry_id=hall.entries["yuxian"].id, opened_at=OPENED,
                                 closed_at=CLOSED, opened_by_id=hall.users["city_organizer"].id))
    db.session.commit()
    login(client, "judge")
    _refused(client, hall, CLAIMED, "尚未开放评分")


@pytest.mark.parametrize("claimed", ["2022-03-15T00:54:00Z", "2022-03-15T03:06:00Z", "2022-03-16T02:01:00Z"])
def test_a_claim_outside_the_open_period_is_refused(
    client: FlaskClient, hall: World, claimed: str  # noqa: F811
) -> None:
    _close_all()
    login(client, "judge")
    _refused(client, hall, claimed, "离线确认时间不在评分开放期间，不能提交")


@pytest.mark.parametrize("claimed", ["2022-03-15T00:57:00Z", "2022-03-15T03:03:00Z"])
def test_a_phone_clock_a_few_minutes_off_at_either_edge_of_the_window_is_accepted_as_late(
    client: FlaskClient, hall: World, claimed: str  # noqa: F811
) -> None:
    """Opened 01:00, closed 03:00 (UTC): a phone up to 5 minutes slow or fast still proves the sheet."""
    _close_all()
    login(client, "judge")
    status, body = confirm(client, hall, ("18.5", "17"), "token-claim-edge", confirmed_offline_at=claimed)
    assert (status, body["stored"], body["late"]) == (200, True, True)


def test_a_claim_between_two_openings_is_refused_even_while_scoring_is_open_again(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    _close_all()
    db.session.add(ScoringWindow(round_id=ids(hall)[0], opened_at=datetime(2022, 3, 15, 5, 0),
                                 opened_by_id=hall.users["city_organizer"].id))
    db.session.commit()
    login(client, "judge")
    _refused(client, hall, "2022-03-15T04:00:00Z", "离线确认时间不在评分开放期间，不能提交")


@pytest.mark.parametrize("scope", ["session", "entry"])
def test_a_session_or_contestant_window_covers_the_claim(
    client: FlaskClient, hall: World, scope: str  # noqa: F811
) -> None:
    round_id, entry_id, _ = ids(hall)
    db.session.execute(delete(ScoringWindow))
    window = ScoringWindow(round_id=round_id, opened_at=OPENED, closed_at=CLOSED,
                           opened_by_id=hall.users["city_organizer"].id)
    if scope == "session":
        group = next(g for g in hall.contest.groups if g.code == "village")
        session = ContestSession(round_id=round_id, group_id=group.id, name="第一场", held_on=OPENED.date(),
                                 starts_at=time(9, 0))
        session.slots = [SessionSlot(round_id=round_id, entry_id=entry_id, position=1)]
        db.session.add(session)
        db.session.flush()
        window.session_id = session.id
    else:
        window.entry_id = entry_id
    db.session.add(window)
    db.session.commit()
    login(client, "judge")
    status, body = confirm(client, hall, ("18.5", "17"), "token-claim-scope", confirmed_offline_at=CLAIMED)
    assert (status, body["stored"], body["late"]) == (200, True, True)
    [version] = versions()
    assert (version.confirmed_offline_at, version.late, version.counted) == (datetime(2022, 3, 15, 2, 1), True, False)


def test_a_late_sheet_shows_its_claimed_time_and_the_closing_on_the_desk_and_history(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    _close_all()
    login(client, "judge")
    status, body = confirm(client, hall, ("18.5", "17"), "token-claim-late", confirmed_offline_at=CLAIMED)
    assert (status, body["stored"], body["late"]) == (200, True, True)
    [version] = versions()
    assert version.confirmed_offline_at == datetime(2022, 3, 15, 2, 1)
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "sheet_submitted")).scalar_one()
    assert event.after["confirmed_offline_at"] == "2022-03-15T02:01:00"
    organizer = client.application.test_client()
    login(organizer, "city")
    shown = "离线确认时间（手机报告）：2022-03-15 10:01 · 评分关闭：2022-03-15 11:00 · 送达："  # Beijing time
    assert shown in organizer.get(f"/organize/desk/round/{ids(hall)[0]}").get_data(as_text=True)
    assert shown in organizer.get(f"/organize/desk/sheet/{version.sheet_id}").get_data(as_text=True)


def _others_score_high(client: FlaskClient, world: World) -> None:
    for username, token in (("judge2", "token-j2-claim"), ("judge3", "token-j3-claim")):
        other = client.application.test_client()
        login(other, username)
        assert confirm(other, world, ("18", "18"), token)[1]["stored"] is True


def test_a_claim_while_scoring_is_still_open_is_asked_the_deviation_question(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    _others_score_high(client, hall)
    login(client, "judge")
    status, body = confirm(client, hall, ("2", "2"), "token-claim-dev", confirmed_offline_at=CLAIMED)
    assert (status, body["stored"], body["deviation"]) == (200, False, True)
    assert len(versions()) == 2
    status, body = confirm(client, hall, ("2", "2"), "token-claim-dev", confirmed_offline_at=CLAIMED,
                           acknowledge_deviation="1")
    assert (status, body["stored"], body["late"], body["deviation_flag"]) == (200, True, False, True)
    mine = versions()[-1]
    assert (mine.deviation_flag, mine.late, mine.confirmed_offline_at) == (True, False, datetime(2022, 3, 15, 2, 1))


def test_accepting_a_late_sheet_audits_which_sheet_and_version_became_counted(
    client: FlaskClient, hall: World  # noqa: F811
) -> None:
    _close_all()
    login(client, "judge")
    confirm(client, hall, ("18.5", "17"), "token-claim-acc", confirmed_offline_at=CLAIMED)
    [version] = versions()
    organizer = client.application.test_client()
    token = login(organizer, "city")
    response = organizer.post(f"/organize/desk/round/{ids(hall)[0]}/version/{version.id}/accept",
                              data={"reason": "现场网络中断，监督员见证", "csrf_token": token})
    assert response.status_code == 302
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "late_sheet_accepted")).scalar_one()
    judge_id = version.sheet.judge_id
    which = {"sheet_id": version.sheet_id, "entry": "V001", "judge_id": judge_id, "version": 1}
    assert (event.object_id, event.before, event.after) == (
        str(version.id), which | {"counted": False}, which | {"counted": True, "reason": "现场网络中断，监督员见证"})


def test_a_claimed_time_with_a_utc_offset_is_converted_to_utc(client: FlaskClient, hall: World) -> None:  # noqa: F811
    _close_all()
    login(client, "judge")
    # 10:01 Beijing time is 02:01 UTC, inside the window (01:00–03:00 UTC); read as 10:01 UTC it would be refused
    status, body = confirm(client, hall, ("18.5", "17"), "token-claim-tz",
                           confirmed_offline_at="2022-03-15T10:01:00+08:00")
    assert (status, body["stored"], body["late"]) == (200, True, True)
    assert versions()[0].confirmed_offline_at == datetime(2022, 3, 15, 2, 1)


@pytest.mark.parametrize("claimed", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00",
                                     "2022-03-15T02:01:00+24:00", "２０２２-03-15T02:01:00Z"])
def test_a_claimed_time_out_of_the_calendar_or_misspelt_is_refused_in_chinese(
    client: FlaskClient, hall: World, claimed: str  # noqa: F811
) -> None:
    login(client, "judge")
    _refused(client, hall, claimed, "离线确认时间格式无效")
