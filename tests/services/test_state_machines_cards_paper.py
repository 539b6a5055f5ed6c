"""The contest's status, the judge's card and the paper sheet's stage as machines; the flags pages print."""

from itertools import product

import pytest
from flask import Flask

from app.contests.models import Contest, ContestStatus
from app.contests.services import ContestSettings, update_settings
from app.extensions import db
from app.jobs.models import JobState
from app.judges import services as cards
from app.judges.models import CardState
from app.judges.services import JudgeRow
from app.notices.states import NoticePhase, NoticeState
from app.paper.models import PaperStage
from app.states import State, TransitionRefused
from tests.factories import World
from tests.judges_data import city_judge, issue

CONTEST_MOVES = {("draft", "running"), ("draft", "closed"), ("running", "draft"), ("running", "closed"),
                 ("closed", "running")}
CARD_MOVES = {("none", "issued"), ("issued", "issued"), ("issued", "revoked"), ("revoked", "issued")}
PAPER_MOVES = {("first", "second"), ("second", "counted"), ("second", "mismatch"), ("mismatch", "counted"),
               ("counted", "first")}
MACHINES = [(ContestStatus, CONTEST_MOVES), (CardState, CARD_MOVES), (PaperStage, PAPER_MOVES)]


@pytest.mark.parametrize(("states", "allowed"), MACHINES, ids=lambda m: getattr(m, "__name__", ""))
def test_exactly_the_declared_moves_are_allowed(states: type[State], allowed: set[tuple[str, str]]) -> None:
    for current, target in product(list(states), repeat=2):
        move = (current.value, target.value)
        assert current.can_become(target) is (move in allowed), move
        if move in allowed:
            assert states.check_transition(current.value, target.value) is target
        else:
            with pytest.raises(TransitionRefused):
                states.check_transition(current.value, target.value)


def test_the_stored_values_and_labels_stay_as_they_were() -> None:
    assert {s.value: s.label for s in ContestStatus} == {"draft": "筹备中", "running": "进行中", "closed": "已结束"}
    assert {s.value: s.label for s in CardState} == {"none": "未发放", "issued": "已发放", "revoked": "已撤销"}
    assert {s.value: s.label for s in PaperStage} == {
        "first": "待录入第1遍", "second": "待录入第2遍", "mismatch": "不一致·待核对", "counted": "已计分",
        "absent": "已登记缺席"}


@pytest.mark.parametrize(("states", "current", "target", "message"), [
    (ContestStatus, "closed", "draft", "比武当前为“已结束”，不能改为“筹备中”"),
    (ContestStatus, "closed", "closed", "比武已是“已结束”"),
    (CardState, "none", "revoked", "登录卡当前为“未发放”，不能改为“已撤销”"),
    (CardState, "revoked", "revoked", "登录卡已是“已撤销”"),
    (PaperStage, "counted", "second", "纸质评分表当前为“已计分”，不能改为“待录入第2遍”"),
    (PaperStage, "mismatch", "mismatch", "纸质评分表已是“不一致·待核对”"),
    (PaperStage, "absent", "first", "纸质评分表当前为“已登记缺席”，不能改为“待录入第1遍”"),
])
def test_a_refused_move_says_which(states: type[State], current: str, target: str, message: str) -> None:
    with pytest.raises(TransitionRefused) as refused:
        states.check_transition(current, target)
    assert refused.value.message == message


def test_an_ended_contest_set_back_to_a_draft_is_refused_with_todays_words(ctx: Flask, world: World) -> None:
    world.contest.status = ContestStatus.CLOSED.value
    db.session.commit()
    data = ContestSettings("2022年度大比武", 2022, "draft", 2, "zero", "competition", [])
    with pytest.raises(TransitionRefused) as refused:
        update_settings(world.users["city_organizer"], world.contest.id, data)
    assert refused.value.message == ("“2022年度大比武”已结束，只能改回“进行中”（同一时间只能有一项比武进行中），"
                                     "不能改回“筹备中”")
    db.session.rollback()
    assert world.contest.status == "closed"


def test_a_card_is_revoked_once_and_reissued_after(ctx: Flask, world: World) -> None:
    city = world.users["city_organizer"]
    judge = city_judge(world)
    with pytest.raises(TransitionRefused) as refused:
        cards.revoke(city, judge.id)
    assert refused.value.message == "该评委没有有效的登录卡，无需撤销"
    issue(world, judge)
    assert cards.credential_status(judge) is CardState.ISSUED
    cards.revoke(city, judge.id)
    assert cards.credential_status(judge) is CardState.REVOKED
    with pytest.raises(TransitionRefused) as again:
        cards.revoke(city, judge.id)
    assert again.value.message == "该评委没有有效的登录卡，无需撤销"
    issue(world, judge)
    assert cards.credential_status(judge) is CardState.ISSUED


def test_the_flags_the_pages_print() -> None:
    assert [s.value for s in PaperStage if s.mismatched] == ["mismatch"]
    assert [s.value for s in PaperStage if s.counted] == ["counted"]
    assert [s.value for s in PaperStage if s.waits_second] == ["second"]
    assert [s.value for s in PaperStage if s.settled] == ["counted", "absent"]
    assert [s.attempt for s in (PaperStage.FIRST, PaperStage.SECOND)] == [1, 2]
    rows = {s.value: JudgeRow(None, s, s.label, None) for s in CardState}  # type: ignore[arg-type]
    assert {k: (r.issued, r.revoked, r.may_reissue, r.may_revoke) for k, r in rows.items()} == {
        "none": (False, False, False, False), "issued": (True, False, True, True),
        "revoked": (False, True, True, False)}
    assert [(s.value, s.ended, s.finalized, s.superseded) for s in NoticePhase] == [
        ("open", False, False, False), ("ended", True, False, False), ("finalized", False, True, False),
        ("superseded", False, False, True)]
    assert [(s.value, s.finalized, s.superseded) for s in NoticeState] == [
        ("open", False, False), ("finalized", True, False), ("superseded", False, True)]
    assert [(s.value, s.queued, s.running, s.done) for s in JobState] == [
        ("queued", True, False, False), ("running", False, True, False), ("done", False, False, True),
        ("failed", False, False, False)]
    assert [(s, Contest(status=s).in_preparation, Contest(status=s).running) for s in ("draft", "running", "closed")
            ] == [("draft", True, False), ("running", False, True), ("closed", False, False)]
