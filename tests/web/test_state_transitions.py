"""Each machine in its use case: a move not allowed is refused with the domain error, and nothing is stored."""

from decimal import Decimal

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import StatementError

from app.absences import services as absences
from app.adjustments import vetoes
from app.contests.models import VetoItem
from app.extensions import db
from app.judges.models import Judge
from app.judging import corrections, windows
from app.judging.models import Mark, ScoreSheet, SheetState, SheetVersion
from app.states import TransitionRefused
from tests.factories import World


def sheet_of(world: World, state: str, *, late: bool = False) -> ScoreSheet:
    """The world's judge's sheet for V001 in the plan round, in `state`, with one version (none for a draft)."""
    rnd = world.contest.rounds[0]
    judge_id = db.session.execute(select(Judge.id)).scalar_one()
    sheet = ScoreSheet(round_id=rnd.id, entry_id=world.entries["pingding"].id, judge_id=judge_id, state=state)
    if state != "draft":
        version = SheetVersion(number=1, client_token=f"token-{state}", total=Decimal(18), late=late,
                               counted=not late, source="phone", entered_by_id=world.users["judge"].id)
        version.marks = [Mark(criterion_id=rnd.criteria[0].id, value=Decimal(18))]
        sheet.versions = [version]
    db.session.add(sheet)
    db.session.commit()
    return sheet


def test_a_state_is_stored_as_its_string_and_read_back_as_the_member(world: World) -> None:
    sheet = sheet_of(world, "submitted")
    stored = db.session.execute(text("SELECT state FROM score_sheet WHERE id = :id"), {"id": sheet.id}).scalar_one()
    assert stored == "submitted" and type(stored) is str
    db.session.expire_all()
    assert db.session.get(ScoreSheet, sheet.id).state is SheetState.SUBMITTED  # type: ignore[union-attr]
    assert db.session.execute(select(ScoreSheet.id).where(ScoreSheet.state == "submitted")).scalar_one() == sheet.id


def test_a_value_that_is_no_state_is_refused_before_it_is_written(world: World) -> None:
    with pytest.raises(ValueError):
        ScoreSheet(state="done")
    sheet = sheet_of(world, "submitted")
    with pytest.raises(StatementError):  # a bulk UPDATE bypasses the model, not the column
        db.session.execute(update(ScoreSheet).where(ScoreSheet.id == sheet.id).values(state="done"))
    db.session.rollback()
    assert db.session.get(ScoreSheet, sheet.id).state is SheetState.SUBMITTED  # type: ignore[union-attr]


def test_only_a_submitted_sheet_is_reopened(world: World) -> None:
    sheet = sheet_of(world, "draft")
    with pytest.raises(TransitionRefused) as refused:
        corrections.reopen(world.users["city_organizer"], sheet.id, "评委输错")
    assert refused.value.message == "只有已提交的评分表才能重新开放"


def test_a_late_version_is_accepted_only_from_a_late_sheet(world: World) -> None:
    sheet = sheet_of(world, "submitted", late=True)  # a row no use case leaves: submitted over an uncounted version
    with pytest.raises(TransitionRefused) as refused:
        corrections.accept_late(world.users["city_organizer"], sheet.versions[0].id, "确认离线评分")
    assert refused.value.message == "评分表已是“已提交”"


def test_a_closed_window_is_not_closed_again(world: World) -> None:
    window = windows.open_window(world.users["city_organizer"], world.contest.rounds[0].id)
    windows.close_window(world.users["city_organizer"], window.id)
    with pytest.raises(TransitionRefused) as refused:
        windows.close_window(world.users["city_organizer"], window.id)
    assert refused.value.message == "评分已关闭"


def test_a_withdrawn_absence_is_not_withdrawn_again(world: World) -> None:
    organizer = world.users["city_organizer"]
    absence = absences.record_absence(organizer, world.contest.rounds[0].id, "V001", "住院")
    absences.withdraw_absence(organizer, absence.id)
    with pytest.raises(TransitionRefused) as refused:
        absences.withdraw_absence(organizer, absence.id)
    assert refused.value.message == "该缺席登记已撤销"


def test_a_retracted_veto_is_neither_decided_nor_retracted_again(world: World) -> None:
    rnd = world.contest.rounds[0]
    rnd.veto_items.append(VetoItem(name="弄虚作假", description="材料或数据造假"))
    db.session.commit()
    organizer = world.users["county_organizer"]
    veto = vetoes.propose_veto(organizer, rnd.id, world.entries["pingding"].id, rnd.veto_items[0].id, "造假")
    vetoes.retract(organizer, veto.id)
    with pytest.raises(TransitionRefused) as refused:
        vetoes.decide_veto(world.users["supervisor"], veto.id, True, "")
    assert refused.value.message == "该一票否决已撤回，不能再次处理"
    with pytest.raises(TransitionRefused) as again:
        vetoes.retract(organizer, veto.id)
    assert again.value.message == "该一票否决已撤回，不能撤回"
