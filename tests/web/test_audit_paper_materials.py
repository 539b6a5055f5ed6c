"""Paper sheets and materials are covered by `flask audit verify` too: both clerks' entries, the reconciliation,
the sheet version it creates, a material's income target; a value changed behind the app in any of them is named."""

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from app.extensions import db
from app.judging.models import Mark
from app.materials.models import Material
from app.paper.models import PaperSheet, Reconciliation
from tests.conftest import login
from tests.factories import World, record_rules_of_world
from tests.paper_data import Hall
from tests.web.test_materials import PDF, send, store  # noqa: F401  (store: the fixture)
from tests.web.test_paper import hall, mismatch, post_reconcile, signed_in  # noqa: F401  (hall: the fixture)


def verify(app: Flask) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def test_a_reconciled_paper_sheet_verifies_and_each_changed_mark_is_named(ctx: Flask, hall: Hall) -> None:  # noqa: F811
    rules = record_rules_of_world()
    mismatch(ctx, hall)  # clerk: 18.5 / 17, clerk2: 18.5 / 16
    status, _ = post_reconcile(signed_in(ctx, "clerk3"), hall, ("18.5", "17"), "第2遍误录，纸质表为17")
    assert status == 200
    code, output = verify(ctx)
    assert code == 0, output
    assert f"已核对 {4 + rules} 行" in output  # the version, two entries, the reconciliation; the rules
    second = db.session.execute(select(PaperSheet).where(PaperSheet.attempt == 2)).scalar_one()
    settled = db.session.execute(select(Reconciliation)).scalar_one()
    target = str(hall.criteria[1])

    db.session.execute(text("UPDATE paper_entry SET marks = :m WHERE id = :id"),
                       {"id": second.id, "m": json.dumps(second.marks | {target: "17"})})
    db.session.commit()
    code, output = verify(ctx)
    assert code == 1
    assert f"表 paper_entry id={second.id} 字段 marks.{target}：现存 17，审计记录 16" in output
    db.session.execute(text("UPDATE paper_entry SET marks = :m WHERE id = :id"),
                       {"id": second.id, "m": json.dumps(second.marks)})

    mark = db.session.execute(select(Mark).where(Mark.version_id == settled.version_id,
                                                 Mark.criterion_id == hall.criteria[1])).scalar_one()
    db.session.execute(text("UPDATE mark SET value = 16 WHERE id = :id"), {"id": mark.id})
    db.session.commit()
    code, output = verify(ctx)
    assert code == 1
    assert f"表 mark id={mark.id} 字段 value：现存 16，审计记录 17" in output


def test_a_changed_income_target_is_named(client: FlaskClient, world: World, store: Path) -> None:  # noqa: F811
    rules = record_rules_of_world()
    login(client, "sec")
    assert send(client, world, PDF)[0] == 302
    code, output = verify(client.application)
    assert code == 0 and f"已核对 {1 + rules} 行" in output
    material_id = db.session.execute(select(Material.id)).scalar_one()
    db.session.execute(text("UPDATE material SET income_target = 9900000 WHERE id = :id"), {"id": material_id})
    db.session.commit()
    code, output = verify(client.application)
    assert code == 1
    assert f"表 material id={material_id} 字段 income_target：现存 9900000，审计记录 1200000" in output
