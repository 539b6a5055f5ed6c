"""Vetoes are versioned: a withdrawal is a new version which, like a veto, counts only once a supervisor confirms it."""

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text, update
from sqlalchemy.orm.attributes import set_committed_value

from app.adjustments import services, vetoes
from app.adjustments.models import VetoRecord
from app.audit.models import AuditEvent
from app.contests.models import VetoItem
from app.errors import DomainError
from app.extensions import db
from app.results.services import preview
from tests.conftest import MIGRATIONS, login, wipe_schema
from tests.factories import World, build_world
from tests.web.test_results import scored  # noqa: F401 (a fixture)

ADJ = "/organize/adjustments"
V001 = [{"contestant": "V001", "reason": "弄虚作假"}]


@pytest.fixture()
def vetoable(scored: World) -> World:  # noqa: F811
    """Both village contestants scored in the plan round (V001 18.17, V002 15.50), which has one veto item."""
    scored.contest.rounds[0].veto_items.append(VetoItem(name="弄虚作假", description="材料或数据造假"))
    db.session.commit()
    return scored


def ids(world: World) -> tuple[int, int, int]:
    rnd = world.contest.rounds[0]
    return rnd.id, world.entries["pingding"].id, rnd.veto_items[0].id


def browser(client: FlaskClient, username: str) -> tuple[FlaskClient, str]:
    """Another browser, signed in as username, and its CSRF token."""
    other = client.application.test_client()
    return other, login(other, username)


def propose(client: FlaskClient, token: str, world: World, reason: str = "年度目标数据造假") -> int:
    round_id, entry_id, item_id = ids(world)
    return client.post(f"{ADJ}/rounds/{round_id}/entries/{entry_id}/vetoes",
                       data={"csrf_token": token, "item_id": item_id, "reason": reason}).status_code


def ask_withdrawal(client: FlaskClient, token: str, veto_id: int, reason: str = "复核认定不属实") -> Any:
    return client.post(f"{ADJ}/vetoes/{veto_id}/withdrawal", data={"csrf_token": token, "reason": reason})


def decide(client: FlaskClient, token: str, veto_id: int, how: str, note: str = "") -> int:
    return client.post(f"/supervise/vetoes/{veto_id}/{how}", data={"csrf_token": token, "note": note}).status_code


def latest() -> VetoRecord:
    return db.session.execute(select(VetoRecord).order_by(VetoRecord.id.desc()).limit(1)).scalar_one()


def versions() -> list[tuple[int, bool, str]]:
    rows = db.session.execute(select(VetoRecord).order_by(VetoRecord.version)).scalars()
    return [(v.version, v.withdrawn, v.state) for v in rows]


def standing(world: World) -> dict[str, tuple[str, int | None, bool]]:
    """The plan round's result now: total, rank, vetoed per contestant."""
    result = preview(world.contest.id, "round:plan").result
    assert result is not None
    return {c["id"]: (c["total"], c["rank"], c["vetoed"]) for c in result["contestants"]}


def actions() -> list[str]:
    return list(db.session.execute(select(AuditEvent.action).where(AuditEvent.object_type == "veto_record")
                                   .order_by(AuditEvent.id)).scalars())


def confirmed_veto(world: World) -> VetoRecord:
    round_id, entry_id, item_id = ids(world)
    veto = vetoes.propose_veto(world.users["county_organizer"], round_id, entry_id, item_id, "年度目标数据造假")
    return vetoes.decide_veto(world.users["supervisor"], veto.id, True, "")


def test_a_veto_and_its_withdrawal_each_count_only_once_confirmed(client: FlaskClient, vetoable: World) -> None:
    round_id = ids(vetoable)[0]
    organizer, org_token = browser(client, "pdorg")
    supervisor, sup_token = browser(client, "sup")
    free = {"V001": ("18.17", 1, False), "V002": ("15.50", 2, False)}
    form = organizer.get(f"{ADJ}/rounds/{round_id}/entries/{ids(vetoable)[1]}").get_data(as_text=True)
    assert '<label class="form-label" for="veto-item">一票否决事项</label>' in form  # not the adjustment's item_id
    assert propose(organizer, org_token, vetoable) == 302
    review = supervisor.get("/supervise/vetoes/").get_data(as_text=True)  # 确认生效 asks before it takes effect
    asked = "确认对 V001 平定县冠山镇西关村 一票否决？确认后即时生效，该参赛人退出本次比武排名。"
    assert f'data-confirm="{asked}"' in review
    veto = latest()
    assert services.scoring_vetoes(round_id) == [] and standing(vetoable) == free
    assert decide(supervisor, sup_token, veto.id, "confirm") == 302
    assert preview(vetoable.contest.id, "round:plan").input["rounds"][0]["vetoes"] == V001
    out = {"V001": ("0.00", None, True), "V002": ("15.50", 1, False)}
    assert standing(vetoable) == out

    assert ask_withdrawal(organizer, org_token, veto.id).status_code == 302
    withdrawal = latest()
    assert (withdrawal.version, withdrawal.withdrawn, withdrawal.state, withdrawal.reason) == (
        2, True, "proposed", "复核认定不属实")
    assert services.scoring_vetoes(round_id) == V001 and standing(vetoable) == out  # still in force
    assert decide(supervisor, sup_token, withdrawal.id, "confirm", "经复核同意撤销") == 302
    assert services.scoring_vetoes(round_id) == [] and standing(vetoable) == free
    assert versions() == [(1, False, "confirmed"), (2, True, "confirmed")]
    db.session.refresh(veto)
    assert (veto.state, veto.reason) == ("confirmed", "年度目标数据造假")  # what version 1 said is kept

    assert actions() == ["veto_proposed", "veto_confirmed", "veto_withdrawal_proposed", "veto_withdrawal_confirmed"]
    asked, confirmed = db.session.execute(select(AuditEvent).where(AuditEvent.action.like("veto_withdrawal_%"))
                                          .order_by(AuditEvent.id)).scalars().all()
    assert (asked.before["version"], asked.before["state"], asked.before["withdrawn"]) == (1, "confirmed", False)
    assert (asked.after["version"], asked.after["state"], asked.after["withdrawn"], asked.after["reason"]) == (
        2, "proposed", True, "复核认定不属实")
    assert (confirmed.before["state"], confirmed.after["state"], confirmed.after["decision_note"]) == (
        "proposed", "confirmed", "经复核同意撤销")
    assert confirmed.after["decided_by"] == vetoable.users["supervisor"].id

    assert propose(organizer, org_token, vetoable, "再次核实确有造假") == 302  # a new veto is version 3
    assert versions()[-1] == (3, False, "proposed") and services.scoring_vetoes(round_id) == []


def test_a_rejected_withdrawal_leaves_the_veto_in_force(client: FlaskClient, vetoable: World) -> None:
    veto = confirmed_veto(vetoable)
    organizer, org_token = browser(client, "city")
    supervisor, sup_token = browser(client, "sup")
    assert ask_withdrawal(organizer, org_token, veto.id).status_code == 302
    withdrawal = latest()
    assert decide(supervisor, sup_token, withdrawal.id, "reject") == 400  # a rejection needs a note
    assert decide(supervisor, sup_token, withdrawal.id, "reject", "证据充分，维持否决") == 302
    assert versions() == [(1, False, "confirmed"), (2, True, "rejected")]
    assert services.scoring_vetoes(ids(vetoable)[0]) == V001
    assert standing(vetoable)["V001"] == ("0.00", None, True)
    assert actions()[-1] == "veto_withdrawal_rejected"
    assert ask_withdrawal(organizer, org_token, veto.id, "新证据").status_code == 302  # may be asked again
    assert versions()[-1] == (3, True, "proposed")


def test_only_one_proposal_waits_at_a_time(client: FlaskClient, vetoable: World) -> None:
    organizer, token = browser(client, "pdorg")
    assert propose(organizer, token, vetoable) == 302
    response = organizer.post(f"{ADJ}/rounds/{ids(vetoable)[0]}/entries/{ids(vetoable)[1]}/vetoes",
                              data={"csrf_token": token, "item_id": ids(vetoable)[2], "reason": "重复"})
    assert response.status_code == 400
    assert "该参赛人的“弄虚作假”已有一项待监督员确认的一票否决" in response.get_data(as_text=True)
    vetoes.decide_veto(vetoable.users["supervisor"], latest().id, True, "")
    veto = latest()
    again = organizer.post(f"{ADJ}/rounds/{ids(vetoable)[0]}/entries/{ids(vetoable)[1]}/vetoes",
                           data={"csrf_token": token, "item_id": ids(vetoable)[2], "reason": "重复"})
    assert again.status_code == 400 and "一票否决已生效，不能重复提出" in again.get_data(as_text=True)
    assert ask_withdrawal(organizer, token, veto.id).status_code == 302
    second = ask_withdrawal(organizer, token, veto.id, "另一理由")
    assert second.status_code == 400
    assert "已有一项待监督员确认的撤销否决申请" in second.get_data(as_text=True)
    assert versions() == [(1, False, "confirmed"), (2, True, "proposed")]


def test_a_withdrawal_needs_a_reason_of_at_most_300_characters(client: FlaskClient, vetoable: World) -> None:
    veto = confirmed_veto(vetoable)
    organizer, token = browser(client, "pdorg")
    empty = ask_withdrawal(organizer, token, veto.id, "")
    assert empty.status_code == 400 and "请填写撤销理由" in empty.get_data(as_text=True)
    assert '<details class="mt-2" open>' in empty.get_data(as_text=True)  # the form stays open with its error
    assert ask_withdrawal(organizer, token, veto.id, "误" * 301).status_code == 400
    assert versions() == [(1, False, "confirmed")]
    assert ask_withdrawal(organizer, token, veto.id, "误" * 300).status_code == 302
    assert len(latest().reason) == 300


def test_only_the_veto_in_force_can_be_withdrawn(client: FlaskClient, vetoable: World) -> None:
    round_id, entry_id, item_id = ids(vetoable)
    pending = vetoes.propose_veto(vetoable.users["county_organizer"], round_id, entry_id, item_id, "待定")
    organizer, token = browser(client, "pdorg")
    response = ask_withdrawal(organizer, token, pending.id)
    assert response.status_code == 400
    assert "该参赛人的“弄虚作假”已有一项待监督员确认的一票否决" in response.get_data(as_text=True)
    vetoes.decide_veto(vetoable.users["supervisor"], pending.id, False, "证据不足")
    rejected = ask_withdrawal(organizer, token, pending.id)
    assert rejected.status_code == 400 and "该一票否决当前未生效或已有更新" in rejected.get_data(as_text=True)
    assert versions() == [(1, False, "rejected")]


def test_another_countys_organizer_cannot_withdraw_or_retract_by_id(client: FlaskClient, vetoable: World) -> None:
    veto = confirmed_veto(vetoable)
    other, token = browser(client, "yxorg")
    assert ask_withdrawal(other, token, veto.id).status_code == 404
    assert other.get(f"{ADJ}/rounds/{ids(vetoable)[0]}/entries/{ids(vetoable)[1]}").status_code == 404
    withdrawal = vetoes.propose_withdrawal(vetoable.users["city_organizer"], veto.id, "选错参赛人")
    assert other.post(f"{ADJ}/vetoes/{withdrawal.id}/retract", data={"csrf_token": token}).status_code == 404
    assert versions() == [(1, False, "confirmed"), (2, True, "proposed")]
    for username in ("sup", "clerk", "judge", "sec"):
        someone, their_token = browser(client, username)
        assert ask_withdrawal(someone, their_token, veto.id).status_code == 403
    assert versions() == [(1, False, "confirmed"), (2, True, "proposed")]


def test_only_a_supervisor_decides_a_withdrawal(client: FlaskClient, vetoable: World) -> None:
    veto = confirmed_veto(vetoable)
    withdrawal = vetoes.propose_withdrawal(vetoable.users["county_organizer"], veto.id, "选错参赛人")
    for username in ("city", "pdorg", "clerk", "judge", "sec"):
        someone, token = browser(client, username)
        assert decide(someone, token, withdrawal.id, "confirm") == 403
        assert decide(someone, token, withdrawal.id, "reject", "不同意") == 403
    assert versions() == [(1, False, "confirmed"), (2, True, "proposed")]
    assert services.scoring_vetoes(ids(vetoable)[0]) == V001
    assert actions() == ["veto_proposed", "veto_confirmed", "veto_withdrawal_proposed"]


def test_retracting_a_withdrawal_keeps_the_veto_and_is_audited(client: FlaskClient, vetoable: World) -> None:
    veto = confirmed_veto(vetoable)
    organizer, token = browser(client, "pdorg")
    assert ask_withdrawal(organizer, token, veto.id).status_code == 302
    withdrawal = latest()
    assert organizer.post(f"{ADJ}/vetoes/{withdrawal.id}/retract", data={"csrf_token": token}).status_code == 302
    assert versions() == [(1, False, "confirmed"), (2, True, "retracted")]
    assert services.scoring_vetoes(ids(vetoable)[0]) == V001
    supervisor, sup_token = browser(client, "sup")
    assert decide(supervisor, sup_token, withdrawal.id, "confirm") == 400  # nothing left to decide
    assert services.scoring_vetoes(ids(vetoable)[0]) == V001
    assert actions()[-1] == "veto_proposal_retracted"


def test_two_decisions_at_once_record_one(vetoable: World) -> None:
    round_id, entry_id, item_id = ids(vetoable)
    veto = vetoes.propose_veto(vetoable.users["county_organizer"], round_id, entry_id, item_id, "造假")
    db.session.execute(update(VetoRecord).where(VetoRecord.id == veto.id).values(state="retracted"))
    db.session.commit()
    set_committed_value(veto, "state", "proposed")  # as this request loaded it, before another retracted it
    with pytest.raises(DomainError, match="刚被他人处理"):
        vetoes.decide_veto(vetoable.users["supervisor"], veto.id, True, "")
    assert versions() == [(1, False, "retracted")] and actions() == ["veto_proposed"]


def test_two_proposals_at_once_store_one_version(vetoable: World, monkeypatch: pytest.MonkeyPatch) -> None:
    round_id, entry_id, item_id = ids(vetoable)
    organizer = vetoable.users["county_organizer"]
    vetoes.propose_veto(organizer, round_id, entry_id, item_id, "造假")
    monkeypatch.setattr(vetoes, "_versions", lambda *_: [])  # read before the other request committed
    with pytest.raises(DomainError, match="刚被他人修改"):
        vetoes.propose_veto(organizer, round_id, entry_id, item_id, "同时提出")
    assert versions() == [(1, False, "proposed")]


def test_the_pages_show_every_version_and_label_the_withdrawal(client: FlaskClient, vetoable: World) -> None:
    veto = confirmed_veto(vetoable)
    organizer, token = browser(client, "pdorg")
    ask_withdrawal(organizer, token, veto.id, "选错参赛人，应为另一村")
    round_id, entry_id, _ = ids(vetoable)
    table = organizer.get(f"{ADJ}/rounds/{round_id}").get_data(as_text=True)
    assert "弄虚作假 · 已生效（撤销待确认）" in table
    page = organizer.get(f"{ADJ}/rounds/{round_id}/entries/{entry_id}").get_data(as_text=True)
    history = page.split("一票否决历史（全部版本）", 1)[1]
    rows = history.split("</tbody>", 1)[0].split("<tr class=")[1:]
    assert len(rows) == 2  # newest first
    assert "第 2 版" in rows[0] and "撤销否决 · 弄虚作假" in rows[0] and "选错参赛人，应为另一村" in rows[0]
    assert "平定组织者 提出于" in rows[0] and ">待确认</span>" in rows[0] and "现行有效" not in rows[0]
    assert "第 1 版" in rows[1] and "一票否决 · 弄虚作假" in rows[1] and "年度目标数据造假" in rows[1]
    assert ">已确认</span>" in rows[1] and "监督员甲 ·" in rows[1] and "现行有效" in rows[1]
    assert "撤销否决申请 · 第 2 版 · 待监督员确认" in page and "确认前否决仍然有效。" in page
    assert "本轮的一票否决事项对该参赛人都已生效或有待确认的申请。" in page  # nothing to propose
    supervisor, _ = browser(client, "sup")
    review = supervisor.get("/supervise/vetoes/").get_data(as_text=True)
    assert "待确认（1）" in review and "撤销否决申请" in review and "确认撤销" in review
    assert "撤销理由：选错参赛人，应为另一村" in review
    assert 'data-confirm="确认撤销 V001 平定县冠山镇西关村 的一票否决？确认后即时生效，该参赛人恢复排名。"' in review
    assert "要撤销的否决（第 1 版，现行有效）：年度目标数据造假" in review


# Existing rows under the new schema.

OLD = "7b441f3dd844"


@pytest.fixture()
def old_schema(app: Flask) -> Iterator[World]:
    """The schema just before vetoes were versioned, with the test world in it; afterwards the models' schema."""
    with app.app_context():
        db.session.remove()
        wipe_schema()
        upgrade(directory=MIGRATIONS, revision=OLD)
        yield build_world()
        db.session.remove()
        wipe_schema()
        db.create_all()


def test_the_migration_numbers_existing_vetoes_and_renames_taken_back_proposals(old_schema: World) -> None:
    rnd = old_schema.contest.rounds[0]
    rnd.veto_items.append(VetoItem(name="弄虚作假", description=""))
    db.session.commit()
    round_id, item, organizer = rnd.id, rnd.veto_items[0].id, old_schema.users["city_organizer"].id
    pingding, yuxian = old_schema.entries["pingding"].id, old_schema.entries["yuxian"].id
    for entry, state in ((pingding, "rejected"), (yuxian, "withdrawn"), (pingding, "confirmed")):
        db.session.execute(text(
            "INSERT INTO veto_record (round_id, entry_id, item_id, reason, state, proposed_by_id, proposed_at,"
            " decision_note) VALUES (:r, :e, :i, '事由', :s, :u, '2026-05-01 08:00:00', '')"),
            {"r": round_id, "e": entry, "i": item, "s": state, "u": organizer})
    db.session.commit()
    db.session.remove()
    upgrade(directory=MIGRATIONS)
    rows = db.session.execute(select(VetoRecord).order_by(VetoRecord.id)).scalars().all()
    assert [(r.entry_id, r.version, r.withdrawn, r.state) for r in rows] == [
        (pingding, 1, False, "rejected"), (yuxian, 1, False, "retracted"), (pingding, 2, False, "confirmed")]
    assert services.scoring_vetoes(round_id) == V001
    db.session.remove()
    downgrade(directory=MIGRATIONS, revision=OLD)
    states = db.session.execute(text("SELECT state FROM veto_record ORDER BY id")).scalars().all()
    assert states == ["rejected", "withdrawn", "confirmed"]
    assert db.session.execute(select(func.count()).select_from(VetoItem)).scalar_one() == 1
