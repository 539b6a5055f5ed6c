"""The current contest is the one in progress, never the newest row; a closed contest takes no writes on any path
(judging, paper entry, adjustments, vetoes, absences, judges' cards, and the contest's setup, panels and people)."""

import re
from collections.abc import Callable
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.absences.services import record_absence, withdraw_absence
from app.adjustments import vetoes
from app.adjustments.models import AdjustmentRecord, VetoRecord
from app.adjustments.services import AdjustmentInput, record_adjustment, withdraw_adjustment
from app.audit.models import AuditEvent
from app.contests.current import ContestClosed, current_contest
from app.contests.models import AdjustmentItem, Contest, Criterion, Group, VetoItem
from app.contests.rounds import CriterionInput, add_criterion
from app.contests.services import add_group, set_weights
from app.extensions import db
from app.judges import services as cards
from app.judges.models import Judge
from app.judging import corrections, sheets, windows
from app.judging.models import DeskReport, ScoreSheet, SheetVersion
from app.panels.models import ContestSession, Panel, Recusal, RoundAbsence, ScoringWindow
from app.panels.services import PanelSpec, add_recusal, create_manual
from app.panels.sessions import SessionSpec, create_session
from app.paper.models import PaperSheet
from app.paper.services import PaperInput, enter, reconcile
from app.people.records import set_entry_active
from tests.conftest import csrf_from, login
from tests.factories import World, make_user
from tests.paper_data import JPEG
from tests.web.test_judging import PIN, confirm, hall, versions

__all__ = ["hall"]  # the fixture, used by name

CLOSED = "本次比武已结束：“2022年度大比武”的评分、名单和设置都不能再修改"


def judge_named(username: str) -> Judge:
    return db.session.execute(select(Judge).join(Judge.user).where(Judge.user.has(username=username))).scalar_one()


def set_status(world: World, status: str) -> None:
    world.contest.status = status
    db.session.commit()


# --- the two failures of the issue, reproduced ------------------------------------------------------------


def test_a_phone_signed_in_with_a_card_before_the_contest_ended_stores_nothing_after(
        client: FlaskClient, hall: World) -> None:
    card = cards.issue_cards(hall.users["city_organizer"], judge_named("judge").id)[0]
    link = f"/judge/signin/{card.token}"
    token = csrf_from(client.get(link).get_data(as_text=True))
    assert client.post(link, data={"pin": card.pin, "csrf_token": token}).status_code == 302
    set_status(hall, "closed")  # the organizer sets the contest to 已结束 while the phone is still signed in
    status, body = confirm(client, hall, ("18", "18"), "token-after-close", pin=card.pin)
    assert (status, body) == (400, {"stored": False, "error": CLOSED})
    assert versions() == []
    assert client.get(link).status_code == 403  # and the card itself no longer signs in


def test_a_draft_for_next_year_changes_nothing_for_the_running_contests_cards(
        client: FlaskClient, hall: World) -> None:
    judge = judge_named("judge")
    cards.issue_cards(hall.users["city_organizer"], judge.id)
    token = login(client, "city")
    response = client.post("/organize/contests/copy", data={"source_id": str(hall.contest.id), "year": "2023",
                                                           "name": "2023年度大比武", "csrf_token": token})
    assert response.status_code == 302
    assert current_contest() is hall.contest
    board = client.get("/organize/judges/").get_data(as_text=True)
    assert re.findall(r">([^<>]*年度大比武) · 共", board) == ["2022年度大比武"]
    judge.pin_failures = 3
    db.session.commit()
    for action in ("unlock", "revoke"):
        response = client.post(f"/organize/judges/{action}", data={"judge_id": str(judge.id), "csrf_token": token})
        assert response.status_code == 302, action
    response = client.post("/organize/judges/cards", data={"judge_id": str(judge.id), "csrf_token": token})
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    db.session.refresh(judge)
    assert (judge.pin_failures, judge.token_revoked_at) == (0, None)  # unlocked, revoked, then reissued
    events = select(AuditEvent.action).where(AuditEvent.object_type == "judge",
                                             AuditEvent.object_id == str(judge.id)).order_by(AuditEvent.id)
    assert db.session.execute(events).scalars().all()[-3:] == [
        "judge_pin_unlocked", "judge_card_revoked", "judge_card_issued"]


def test_only_one_contest_is_in_progress_and_none_shows_the_last_one_ended(client: FlaskClient, world: World) -> None:
    newer = Contest(year=2023, name="2023年度大比武", status="draft", tie_break=[])
    db.session.add(newer)
    db.session.commit()
    assert current_contest() is world.contest  # the newest row is a draft: the running one stays current
    token = login(client, "city")
    data = {"name": "2023年度大比武", "year": "2023", "status": "running", "places": "2", "absent_round": "zero",
            "ranking": "competition", "tie_1": "", "tie_2": "", "tie_3": "", "csrf_token": token}
    html = client.post(f"/organize/contests/{newer.id}/", data=data).get_data(as_text=True)
    assert "“2022年度大比武”正在进行中，同一时间只能有一项比武进行中：请先将其设为已结束" in html
    db.session.refresh(newer)
    assert newer.status == "draft"
    set_status(world, "closed")
    assert current_contest() is world.contest  # nothing in progress: the last one ended, for reading
    ended = data | {"name": "2022年度大比武", "year": "2022", "status": "closed", "places": "3"}
    html = client.post(f"/organize/contests/{world.contest.id}/", data=ended).get_data(as_text=True)
    assert "“2022年度大比武”已结束，其设置不能再修改：如确需更改，请先单独将状态改回“进行中”" in html
    db.session.refresh(world.contest)
    assert (world.contest.places, world.contest.status) == (2, "closed")
    for page in ("/organize/", "/organize/results/", "/organize/reports/", "/organize/panels/"):
        html = client.get(page).get_data(as_text=True)
        assert "当前没有进行中的比武，这里显示的是已结束的“2022年度大比武”" in html, page


# --- every write path refuses a closed contest --------------------------------------------------------------


def _ids(w: World) -> tuple[int, int, dict[int, str]]:
    rnd = w.contest.rounds[0]
    return rnd.id, w.entries["pingding"].id, {c.id: "10" for c in rnd.criteria}


def _stored(w: World, username: str = "judge", late: bool = False) -> SheetVersion:
    round_id, entry_id, marks = _ids(w)
    version = sheets.store_version(None, round_id, entry_id, judge_named(username).id,
                                   {cid: Decimal(v) for cid, v in marks.items()}, "", sheets.StoreOptions(
                                       client_token=f"stored-{username}", source="paper", late=late,
                                       entered_by_id=w.users["city_organizer"].id))
    db.session.commit()
    return version


def _submit(w: World) -> Callable[[], Any]:
    round_id, entry_id, marks = _ids(w)
    return lambda: sheets.submit(w.users["judge"], sheets.Submission(round_id, entry_id, marks, "", "token-cl1", PIN))


def _draft(w: World) -> Callable[[], Any]:
    round_id, entry_id, marks = _ids(w)
    return lambda: sheets.save_draft(w.users["judge"], round_id, entry_id, marks, "")


def _ask_correction(w: World) -> Callable[[], Any]:
    _stored(w)
    round_id, entry_id, _ = _ids(w)
    return lambda: corrections.request_correction(w.users["judge"], round_id, entry_id, "第一项看错")


def _reopen(w: World) -> Callable[[], Any]:
    sheet_id = _stored(w).sheet_id
    return lambda: corrections.reopen(w.users["city_organizer"], sheet_id, "评委申请")


def _accept_late(w: World) -> Callable[[], Any]:
    version_id = _stored(w, late=True).id
    return lambda: corrections.accept_late(w.users["city_organizer"], version_id, "现场网络中断")


def _report(w: World) -> Callable[[], Any]:
    round_id, entry_id, _ = _ids(w)
    return lambda: corrections.report_problem(w.users["judge"], round_id, entry_id, "屏幕上的参赛人不对")


def _open_window(w: World) -> Callable[[], Any]:
    round_id, entry_id, _ = _ids(w)
    return lambda: windows.open_window(w.users["city_organizer"], round_id, entry_id=entry_id)


def _close_window(w: World) -> Callable[[], Any]:
    window_id = db.session.execute(select(ScoringWindow.id)).scalar_one()
    return lambda: windows.close_window(w.users["city_organizer"], window_id)


def _paper(w: World, marks: dict[int, str] | None = None) -> PaperInput:
    round_id, entry_id, typed = _ids(w)
    return PaperInput(round_id, judge_named("judge2").id, entry_id, marks or typed, "", JPEG)


def _enter(w: World) -> Callable[[], Any]:
    return lambda: enter(w.users["clerk"], _paper(w))


def _reconcile(w: World) -> Callable[[], Any]:
    enter(w.users["clerk"], _paper(w))
    other = make_user("clerk2", "clerk", name="录入员乙")
    db.session.commit()
    enter(other, _paper(w, {cid: "11" for cid in _ids(w)[2]}))
    round_id, entry_id, marks = _ids(w)
    return lambda: reconcile(w.users["city_organizer"], round_id, judge_named("judge2").id, entry_id, marks, "",
                             "对照纸质表", no_comment=True)


def _items(w: World) -> tuple[int, int]:
    rnd = w.contest.rounds[0]
    rnd.adjustment_items.append(AdjustmentItem(name="超时", kind="penalty", rule_text="每超时1分钟扣0.5分",
                                               unit_label="分钟", points_per_unit=Decimal("0.5"), cap=Decimal(2)))
    rnd.veto_items.append(VetoItem(name="弄虚作假", description=""))
    db.session.commit()
    return rnd.adjustment_items[0].id, rnd.veto_items[0].id


def _adjust(w: World) -> Callable[[], Any]:
    item_id, _ = _items(w)
    round_id, entry_id, _ = _ids(w)
    return lambda: record_adjustment(w.users["city_organizer"], round_id, entry_id,
                                     AdjustmentInput(item_id, Decimal(2), ""))


def _withdraw_adjustment(w: World) -> Callable[[], Any]:
    record = _adjust(w)()
    return lambda: withdraw_adjustment(w.users["city_organizer"], record.id, "")


def _propose_veto(w: World) -> Callable[[], Any]:
    _, item_id = _items(w)
    round_id, entry_id, _ = _ids(w)
    return lambda: vetoes.propose_veto(w.users["city_organizer"], round_id, entry_id, item_id, "材料造假")


def _retract(w: World) -> Callable[[], Any]:
    veto = _propose_veto(w)()
    return lambda: vetoes.retract(w.users["city_organizer"], veto.id)


def _decide(w: World) -> Callable[[], Any]:
    veto = _propose_veto(w)()
    return lambda: vetoes.decide_veto(w.users["supervisor"], veto.id, True, "")


def _propose_withdrawal(w: World) -> Callable[[], Any]:
    veto = _decide(w)()
    return lambda: vetoes.propose_withdrawal(w.users["city_organizer"], veto.id, "复核推翻")


def _absence(w: World) -> Callable[[], Any]:
    round_id = w.contest.rounds[0].id
    return lambda: record_absence(w.users["city_organizer"], round_id, "V002", "因病住院")


def _withdraw_absence(w: World) -> Callable[[], Any]:
    absence = _absence(w)()
    return lambda: withdraw_absence(w.users["city_organizer"], absence.id)


def _issue(w: World) -> Callable[[], Any]:
    return lambda: cards.issue_cards(w.users["city_organizer"], judge_named("judge").id)


def _revoke(w: World) -> Callable[[], Any]:
    _issue(w)()
    return lambda: cards.revoke(w.users["city_organizer"], judge_named("judge").id)


def _unlock(w: World) -> Callable[[], Any]:
    judge_named("judge").pin_failures = 2
    db.session.commit()
    return lambda: cards.unlock_pin(w.users["city_organizer"], judge_named("judge").id)


def _weights(w: World) -> Callable[[], Any]:
    weights = {r.id: Decimal(w) for r, w in zip(w.contest.rounds, ("40", "30", "30"), strict=True)}
    return lambda: set_weights(w.users["city_organizer"], w.contest.id, weights)


def _group(w: World) -> Callable[[], Any]:
    return lambda: add_group(w.users["city_organizer"], w.contest.id, "培训班A组")


def _criterion(w: World) -> Callable[[], Any]:
    round_id = w.contest.rounds[1].id
    data = CriterionInput("服务成效", "", Decimal(0), Decimal(20), Decimal("0.5"))
    return lambda: add_criterion(w.users["city_organizer"], round_id, data)


def _panel(w: World) -> Callable[[], Any]:
    village = next(g for g in w.contest.groups if g.code == "village")
    spec = PanelSpec(w.contest.rounds[1].id, village.id, "观摩评委组")
    judges = [judge_named(name).id for name in ("judge", "judge2", "judge3")]
    return lambda: create_manual(w.users["city_organizer"], spec, judges)


def _recusal(w: World) -> Callable[[], Any]:
    round_id, judge_id = w.contest.rounds[0].id, judge_named("judge3").id
    return lambda: add_recusal(w.users["city_organizer"], round_id, judge_id, "V002", "近亲属")


def _session(w: World) -> Callable[[], Any]:
    village = next(g for g in w.contest.groups if g.code == "village")
    spec = SessionSpec(w.contest.rounds[1].id, village.id, "第一场", date(2022, 6, 1), time(9), "县委党校", 15)
    return lambda: create_session(w.users["city_organizer"], spec)


def _entry_off(w: World) -> Callable[[], Any]:
    entry_id = w.entries["yuxian"].id
    return lambda: set_entry_active(w.users["city_organizer"], entry_id, False)


WRITES = {"confirm": _submit, "draft": _draft, "correction_request": _ask_correction, "reopen": _reopen,
          "accept_late": _accept_late, "desk_report": _report, "open_window": _open_window,
          "close_window": _close_window, "paper_entry": _enter, "paper_reconcile": _reconcile,
          "adjustment": _adjust, "adjustment_withdrawal": _withdraw_adjustment, "veto_proposal": _propose_veto,
          "veto_retract": _retract, "veto_decision": _decide, "veto_withdrawal": _propose_withdrawal,
          "absence": _absence, "absence_withdrawal": _withdraw_absence, "card_issue": _issue,
          "card_revoke": _revoke, "pin_unlock": _unlock, "round_weights": _weights, "group": _group,
          "criterion": _criterion, "panel": _panel, "recusal": _recusal, "session": _session,
          "entry_deactivation": _entry_off}
COUNTED = (AuditEvent, ScoreSheet, SheetVersion, ScoringWindow, DeskReport, PaperSheet, AdjustmentRecord, VetoRecord,
           RoundAbsence, Panel, Recusal, ContestSession, Criterion, Group)


def _counts() -> list[int]:
    return [db.session.execute(select(func.count()).select_from(model)).scalar_one() for model in COUNTED]


@pytest.mark.parametrize("path", WRITES)
def test_each_write_path_refuses_a_closed_contest_and_stores_nothing(
        path: str, hall: World, ctx: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ctx.config, "PAPER_UPLOAD_DIR", str(tmp_path / "scans"))
    write = WRITES[path](hall)
    set_status(hall, "closed")
    before = _counts()
    with pytest.raises(ContestClosed) as refused:
        write()
    assert refused.value.message == CLOSED
    db.session.rollback()
    assert _counts() == before
    set_status(hall, "running")
    write()  # the same write is taken while the contest runs: audited (a draft is not, it is a new sheet)
    after = _counts()
    assert after[1] > before[1] if path == "draft" else after[0] > before[0]


def test_an_ended_contest_goes_back_only_to_in_progress_never_to_a_draft(client: FlaskClient, world: World) -> None:
    # A draft takes writes: an ended contest set back to 筹备中 would take scores again beside the one in progress,
    # around the rule that one contest at a time is in progress.
    newer = Contest(year=2023, name="2023年度大比武", status="running", tie_break=[])
    set_status(world, "closed")
    db.session.add(newer)
    db.session.commit()
    token = login(client, "city")
    data = {"name": "2022年度大比武", "year": "2022", "status": "draft", "places": "2", "absent_round": "zero",
            "ranking": "competition", "tie_1": "results", "tie_2": "", "tie_3": "", "csrf_token": token}
    response = client.post(f"/organize/contests/{world.contest.id}/", data=data)
    assert response.status_code == 400
    assert "“2022年度大比武”已结束，只能改回“进行中”（同一时间只能有一项比武进行中），不能改回“筹备中”" in \
        response.get_data(as_text=True)
    db.session.refresh(world.contest)
    assert world.contest.status == "closed"
    assert db.session.execute(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "contest_settings_changed")).scalar_one() == 0


def test_a_contest_in_progress_with_sheets_is_not_set_back_to_a_draft(client: FlaskClient, hall: World) -> None:
    # Set back to 筹备中, it would keep taking sheets while the next one is set in progress beside it.
    login(client, "judge")
    assert confirm(client, hall, ("18", "18"), "token-before-draft")[1]["stored"] is True
    organizer = client.application.test_client()
    token = login(organizer, "city")
    data = {"name": "2022年度大比武", "year": "2022", "status": "draft", "places": "2", "absent_round": "zero",
            "ranking": "competition", "tie_1": "results", "tie_2": "", "tie_3": "", "csrf_token": token}
    response = organizer.post(f"/organize/contests/{hall.contest.id}/", data=data)
    assert response.status_code == 400
    assert "“2022年度大比武”已有评分，不能改回“筹备中”：评分结束后请设为“已结束”" in response.get_data(as_text=True)
    db.session.refresh(hall.contest)
    assert hall.contest.status == "running"
    assert db.session.execute(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "contest_settings_changed")).scalar_one() == 0
