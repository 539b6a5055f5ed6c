"""`flask audit verify` walks the database behind the app: a mark, a total, an adjustment, a veto, an absence, a
publication, or a rule that turns marks into totals (a round's weight, a criterion's range, an adjustment item's
points, an award band, an entry's group) changed there is named (table, id, field, stored vs recorded) and exits 1;
unchanged data, and every change made through the app, exits 0."""

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
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
from app.contests import rounds as round_rules
from app.contests.models import AdjustmentItem, Criterion, Group, Round
from app.contests.services import ContestSettings, copy_contest, set_weights, update_settings
from app.demo import services as demo
from app.demo.scoring import _contest, publish_demo_plan_round
from app.entries.models import Entry
from app.extensions import db, limiter
from app.judging.models import Mark, ScoreSheet, SheetVersion
from app.judging.sheets import StoreOptions, store_version
from app.people.records import edit_contestant, set_entry_active
from app.publication.models import Publication
from app.results.awards import BandInput, set_bands
from app.results.models import AwardBand
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
    band_id: int


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
        result_id = db.session.execute(select(Publication.id)).scalar_one()
        village = next(g for g in contest.groups if g.code == "village")
        bands = set_bands(admin, contest, village.id, [BandInput("一等奖", "count", "60"),
                                                        BandInput("二等奖", "share", "0.2")])
        yield Year(plan, corrected, adjustment.id, veto.id, absence.id, result_id, bands[1].id)
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
    # 9,765 generated versions and the correction, one adjustment, veto, absence and published version; the rules:
    # the contest, 3 rounds, 15 criteria, 2 adjustment items, 2 award bands, 651 entries
    assert "数据与审计记录一致：已核对 10444 行" in output
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
    recorded = db.session.execute(select(Publication.package_hash)).scalar_one()
    code, output = tampered(app, "UPDATE result_version SET package_hash = :forged WHERE id = :id",
                            "UPDATE result_version SET package_hash = :was WHERE id = :id",
                            {"id": year.result_id, "forged": "f" * 64, "was": recorded})
    assert code == 1
    assert f"表 result_version id={year.result_id} 字段 package_hash：现存 {'f' * 64}，审计记录 {recorded}" in output


def test_a_changed_published_package_is_named(app: Flask, year: Year) -> None:
    version = db.session.get(Publication, year.result_id)
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
    assert "数据与审计记录一致" in html and "10444" in html
    db.session.execute(text("UPDATE adjustment_record SET points = 3 WHERE id = :id"), {"id": year.adjustment_id})
    db.session.commit()
    try:
        html = client.get("/supervise/audit?check=1").get_data(as_text=True)
    finally:
        db.session.execute(text("UPDATE adjustment_record SET points = 2 WHERE id = :id"), {"id": year.adjustment_id})
        db.session.commit()
    assert f"第一处：加减分记录——表 adjustment_record id={year.adjustment_id} 字段 points：现存 3，审计记录 2" in html


# --- the rules that turn marks into totals, changed behind the app ---

def _first(model: Any) -> Any:
    return db.session.execute(select(model).order_by(model.id).limit(1)).scalar_one()


def test_round_weights_changed_behind_the_app_are_named(app: Flask, year: Year) -> None:
    """The re-test's repro: 50/10 instead of 30/30 changes every total, and nothing had recorded the weights."""
    rounds = {r.code: r for r in year.plan.contest.rounds}
    plan, service = rounds["plan"], rounds["service"]
    assert (plan.weight, service.weight) == (Decimal(30), Decimal(30))
    code, output = tampered(app, "UPDATE contest_round SET weight = CASE WHEN id = :plan THEN 50 ELSE 10 END"
                                 " WHERE id IN (:plan, :service)",
                            "UPDATE contest_round SET weight = 30 WHERE id IN (:plan, :service)",
                            {"plan": plan.id, "service": service.id})
    assert code == 1
    assert (f"数据与审计记录不符（共 2 处），第一处：表 contest_round id={plan.id} 字段 weight：现存 50，"
            "审计记录 30") in output
    assert verify(app)[0] == 0


def test_the_absent_round_rule_changed_behind_the_app_is_named(app: Flask, year: Year) -> None:
    contest_id = year.plan.contest_id
    code, output = tampered(app, "UPDATE contest SET absent_round = 'reweight' WHERE id = :id",
                            "UPDATE contest SET absent_round = 'zero' WHERE id = :id", {"id": contest_id})
    assert code == 1
    assert f"表 contest id={contest_id} 字段 absent_round：现存 reweight，审计记录 zero" in output


def test_a_criterion_maximum_changed_behind_the_app_is_named(app: Flask, year: Year) -> None:
    criterion = _first(Criterion)
    was = criterion.max_points.normalize()
    code, output = tampered(app, "UPDATE criterion SET max_points = max_points + 5 WHERE id = :id",
                            "UPDATE criterion SET max_points = max_points - 5 WHERE id = :id", {"id": criterion.id})
    assert code == 1
    assert f"表 criterion id={criterion.id} 字段 max_points：现存 {was + 5:f}，审计记录 {was:f}" in output


def test_an_adjustment_items_points_changed_behind_the_app_are_named(app: Flask, year: Year) -> None:
    item = _first(AdjustmentItem)
    was = item.points_per_unit.normalize()
    code, output = tampered(app, "UPDATE adjustment_item SET points_per_unit = 7 WHERE id = :id",
                            "UPDATE adjustment_item SET points_per_unit = :was WHERE id = :id",
                            {"id": item.id, "was": str(was)})
    assert code == 1
    assert f"表 adjustment_item id={item.id} 字段 points_per_unit：现存 7，审计记录 {was:f}" in output


def test_an_award_band_changed_behind_the_app_is_named(app: Flask, year: Year) -> None:
    code, output = tampered(app, "UPDATE award_band SET value = '0.5' WHERE id = :id",
                            "UPDATE award_band SET value = '0.2' WHERE id = :id", {"id": year.band_id})
    assert code == 1
    assert f"表 award_band id={year.band_id} 字段 value：现存 0.5，审计记录 0.2" in output


def test_an_entry_moved_to_another_group_behind_the_app_is_named(app: Flask, year: Year) -> None:
    entry = db.session.execute(select(Entry).where(Entry.public_number == "T01")).scalar_one()
    village = db.session.execute(select(Group.id).where(Group.contest_id == entry.contest_id,
                                                        Group.code == "village")).scalar_one()
    code, output = tampered(app, "UPDATE entry SET group_id = :village WHERE id = :id",
                            "UPDATE entry SET group_id = :was WHERE id = :id",
                            {"id": entry.id, "village": village, "was": entry.group_id})
    assert code == 1
    assert f"表 entry id={entry.id} 字段 group_id：现存 {village}，审计记录 {entry.group_id}" in output


def test_a_band_deleted_behind_the_app_is_named(app: Flask, year: Year) -> None:
    band = db.session.get(AwardBand, year.band_id)
    assert band is not None
    params = {"id": band.id, "contest": band.contest_id, "group": band.group_id, "position": band.position,
              "name": band.name, "kind": band.kind, "value": band.value}
    code, output = tampered(app, "DELETE FROM award_band WHERE id = :id",
                            "INSERT INTO award_band (id, contest_id, group_id, position, name, kind, value)"
                            " VALUES (:id, :contest, :group, :position, :name, :kind, :value)", params)
    assert code == 1
    assert f"表 award_band id={band.id} 字段 （行）：现存 已不存在，审计记录 审计事件记录了此行" in output


def test_every_change_of_the_rules_through_the_app_is_recorded(app: Flask, year: Year) -> None:
    """Last in the module (it changes the data): a copied contest, its settings, weights, round settings, criteria,
    items and bands, an entry withdrawn, restored and handed over — each path records what verify compares."""
    admin = _user("admin")
    copy = copy_contest(admin, year.plan.contest_id, 2023, "2023年度大比武")
    plan, service, results = sorted(copy.rounds, key=lambda r: r.position)
    update_settings(admin, copy.id, ContestSettings("2023年度大比武", 2023, "draft", 3, "reweight", "dense",
                                                    ["results", "plan"]))
    set_weights(admin, copy.id, {plan.id: Decimal(20), service.id: Decimal(35), results.id: Decimal(45)})
    settings = replace(round_rules.RoundSettings(**{k: getattr(plan, k) for k in (
        "name", "mode", "starts_on", "ends_on", "venue", "panel_method", "trim", "trim_from", "min_judges",
        "normalize", "deviation_points", "deviation_share")}), venue="", trim=0, deviation_points=None,
        deviation_share=Decimal("0.25"))
    round_rules.update_round(admin, plan.id, settings)
    added = round_rules.add_criterion(admin, plan.id, round_rules.CriterionInput("创新", "", Decimal(0), Decimal(10),
                                                                                  Decimal("0.5")))
    round_rules.update_criterion(admin, plan.criteria[0].id, round_rules.CriterionInput(
        plan.criteria[0].name, "", Decimal(1), Decimal(19), Decimal("0.5")))
    round_rules.remove_criterion(admin, added.id)
    item = round_rules.add_adjustment(admin, results.id, round_rules.AdjustmentInput(
        "超时", "penalty", "", "秒", Decimal(30), Decimal("-0.5"), Decimal(2)))
    round_rules.remove_adjustment(admin, item.id)
    village = next(g for g in copy.groups if g.code == "village")
    set_bands(admin, copy, village.id, [BandInput("一等奖", "count", "50")])
    set_bands(admin, copy, village.id, [BandInput("一等奖", "count", "40"), BandInput("优秀奖", "min_total", "80")])
    entry = db.session.execute(select(Entry).where(Entry.public_number == "V002")).scalar_one()
    set_entry_active(admin, entry.id, False)
    set_entry_active(admin, entry.id, True)
    edit_contestant(admin, entry.id, {"书记姓名": "接任书记", "手机号": "13935309999", "身份证号": "", "子组别": ""})
    code, output = verify(app)
    assert code == 0, output
    # the copy: the contest, 3 rounds and 15 criteria, its 2 items; 2 award bands (the first set's one removed)
    assert "数据与审计记录一致：已核对 10467 行" in output
