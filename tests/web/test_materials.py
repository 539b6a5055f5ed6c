"""Contestants' materials: PDF by content, 20 MB, replaceable until the round starts, who may read them."""

import hashlib
import io
import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.entries.models import EntryHolder
from app.extensions import db
from app.judges.models import Judge
from app.materials import services
from app.materials.models import Material
from app.panels.models import Assignment, Panel
from tests.conftest import csrf_from, login
from tests.factories import World

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PDF2 = b"%PDF-1.7\n% second version\n%%EOF"


@pytest.fixture()
def store(ctx: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "materials"
    monkeypatch.setitem(ctx.config, "MATERIALS_DIR", str(folder))
    return folder


def url(world: World, code: str = "plan", entry: str = "pingding") -> str:
    rnd = next(r for r in world.contest.rounds if r.code == code)
    return f"/me/materials/entries/{world.entries[entry].id}/rounds/{rnd.id}"


def send(client: FlaskClient, world: World, content: bytes, target: str | None = "1200000", code: str = "plan",
         name: str = "规划.pdf", entry: str = "pingding") -> tuple[int, str]:
    token = csrf_from(client.get(url(world, code)).get_data(as_text=True))
    data: dict[str, object] = {"csrf_token": token, "file": (io.BytesIO(content), name)}
    if target is not None:
        data["income_target"] = target
    response = client.post(url(world, code, entry), data=data, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def stored(folder: Path) -> list[str]:
    return sorted(os.listdir(folder)) if folder.exists() else []


def rows() -> int:
    return db.session.execute(select(func.count(Material.id))).scalar_one()


def starts(world: World, day: date | None, code: str = "plan") -> None:
    next(r for r in world.contest.rounds if r.code == code).starts_on = day
    db.session.commit()


def test_a_secretary_uploads_the_plan_with_the_income_target(client: FlaskClient, world: World, store: Path) -> None:
    login(client, "sec")
    status, _ = send(client, world, PDF)
    assert status == 302
    material = db.session.execute(select(Material)).scalar_one()
    digest = hashlib.sha256(PDF).hexdigest()
    assert (material.version, material.size, material.sha256, material.original_name, material.income_target) == (
        1, len(PDF), digest, "规划.pdf", Decimal("1200000.00"))
    assert stored(store) == [f"{digest}.pdf"] and (store / f"{digest}.pdf").read_bytes() == PDF
    assert "本年度收入目标：<strong class=\"num-plain\">1,200,000.00</strong> 元" in client.get(url(world)).get_data(
        as_text=True)
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "material_uploaded")).scalar_one()
    assert event.after == {"round": material.round_id, "entry": material.entry_id, "version": 1, "sha256": digest,
                           "size": len(PDF), "original_name": "规划.pdf", "income_target": "1200000.00"}


@pytest.mark.parametrize(("content", "name"), [
    (b"%PDF-1.4\nno end marker", "fake.pdf"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100 + b"%%EOF", "photo.pdf"),
    (b"PK\x03\x04 a zip with %PDF- inside %%EOF", "plan.docx"),
])
def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_stored(client: FlaskClient, world: World, store: Path,
                                                                   content: bytes, name: str) -> None:
    login(client, "sec")
    status, page = send(client, world, content, name=name)
    assert status == 400 and "文件不是有效的 PDF" in page
    assert (rows(), stored(store)) == (0, [])


def test_a_pdf_over_20_mb_is_refused_and_nothing_is_stored(client: FlaskClient, world: World, store: Path) -> None:
    login(client, "sec")
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024 - 14) + b"%%EOF\n"
    assert len(big) == 20 * 1024 * 1024 + 1
    status, page = send(client, world, big)
    assert status == 413 and "文件超过 20 MB" in page
    assert (rows(), stored(store)) == (0, [])


def test_a_body_far_over_the_limit_is_refused_from_its_length(client: FlaskClient, world: World, store: Path) -> None:
    login(client, "sec")
    status, page = send(client, world, b"%PDF-" + b"0" * (21 * 1024 * 1024) + b"%%EOF")
    assert status == 413 and "文件超过 20 MB，请压缩后重新上传（如降低图片分辨率后另存为 PDF）。本次提交未保存" in page
    assert 'enctype="multipart/form-data"' in page and 'data-max-bytes="20971520"' in page  # the form again
    assert (rows(), stored(store)) == (0, [])


def test_a_replacement_before_the_round_starts_is_a_new_version(client: FlaskClient, world: World,
                                                                store: Path) -> None:
    starts(world, services.today() + timedelta(days=1))
    login(client, "sec")
    assert send(client, world, PDF)[0] == 302
    assert send(client, world, PDF2, target="1500000.5")[0] == 302
    versions = db.session.execute(select(Material).order_by(Material.version)).scalars().all()
    assert [(m.version, m.size, m.income_target, m.supersedes_id) for m in versions] == [
        (1, len(PDF), Decimal("1200000.00"), None), (2, len(PDF2), Decimal("1500000.50"), versions[0].id)]
    assert len(stored(store)) == 2
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "material_replaced")).scalar_one()
    assert (event.before["version"], event.after["version"]) == (1, 2)


def test_no_upload_is_taken_once_the_round_has_started(client: FlaskClient, world: World, store: Path) -> None:
    starts(world, services.today())
    login(client, "sec")
    assert "材料不能再上传或更换" in client.get(url(world)).get_data(as_text=True)
    status, page = send(client, world, PDF)
    assert status == 400 and "开始，材料不能再上传或更换" in page
    assert (rows(), stored(store)) == (0, [])


@pytest.mark.parametrize(("target", "message"), [
    (None, "请填写本年度村集体经济收入目标（元）"),
    ("-1", "收入目标须大于 0（单位为元）"),
    ("0", "收入目标须大于 0（单位为元）"),
    ("100.005", "收入目标最多保留 2 位小数"),
    ("十万", "请填写数字"),
])
def test_the_plan_round_needs_a_valid_income_target(client: FlaskClient, world: World, store: Path,
                                                    target: str | None, message: str) -> None:
    login(client, "sec")
    status, page = send(client, world, PDF, target=target)
    assert status == 400 and message in page
    assert (rows(), stored(store)) == (0, [])


def test_other_rounds_take_no_income_target(client: FlaskClient, world: World, store: Path) -> None:
    login(client, "sec")
    assert send(client, world, PDF, target="500", code="results")[0] == 302
    assert db.session.execute(select(Material.income_target)).scalar_one() is None


def test_a_secretary_cannot_reach_another_entry(client: FlaskClient, world: World, store: Path) -> None:
    login(client, "sec")
    assert client.get(url(world, entry="yuxian")).status_code == 404
    assert send(client, world, PDF, entry="yuxian")[0] == 404
    assert client.get(f"/me/materials/entries/{world.entries['yuxian'].id}").status_code == 404
    assert (rows(), stored(store)) == (0, [])


def test_a_former_holder_cannot_upload_any_more(client: FlaskClient, world: World, store: Path) -> None:
    secretary = world.users["secretary"]
    holder = db.session.execute(select(EntryHolder).where(EntryHolder.user_id == secretary.id)).scalar_one()
    holder.ended_on = date(2022, 2, 1)
    db.session.commit()
    login(client, "sec")
    assert client.get(url(world)).status_code == 404
    assert "暂未关联参赛单位" in client.get("/me/materials/").get_data(as_text=True)


def uploaded(world: World) -> Material:
    rnd = world.contest.rounds[0]
    data = services.Upload("规划.pdf", PDF, Decimal("1200000"))
    return services.upload(world.users["secretary"], world.entries["pingding"].id, rnd.id, data)


def assign(world: World) -> None:
    rnd = world.contest.rounds[0]
    judge = db.session.execute(select(Judge)).scalar_one()
    village = next(g for g in world.contest.groups if g.code == "village")
    panel = Panel(round_id=rnd.id, group_id=village.id, name="路演评委组")
    db.session.add(panel)
    db.session.flush()
    db.session.add(Assignment(round_id=rnd.id, panel_id=panel.id, judge_id=judge.id,
                              entry_id=world.entries["pingding"].id))
    db.session.commit()


def test_a_judge_reads_the_material_only_when_assigned(client: FlaskClient, world: World, store: Path) -> None:
    material = uploaded(world)
    login(client, "judge")
    path = f"/judge/materials/{material.round_id}/{material.entry_id}"
    refused = client.get(path)
    assert refused.status_code == 403 and "该参赛人未分配给您评分" in refused.get_data(as_text=True)
    assign(world)
    response = client.get(path)
    assert (response.status_code, response.mimetype, response.data) == (200, "application/pdf", PDF)


def test_organizers_read_their_countys_materials_and_supervisors_all(app: Flask, world: World, store: Path) -> None:
    material = uploaded(world)
    tail = f"{material.round_id}/{material.entry_id}"
    for username, prefix, expected in (("yxorg", "/organize", 404), ("pdorg", "/organize", 200),
                                       ("city", "/organize", 200), ("sup", "/supervise", 200)):
        client = app.test_client()
        login(client, username)
        assert client.get(f"{prefix}/materials/{tail}").status_code == expected, username
    client = app.test_client()
    login(client, "pdorg")
    page = client.get(f"/organize/materials/rounds/{material.round_id}").get_data(as_text=True)
    assert "已上传 1 / 1" in page and "1,200,000.00" in page


def test_each_staff_overview_links_the_pdf_under_its_own_prefix(app: Flask, world: World, store: Path) -> None:
    material = uploaded(world)
    tail = f"{material.round_id}/{material.entry_id}"
    for username, prefix in (("city", "/organize"), ("sup", "/supervise")):
        client = app.test_client()
        login(client, username)
        page = client.get(f"{prefix}/materials/rounds/{material.round_id}").get_data(as_text=True)
        assert "已上传 1 / 2" in page and f'href="{prefix}/materials/{tail}"' in page, username
        other = "/supervise" if prefix == "/organize" else "/organize"
        assert f'href="{other}/materials/' not in page, username
        response = client.get(f"{prefix}/materials/{tail}")
        assert (response.status_code, response.data) == (200, PDF), username


def test_material_for_gives_plain_values_for_the_judges_sheet(app: Flask, world: World, store: Path) -> None:
    rnd, entry = world.contest.rounds[0], world.entries["pingding"]
    assert services.material_for(rnd.id, entry.id) is None
    with app.test_request_context("/"):
        assert "参赛人尚未上传材料" in render_template("materials/_for_judge.html", material=None)
    material = uploaded(world)
    with app.test_request_context("/"):
        values = services.material_for(rnd.id, entry.id)
        assert values == {"url": f"/judge/materials/{rnd.id}/{entry.id}", "uploaded_at": values["uploaded_at"],
                          "size": "1 KB", "version": 1, "income_target": "1200000.00"}
        assert values["uploaded_at"] == services.format_local(material.uploaded_at)
        html = render_template("materials/_for_judge.html", material=values)
    assert f'href="/judge/materials/{rnd.id}/{entry.id}"' in html
    assert '本年度收入目标：<span class="num-plain">1,200,000.00</span> 元' in html



@pytest.mark.parametrize("day", [None, "future"])
def test_no_material_nor_income_target_is_taken_once_the_contest_has_ended(
        client: FlaskClient, world: World, store: Path, day: str | None) -> None:
    # A round without dates (or dated later) never "starts": the ended contest alone must refuse the upload.
    starts(world, None if day is None else services.today() + timedelta(days=30))
    world.contest.status = "closed"
    db.session.commit()
    login(client, "sec")
    status, page = send(client, world, PDF)
    assert status == 400 and "本次比武已结束：“2022年度大比武”的评分、名单和设置都不能再修改" in page
    assert (rows(), stored(store)) == (0, [])
    assert db.session.execute(select(AuditEvent.id).where(AuditEvent.object_type == "material")).first() is None
