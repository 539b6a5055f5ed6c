"""Each machine as declared: every allowed move, every refused one, and the exact refusal."""

from itertools import product

import pytest

from app.absences.services import AbsenceState
from app.adjustments.models import VetoState
from app.judging.models import SheetState
from app.judging.windows import WindowState
from app.states import State, TransitionRefused

SHEET_MOVES = {("open", "draft"), ("open", "submitted"), ("open", "late"), ("draft", "submitted"),
               ("draft", "late"), ("submitted", "reopened"), ("reopened", "submitted"), ("reopened", "late"),
               ("late", "submitted")}
VETO_MOVES = {("proposed", "confirmed"), ("proposed", "rejected"), ("proposed", "retracted")}
WINDOW_MOVES = {("open", "closed")}
ABSENCE_MOVES = {("in_effect", "withdrawn")}
MACHINES = [(SheetState, SHEET_MOVES), (VetoState, VETO_MOVES), (WindowState, WINDOW_MOVES),
            (AbsenceState, ABSENCE_MOVES)]


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
    assert {s.value: s.label for s in SheetState} == {
        "open": "未评", "draft": "草稿", "submitted": "已提交", "reopened": "待更正", "late": "迟交待审"}
    assert {s.value: s.label for s in VetoState} == {
        "proposed": "待确认", "confirmed": "已确认", "rejected": "已驳回", "retracted": "已撤回"}
    assert {s.value: s.label for s in WindowState} == {"open": "开放中", "closed": "已关闭"}
    assert {s.value: s.label for s in AbsenceState} == {"in_effect": "有效", "withdrawn": "已撤销"}


def test_a_sheet_is_locked_once_submitted_or_late() -> None:
    assert [s.value for s in SheetState if s.locked] == ["submitted", "late"]


@pytest.mark.parametrize(("states", "current", "target", "message"), [
    (SheetState, "submitted", "draft", "评分表当前为“已提交”，不能改为“草稿”"),
    (SheetState, "late", "reopened", "评分表当前为“迟交待审”，不能改为“待更正”"),
    (SheetState, "open", "reopened", "评分表当前为“未评”，不能改为“待更正”"),
    (SheetState, "submitted", "submitted", "评分表已是“已提交”"),
    (VetoState, "confirmed", "rejected", "一票否决当前为“已确认”，不能改为“已驳回”"),
    (VetoState, "retracted", "proposed", "一票否决当前为“已撤回”，不能改为“待确认”"),
    (WindowState, "closed", "open", "评分窗口当前为“已关闭”，不能改为“开放中”"),
    (WindowState, "closed", "closed", "评分窗口已是“已关闭”"),
    (AbsenceState, "withdrawn", "in_effect", "缺席登记当前为“已撤销”，不能改为“有效”"),
])
def test_a_refused_move_says_which(states: type[State], current: str, target: str, message: str) -> None:
    with pytest.raises(TransitionRefused) as refused:
        states.check_transition(current, target)
    assert refused.value.message == message
