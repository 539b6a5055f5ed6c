"""The judge PIN check reused at every sheet confirmation: HMAC digest, failure count, 15-minute lock."""

import hashlib
import hmac
from datetime import timedelta

import pytest

from app.errors import DomainError
from app.extensions import db
from app.judges import services
from app.judges.models import Judge
from app.judges.services import check_pin
from app.timeutil import utcnow
from tests.factories import World
from tests.judges_data import add_judge, city_judge, issue


def wrong(pin: str) -> str:
    return f"{(int(pin) + 1) % 1_000_000:06d}"


def refusal(judge: Judge, pin: str) -> str:
    with pytest.raises(DomainError) as caught:
        check_pin(judge, pin)
    return caught.value.message


def test_a_pin_digest_is_an_hmac_keyed_by_the_app_secret_and_bound_to_the_judge(world: World) -> None:
    expected = hmac.new(b"test-secret-key", b"pin:7:123456", hashlib.sha256).hexdigest()
    assert services.pin_digest(7, "123456") == expected
    assert services.pin_digest(8, "123456") != expected


def test_new_pins_are_six_digits_and_new_tokens_carry_at_least_128_bits() -> None:
    pins = {services.new_pin() for _ in range(200)}
    assert all(len(p) == 6 and p.isdigit() for p in pins) and len(pins) > 150
    assert all(len(services.new_token()) * 6 >= 128 for _ in range(20))


def test_the_right_pin_passes_and_resets_the_failure_count(world: World) -> None:
    judge = city_judge(world)
    card = issue(world, judge)
    refusal(judge, wrong(card.pin))
    refusal(judge, wrong(card.pin))
    assert judge.pin_failures == 2
    check_pin(judge, card.pin)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Judge, judge.id).pin_failures == 0  # type: ignore[union-attr]


def test_each_wrong_pin_says_how_many_attempts_are_left(world: World) -> None:
    judge = city_judge(world)
    card = issue(world, judge)
    assert [refusal(judge, wrong(card.pin)) for _ in range(4)] == [f"PIN 不正确，还可再试 {n} 次" for n in (4, 3, 2, 1)]


def test_five_wrong_pins_lock_even_the_right_pin_until_the_lock_expires(world: World) -> None:
    judge = city_judge(world)
    card = issue(world, judge)
    for _ in range(4):
        refusal(judge, wrong(card.pin))
    assert refusal(judge, wrong(card.pin)) == "PIN 连续错误 5 次，已锁定 15 分钟，请联系工作人员"
    assert judge.pin_locked_until is not None
    assert timedelta(minutes=14) < judge.pin_locked_until - utcnow() <= timedelta(minutes=15)
    assert refusal(judge, card.pin).startswith("PIN 已锁定，请于 ")
    judge.pin_locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    check_pin(judge, card.pin)
    assert (judge.pin_failures, judge.pin_locked_until) == (0, None)


def test_after_a_lock_expires_the_count_starts_again_from_five(world: World) -> None:
    judge = city_judge(world)
    card = issue(world, judge)
    for _ in range(5):
        refusal(judge, wrong(card.pin))
    judge.pin_locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert refusal(judge, wrong(card.pin)) == "PIN 不正确，还可再试 4 次"


def test_a_failure_is_kept_even_when_the_caller_rolls_back(world: World) -> None:
    judge = city_judge(world)
    card = issue(world, judge)
    refusal(judge, wrong(card.pin))
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Judge, judge.id).pin_failures == 1  # type: ignore[union-attr]


def test_the_pin_is_compared_in_constant_time(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    judge = city_judge(world)
    card = issue(world, judge)
    calls: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(services.hmac, "compare_digest", spy)
    check_pin(judge, card.pin)
    refusal(judge, wrong(card.pin))
    assert [a == judge.pin_digest for a, _ in calls] == [True, True]
    assert calls[0][1] == services.pin_digest(judge.id, card.pin)


def test_a_judge_without_a_card_has_no_pin_to_check(world: World) -> None:
    assert refusal(city_judge(world), "123456") == "尚未发放 PIN，请向工作人员领取登录卡"


def test_reissuing_a_card_lifts_a_lock_and_retires_the_old_pin(world: World) -> None:
    judge = city_judge(world)
    old = issue(world, judge)
    for _ in range(5):
        refusal(judge, wrong(old.pin))
    new = issue(world, judge)
    assert (judge.pin_failures, judge.pin_locked_until) == (0, None)
    check_pin(judge, new.pin)
    if new.pin != old.pin:
        assert refusal(judge, old.pin) == "PIN 不正确，还可再试 4 次"


def test_unlocking_a_pin_that_is_not_locked_is_refused(world: World) -> None:
    issue(world, city_judge(world))
    with pytest.raises(DomainError, match="该评委的 PIN 未被锁定"):
        services.unlock_pin(world.users["city_organizer"], city_judge(world).id)


def test_revoking_a_card_that_was_never_issued_is_refused(world: World) -> None:
    with pytest.raises(DomainError, match="该评委没有有效的登录卡"):
        services.revoke(world.users["city_organizer"], city_judge(world).id)


def test_cards_are_not_issued_for_an_inactive_judge_or_a_closed_contest(world: World) -> None:
    city = world.users["city_organizer"]
    judge = add_judge(world, "j2", "张红梅", world.pingding)
    judge.active = False
    db.session.commit()
    with pytest.raises(DomainError, match="该评委已停用"):
        services.issue_cards(city, judge.id)
    assert [c.judge.user.display_name for c in services.issue_cards(city)] == ["评委甲"]
    world.contest.status = "closed"
    db.session.commit()
    with pytest.raises(DomainError, match="本次比武已结束"):
        services.issue_cards(city, city_judge(world).id)
