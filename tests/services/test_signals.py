"""Lower layers ask higher ones through app/signals.py: each question has its one answerer once the app is built."""

from blinker import Namespace
from flask import Flask

from app import signals
from app.accounts.models import User
from app.contests import services as contest_services
from app.entries import answers as entries
from app.judging import answers as marking
from app.notices import desk_answers as publication
from app.signals import contest_duties
from tests.factories import World


def answers(user: User) -> list[tuple[str, bool]]:
    return sorted((receiver.__name__, held) for receiver, held in contest_duties.send(user))


def test_the_judges_and_the_entries_answer_whether_an_account_holds_a_contest_duty(world: World) -> None:
    assert answers(world.users["judge"]) == [("_holds_an_entry", False), ("_is_a_judge", True)]
    assert answers(world.users["secretary"]) == [("_holds_an_entry", True), ("_is_a_judge", False)]
    assert answers(world.users["county_organizer"]) == [("_holds_an_entry", False), ("_is_a_judge", False)]


def test_each_question_is_answered_by_the_layer_that_owns_the_rows(app: Flask) -> None:
    answerers = {name: [receiver.__module__ for receiver in getattr(signals, name).receivers_for(None)]
                 for name in ("round_has_marks", "contest_has_sheets", "sheets_exist", "round_publication")}
    assert answerers == {"round_has_marks": [marking.__name__], "contest_has_sheets": [marking.__name__],
                         "sheets_exist": [marking.__name__], "round_publication": [publication.__name__]}


def test_answers_leave_out_a_receiver_with_nothing_to_say() -> None:
    asked = Namespace().signal("asked")

    def silent(sender: int) -> None:
        return None

    def doubles(sender: int) -> int:
        return sender * 2

    asked.connect(silent)
    asked.connect(doubles)
    assert signals.answers(asked, 21) == [42]


def test_a_question_nobody_answers_has_no_answers() -> None:
    assert signals.answers(Namespace().signal("unheard"), 1) == []


def test_the_entries_answer_contest_set_up_which_counts_them_and_keeps_their_groups(world: World) -> None:
    answerers = {name: [receiver.__module__ for receiver in getattr(signals, name).receivers_for(None)]
                 for name in ("entries_per_contest", "entries_per_group", "group_in_use")}
    assert answerers == {name: [entries.__name__] for name in answerers}
    by_group = contest_services.entries_by_group(world.contest.id)
    names = {group.id: group.name for group in world.contest.groups}
    in_use = {names[group_id]: any(signals.answers(signals.group_in_use, group_id)) for group_id in names}
    assert [(row.contest.name, row.entries) for row in contest_services.list_contests()] == [("2022年度大比武", 2)]
    assert {names[group_id]: count for group_id, count in by_group.items()} == {"村党组织书记组": 2}
    assert in_use == {"乡镇党委书记组": False, "村党组织书记组": True}
