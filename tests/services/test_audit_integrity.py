"""`flask audit verify` walks the database behind the app: a mark, a total, an adjustment, a veto, an absence or a
publication changed there is named (table, id, field, stored vs recorded) and exits 1; unchanged data exits 0."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from app.absences.services import record_absence
from app.accounts.models import User
from app.adjustments.services import AdjustmentInput, record_adjustment
from app.adjustments.vetoes import decide_veto, propose_veto
from app.contests.models import Round
from app.demo import services as demo
from app.demo.scoring import _contest, publish_demo_plan_round
from app.entries.models import Entry
from app.extensions import db, limiter
from app.judging.models import Mark, ScoreSheet, SheetVersion
from app.judging.sheets import StoreOptions, store_version
from app.results.models import ResultVersion
from tests.conftest import FAST_HASH, empty_tables, login

DEMO_PASSWORD = "Demo@2022"


@dataclass(frozen=True)
class Year:
    """The demo with its published plan round, a corrected sheet and one of each covered record."""

    plan: Round
    corrected: SheetVersion
    adjustment_id: int
    veto_id: int
    absence_id: int
    result_id: int


def _user(name: str) -> User:
    return db.session.execute(select(User).where(User.username == name)).scalar_one()


@pytest.fixture(scope="module")
def year(app: Flask) -> Iterator[Year]:
    with app.app_context():
        empty_tables()
        limiter.reset()
        demo.load(FAST_HASH)
        publish_demo_plan_round()
        contest, plan = _contest()
        rounds = {r.code: r for r in contest.rounds}
        admin, supervisor = _user("admin"), _user("sup1")
        sheet = db.session.execute(select(ScoreSheet).order_by(ScoreSheet.id).limit(1)).scalar_one()
        marks = {m.criterion_id: m.value for m in sheet.versions[-1].marks}
        marks[min(marks)] -= Decimal("0.5")
        corrected = store_version(sheet, sheet.round_id, sheet.entry_id, sheet.judge_id, marks, "", StoreOptions(
            client_token="integrity-correction", source="phone", entered_by_id=admin.id))
        db.session.commit()
        entries = db.session.execute(select(Entry).order_by(Entry.id).limit(2)).scalars().all()
        results = rounds["results"]
        adjustment = record_adjustment(admin, results.id, entries[0].id, AdjustmentInput(
            results.adjustment_items[0].id, Decimal(2), "市级表彰两项"))
        veto = propose_veto(admin, rounds["service"].id, entries[0].id, rounds["service"].veto_items[0].id, "违规举债")
        decide_veto(supervisor, veto.id, True, "")
        absence = record_absence(admin, rounds["service"].id, entries[1].public_number, "因公出差")
        result_id = db.session.execute(select(ResultVersion.id)).scalar_one()
        yield Year(plan, corrected, adjustment.id, veto.id, absence.id, result_id)
        db.session.remove()


def verify(app: Flask) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def tampered(app: Flask, change: str, undo: str, params: dict[str, Any]) -> tuple[int, str]:
    """Verify's exit code and output with one change made behind the app; the data is put back afterwards."""
    db.session.execute(text(change), params)
    db.session.commit()
    try:
        return verify(app)
    finally:
        db.session.execute(text(undo), params)
        db.session.commit()


def test_unchanged_data_exits_0_with_every_covered_row_checked(app: Flask, year: Year) -> None:
    code, output = verify(app)
    assert code == 0, output
    # 9,765 generated versions and the correction, one adjustment, veto, absence and published version
    assert "数据与审计记录一致：已核对 9770 行" in output
    assert "审计日志哈希链完整" in output


def first_mark(version_id: int) -> Mark:
    return db.session.execute(select(Mark).where(Mark.version_id == version_id).order_by(Mark.id).limit(1)).scalar_one()


def test_a_changed_mark_is_named(app: Flask, year: Year) -> None:
    mark = first_mark(year.corrected.id)
    was = mark.value
    code, output = tampered(app, "UPDATE mark SET value = value + 1 WHERE id = :id",
                            "UPDATE mark SET value = value - 1 WHERE id = :id", {"id": mark.id})
    assert code == 1
    assert (f"数据与审计记录不符（共 1 处），第一处：表 mark id={mark.id} 字段 value：现存 {(was + 1).normalize():f}，"
            f"审计记录 {was.normalize():f}") in output
    assert verify(app)[0] == 0


def test_a_changed_mark_of_a_generated_sheet_is_named(app: Flask, year: Year) -> None:
    version_id = db.session.execute(select(SheetVersion.id).order_by(SheetVersion.id.desc()).offset(5)
                                    .limit(1)).scalar_one()
    mark = first_mark(version_id)
    code, output = tampered(app, "UPDATE mark SET value = 3 WHERE id = :id",
                            "UPDATE mark SET value = :v WHERE id = :id", {"id": mark.id, "v": str(mark.value)})
    assert code == 1
    assert f"表 mark id={mark.id} 字段 value：现存 3，审计记录 {mark.value.normalize():f}" in output


def test_a_changed_sheet_total_is_named(app: Flask, year: Year) -> None:
    total = year.corrected.total
    code, output = tampered(app, "UPDATE sheet_version SET total = 99 WHERE id = :id",
                            "UPDATE sheet_version SET total = :t WHERE id = :id",
                            {"id": year.corrected.id, "t": str(total)})
    assert code == 1
    assert f"表 sheet_version id={year.corrected.id} 字段 total：现存 99，审计记录 {total.normalize():f}" in output


def test_a_deleted_mark_is_named_on_its_version(app: Flask, year: Year) -> None:
    mark = first_mark(year.corrected.id)
    params = {"id": mark.id, "v": str(mark.value), "version": mark.version_id, "criterion": mark.criterion_id}
    code, output = tampered(app, "DELETE FROM mark WHERE id = :id",
                            "INSERT INTO mark (id, version_id, criterion_id, value)"
                            " VALUES (:id, :version, :criterion, :v)", params)
    assert code == 1
    assert (f"表 sheet_version id={year.corrected.id} 字段 marks.{mark.criterion_id}：现存 （无），"
            f"审计记录 {mark.value.normalize():f}") in output


def test_a_sheet_moved_to_another_contestant_is_named(app: Flask, year: Year) -> None:
    sheet = year.corrected.sheet
    other = db.session.execute(select(Entry.id).where(Entry.id != sheet.entry_id).order_by(Entry.id.desc())
                               .limit(1)).scalar_one()
    code, output = tampered(app, "UPDATE score_sheet SET entry_id = :other WHERE id = :id",
                            "UPDATE score_sheet SET entry_id = :was WHERE id = :id",
                            {"id": sheet.id, "other": other, "was": sheet.entry_id})
    assert code == 1
    assert f"表 score_sheet id={sheet.id} 字段 entry_id：现存 {other}，审计记录 {sheet.entry_id}" in output


def test_a_changed_adjustment_is_named(app: Flask, year: Year) -> None:
    code, output = tampered(app, "UPDATE adjustment_record SET points = 3 WHERE id = :id",
                            "UPDATE adjustment_record SET points = 2 WHERE id = :id", {"id": year.adjustment_id})
    assert code == 1
    assert f"表 adjustment_record id={year.adjustment_id} 字段 points：现存 3，审计记录 2" in output


def test_a_changed_veto_decision_is_named(app: Flask, year: Year) -> None:
    code, output = tampered(app, "UPDATE veto_record SET state = 'rejected' WHERE id = :id",
                            "UPDATE veto_record SET state = 'confirmed' WHERE id = :id", {"id": year.veto_id})
    assert code == 1
    assert f"表 veto_record id={year.veto_id} 字段 state：现存 rejected，审计记录 confirmed" in output


def test_a_withdrawn_absence_behind_the_app_is_named(app: Flask, year: Year) -> None:
    code, output = tampered(app, "UPDATE round_absence SET in_effect = NULL WHERE id = :id",
                            "UPDATE round_absence SET in_effect = :yes WHERE id = :id",
                            {"id": year.absence_id, "yes": True})
    assert code == 1
    assert f"表 round_absence id={year.absence_id} 字段 in_effect：现存 False，审计记录 True" in output


def test_a_changed_publication_row_is_named(app: Flask, year: Year) -> None:
    recorded = db.session.execute(select(ResultVersion.package_hash)).scalar_one()
    code, output = tampered(app, "UPDATE result_version SET package_hash = :forged WHERE id = :id",
                            "UPDATE result_version SET package_hash = :was WHERE id = :id",
                            {"id": year.result_id, "forged": "f" * 64, "was": recorded})
    assert code == 1
    assert f"表 result_version id={year.result_id} 字段 package_hash：现存 {'f' * 64}，审计记录 {recorded}" in output


def test_a_changed_published_package_is_named(app: Flask, year: Year) -> None:
    version = db.session.get(ResultVersion, year.result_id)
    assert version is not None
    package = json.loads(json.dumps(version.package))
    first = package["result"]["contestants"][0]
    first["rank"], recorded = 1 if first["rank"] != 1 else 2, version.package_hash
    code, output = tampered(app, "UPDATE result_version SET package = :forged WHERE id = :id",
                            "UPDATE result_version SET package = :was WHERE id = :id",
                            {"id": year.result_id, "forged": json.dumps(package), "was": json.dumps(version.package)})
    assert code == 1
    assert f"表 result_version id={year.result_id} 字段 package：现存 " in output
    assert f"审计记录 {recorded}" in output


def test_a_version_added_behind_the_app_has_no_event(app: Flask, year: Year) -> None:
    sheet = year.corrected.sheet
    params = {"sheet": sheet.id, "user": year.corrected.entered_by_id}
    db.session.execute(text(
        "INSERT INTO sheet_version (sheet_id, number, client_token, total, comment, source, entered_by_id,"
        " confirmed_at, deviation_flag, late, counted, reason) VALUES (:sheet, 3, 'forged-version-3', 20, '',"
        " 'phone', :user, '2022-03-15 02:00:00', :no, :no, :yes, '')"), params | {"no": False, "yes": True})
    db.session.commit()
    forged = db.session.execute(select(SheetVersion.id).where(SheetVersion.client_token == "forged-version-3")
                                ).scalar_one()
    try:
        code, output = verify(app)
    finally:
        db.session.execute(text("DELETE FROM sheet_version WHERE id = :id"), {"id": forged})
        db.session.commit()
    assert code == 1
    assert f"表 sheet_version id={forged} 字段 （审计事件）：现存 本行，审计记录 无对应的审计事件" in output


def test_the_supervisor_page_runs_the_same_check(app: Flask, year: Year) -> None:
    client: FlaskClient = app.test_client()
    login(client, "sup1", DEMO_PASSWORD)
    html = client.get("/supervise/audit?check=1").get_data(as_text=True)
    assert "数据与审计记录一致" in html and "9770" in html
    db.session.execute(text("UPDATE adjustment_record SET points = 3 WHERE id = :id"), {"id": year.adjustment_id})
    db.session.commit()
    try:
        html = client.get("/supervise/audit?check=1").get_data(as_text=True)
    finally:
        db.session.execute(text("UPDATE adjustment_record SET points = 2 WHERE id = :id"), {"id": year.adjustment_id})
        db.session.commit()
    assert f"第一处：加减分记录——表 adjustment_record id={year.adjustment_id} 字段 points：现存 3，审计记录 2" in html
