"""The state base: a machine declared once, its allowed and refused moves, labels, and a wrong declaration."""

from enum import nonmember

import pytest

from app.errors import DomainError
from app.states import State, TransitionRefused


class Light(State):
    """A toy machine: red may go green, green may go amber or red, amber only red."""

    RED = "red"
    GREEN = "green"
    AMBER = "amber"
    noun = nonmember("信号灯")
    labels = nonmember({RED: "红灯", GREEN: "绿灯", AMBER: "黄灯"})
    transitions = nonmember({RED: (GREEN,), GREEN: (AMBER, RED), AMBER: (RED,)})


def test_members_are_the_stored_strings() -> None:
    assert Light.RED == "red"
    assert Light("amber") is Light.AMBER
    assert f"{Light.GREEN}" == "green"
    assert [m.value for m in Light] == ["red", "green", "amber"]


def test_transitions_are_members_read_only() -> None:
    assert Light.transitions[Light.GREEN] == frozenset({Light.AMBER, Light.RED})
    assert Light.transitions[Light.AMBER] == frozenset({Light.RED})
    with pytest.raises(TypeError):
        Light.transitions[Light.RED] = frozenset()  # type: ignore[index]


def test_can_become_takes_members_or_strings() -> None:
    assert Light.RED.can_become(Light.GREEN) is True
    assert Light.RED.can_become("green") is True
    assert Light.RED.can_become("amber") is False
    assert Light.AMBER.can_become("amber") is False
    assert Light.GREEN.can_become("blue") is False


def test_labels() -> None:
    assert Light.AMBER.label == "黄灯"
    assert Light.label_of("green") == "绿灯"
    assert Light.label_of("blue") == "blue"


def test_an_allowed_move_returns_the_member() -> None:
    assert Light.check_transition("red", "green") is Light.GREEN
    assert Light.check_transition(Light.GREEN, Light.RED) is Light.RED


def test_a_refused_move_is_a_domain_error_naming_both_states() -> None:
    with pytest.raises(TransitionRefused) as refused:
        Light.check_transition("red", "amber")
    assert refused.value.message == "信号灯当前为“红灯”，不能改为“黄灯”"
    assert isinstance(refused.value, DomainError)
    assert refused.value.status == 400


def test_a_refusal_may_say_it_in_the_callers_words() -> None:
    with pytest.raises(TransitionRefused) as refused:
        Light.check_transition("amber", "green", refused="黄灯之后须先变红")
    assert refused.value.message == "黄灯之后须先变红"


def test_staying_is_refused_unless_declared() -> None:
    with pytest.raises(TransitionRefused) as refused:
        Light.check_transition("amber", "amber")
    assert refused.value.message == "信号灯当前为“黄灯”，不能改为“黄灯”"


def test_an_unknown_target_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        Light.check_transition("red", "blue")


def test_a_missing_label_fails_at_declaration() -> None:
    with pytest.raises(TypeError) as wrong:
        class Half(State):
            ON = "on"
            OFF = "off"
            noun = nonmember("开关")
            labels = nonmember({ON: "开"})
            transitions = nonmember({ON: (OFF,)})
    assert str(wrong.value) == "Half: labels missing for ['off'], not states: []"


def test_a_transition_to_no_state_fails_at_declaration() -> None:
    with pytest.raises(TypeError) as wrong:
        class Typo(State):
            ON = "on"
            OFF = "off"
            noun = nonmember("开关")
            labels = nonmember({ON: "开", OFF: "关"})
            transitions = nonmember({ON: ("of",)})
    assert str(wrong.value) == "Typo: labels missing for [], not states: ['of']"
