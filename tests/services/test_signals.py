"""Signals by which a lower package asks the higher ones (app/signals.py): who answers, and what."""

from app.accounts.models import User
from app.signals import contest_duties
from tests.factories import World


def answers(user: User) -> list[tuple[str, bool]]:
    return sorted((receiver.__name__, held) for receiver, held in contest_duties.send(user))


def test_the_judges_and_the_entries_answer_whether_an_account_holds_a_contest_duty(world: World) -> None:
    assert answers(world.users["judge"]) == [("_holds_an_entry", False), ("_is_a_judge", True)]
    assert answers(world.users["secretary"]) == [("_holds_an_entry", True), ("_is_a_judge", False)]
    assert answers(world.users["county_organizer"]) == [("_holds_an_entry", False), ("_is_a_judge", False)]
