"""Results: computed from counted sheets by the scoring core, signed by hash, published as versions."""

import json
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.contests.models import Group
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import ScoreSheet
from app.judging.sheets import StoreOptions, store_version
from app.panels.services import PanelSpec, create_manual
from app.publication.models import Publication
from app.results.assemble import build, parse_scope
from app.results.models import AwardBand, JudgeAlias
from app.results.services import preview
from scoring import verify_package
from tests.conftest import csrf_from, login
from tests.factories import World, make_user

# judge -> (V001 mark, V002 mark) on the plan round's single criterion (max 20, step 0.5)
MARKS = {"judge": ("18", "15"), "judge2": ("17.5", "16"), "judge3": ("19", "15.5")}


@pytest.fixture()
def scored(world: World) -> World:
    """Three judges have scored both village entries in the plan round."""
    rnd = world.contest.rounds[0]
    judges = {"judge": db.session.execute(select(Judge)).scalar_one()}
    for name in ("judge2", "judge3"):
        user = make_user(name, "judge", name=f"评委{name[-1]}")
        db.session.flush()
        judges[name] = Judge(contest_id=world.contest.id, user_id=user.id, unit="市财政局", field="finance")
        db.session.add(judges[name])
    db.session.commit()
    group = next(g for g in world.contest.groups if g.code == "village")
    create_manual(world.users["city_organizer"], PanelSpec(rnd.id, group.id, "组"), [j.id for j in judges.values()])
    criterion = rnd.criteria[0].id
    for name, values in MARKS.items():
        for entry, value in zip((world.entries["pingding"], world.entries["yuxian"]), values, strict=True):
            store_version(None, rnd.id, entry.id, judges[name].id, {criterion: Decimal(value)}, "",
                          StoreOptions(client_token=f"t-{name}-{entry.id}-x", source="phone",
                                       entered_by_id=judges[name].user_id))
    db.session.commit()
    return world


def preview_html(client: FlaskClient, world: World, prefix: str = "/organize/results") -> str:
    return client.get(f"{prefix}/{world.contest.id}/round:plan").get_data(as_text=True)


def current_hash(html: str) -> str:
    return html.split('name="package_hash" value="', 1)[1].split('"', 1)[0] if 'name="package_hash"' in html else \
        html.split('<div class="font-monospace text-break">', 1)[1].split("<", 1)[0].strip()


def test_the_preview_ranks_by_the_mean_of_the_three_sheets(client: FlaskClient, scored: World) -> None:
    login(client, "city")
    html = preview_html(client, scored)
    # V001: (18 + 17.5 + 19) / 3 = 18.17; V002: (15 + 16 + 15.5) / 3 = 15.50
    assert "18.17" in html and "15.50" in html
    assert html.index("V001") < html.index("V002")
    assert "尚不能发布" not in html


def test_missing_sheets_block_publication_and_are_listed(client: FlaskClient, scored: World) -> None:
    sheet = db.session.execute(select(ScoreSheet).limit(1)).scalar_one()
    sheet.state = "reopened"
    db.session.commit()
    login(client, "city")
    html = preview_html(client, scored)
    assert "尚不能发布" in html and "1 张评分表正在更正" in html


def sign(client: FlaskClient, world: World, note: str = "核对无误") -> str:
    token = login(client, "sup")
    html = preview_html(client, world, "/supervise/results")
    digest = current_hash(html)
    response = client.post(f"/supervise/results/{world.contest.id}/round:plan/sign",
                           data={"package_hash": digest, "note": note, "csrf_token": token})
    assert response.status_code == 302
    return digest


def test_publication_needs_the_supervisors_sign_off_of_the_same_hash(client: FlaskClient, scored: World) -> None:
    organizer = client.application.test_client()
    token = login(organizer, "city")
    digest = current_hash(preview_html(organizer, scored))
    refused = organizer.post(f"/organize/results/{scored.contest.id}/round:plan/publish",
                             data={"package_hash": digest, "csrf_token": token})
    assert refused.status_code == 400 and "须由监督员签核" in refused.get_data(as_text=True)
    assert sign(client, scored) == digest
    published = organizer.post(f"/organize/results/{scored.contest.id}/round:plan/publish",
                               data={"package_hash": digest, "csrf_token": token})
    assert published.status_code == 302
    version = db.session.execute(select(Publication)).scalar_one()
    assert (version.number, version.package_hash) == (1, digest)
    assert verify_package(version.package).identical is True
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "result_published")).scalar_one()
    assert event.after["package_hash"] == digest


def test_a_change_after_sign_off_needs_a_new_sign_off(client: FlaskClient, scored: World) -> None:
    digest = sign(client, scored)
    rnd = scored.contest.rounds[0]
    sheet = db.session.execute(select(ScoreSheet).where(ScoreSheet.entry_id == scored.entries["yuxian"].id)
                               .limit(1)).scalar_one()
    sheet.correction_reason = "更正"
    store_version(sheet, rnd.id, sheet.entry_id, sheet.judge_id, {rnd.criteria[0].id: Decimal("20")}, "",
                  StoreOptions(client_token="t-correction-1", source="phone", entered_by_id=scored.users["judge"].id))
    db.session.commit()
    organizer = client.application.test_client()
    token = login(organizer, "city")
    html = preview_html(organizer, scored)
    assert "结果已变化" in html and current_hash(html) != digest
    refused = organizer.post(f"/organize/results/{scored.contest.id}/round:plan/publish",
                             data={"package_hash": current_hash(html), "csrf_token": token})
    assert refused.status_code == 400


def test_the_package_names_judges_only_by_pseudonym_and_a_changed_mark_fails_verify(
    client: FlaskClient, scored: World
) -> None:
    digest = sign(client, scored)
    organizer = client.application.test_client()
    token = login(organizer, "city")
    organizer.post(f"/organize/results/{scored.contest.id}/round:plan/publish",
                   data={"package_hash": digest, "csrf_token": token})
    body = organizer.get(f"/organize/results/{scored.contest.id}/round:plan/v1/package.json").get_data(as_text=True)
    package = json.loads(body)
    judges = sorted({m["judge"] for m in package["input"]["rounds"][0]["marks"]})
    assert judges == ["J01", "J02", "J03"]
    assert "评委" not in body and "judge2" not in body
    aliases = db.session.execute(select(JudgeAlias.alias)).scalars().all()
    assert sorted(aliases) == ["J01", "J02", "J03"]
    package["input"]["rounds"][0]["marks"][0]["value"] = "10"
    assert verify_package(package).identical is False


def test_county_organizers_cannot_publish(client: FlaskClient, scored: World) -> None:
    token = login(client, "pdorg")
    response = client.post(f"/organize/results/{scored.contest.id}/round:plan/publish",
                           data={"package_hash": "x", "csrf_token": token})
    assert response.status_code == 403


def test_an_unknown_scope_or_version_is_404(client: FlaskClient, scored: World) -> None:
    login(client, "city")
    assert client.get(f"/organize/results/{scored.contest.id}/round:nothing").status_code == 404
    assert client.get(f"/organize/results/{scored.contest.id}/round:plan/v9/package.json").status_code == 404
    assert client.get("/organize/results/999999/year").status_code == 404


def test_supervisors_sign_but_never_publish(client: FlaskClient, scored: World) -> None:
    token = login(client, "sup")
    response = client.post(f"/organize/results/{scored.contest.id}/round:plan/publish",
                           data={"package_hash": "x", "csrf_token": token})
    assert response.status_code == 403
    assert csrf_from(preview_html(client, scored, "/supervise/results"))


def test_award_bands_go_into_the_package_and_ties_at_a_boundary_share_the_higher_award(
    client: FlaskClient, scored: World
) -> None:
    token = login(client, "city")
    group = next(g for g in scored.contest.groups if g.code == "village")
    response = client.post(f"/organize/results/{scored.contest.id}/awards/{group.id}", data={
        "name-1": "一等奖", "kind-1": "count", "value-1": "1", "name-2": "优秀奖", "kind-2": "min_total",
        "value-2": "15", "csrf_token": token})
    assert response.status_code == 302
    html = preview_html(client, scored)
    assert html.count("一等奖") == 1 and html.count("优秀奖") == 1
    view = preview(scored.contest.id, "round:plan")
    assert view.input["awards"] == [{"group": "village", "bands": [{"name": "一等奖", "count": 1},
                                                                  {"name": "优秀奖", "min_total": "15"}]}]
    assert [(r.public_number, r.award) for r in view.rows] == [("V001", "一等奖"), ("V002", "优秀奖")]


@pytest.mark.parametrize(("kind", "value", "message"), [
    ("count", "0", "名额须为不小于 1 的整数"), ("count", "1.5", "名额须为不小于 1 的整数"),
    ("share", "1.2", "比例须大于 0 且不超过 1"), ("min_total", "x", "不是有效的数字"),
])
def test_bad_award_bands_are_refused_and_change_nothing(
    client: FlaskClient, scored: World, kind: str, value: str, message: str
) -> None:
    token = login(client, "city")
    group = next(g for g in scored.contest.groups if g.code == "village")
    client.post(f"/organize/results/{scored.contest.id}/awards/{group.id}",
                data={"name-1": "一等奖", "kind-1": kind, "value-1": value, "csrf_token": token})
    assert message in client.get(f"/organize/results/{scored.contest.id}/awards").get_data(as_text=True)
    assert db.session.execute(select(AwardBand)).scalars().all() == []


def test_the_scoring_input_takes_each_sheets_latest_counted_version_and_the_top_group(scored: World) -> None:
    rnd = scored.contest.rounds[0]
    village = next(g for g in scored.contest.groups if g.code == "village")
    class_a = Group(code="class-a", name="培训班A班", parent=village, position=3)
    scored.contest.groups.append(class_a)
    db.session.flush()
    scored.entries["yuxian"].group_id = class_a.id  # a sub-group ranks within its top group
    judges = {u: db.session.execute(select(Judge).join(User).where(User.username == u)).scalar_one()
              for u in MARKS}
    criterion = rnd.criteria[0].id

    def sheet_of(judge: str, entry: str) -> ScoreSheet:
        return db.session.execute(select(ScoreSheet).where(
            ScoreSheet.judge_id == judges[judge].id, ScoreSheet.entry_id == scored.entries[entry].id)).scalar_one()

    # judge2 corrected V001 to 12 (version 2 counts); judge3's late resend of V002 is not accepted yet
    store_version(sheet_of("judge2", "pingding"), rnd.id, scored.entries["pingding"].id, judges["judge2"].id,
                  {criterion: Decimal("12")}, "", StoreOptions("t-correction", "phone", judges["judge2"].user_id))
    store_version(sheet_of("judge3", "yuxian"), rnd.id, scored.entries["yuxian"].id, judges["judge3"].id,
                  {criterion: Decimal("20")}, "", StoreOptions("t-late", "offline", judges["judge3"].user_id,
                                                               late=True))
    db.session.commit()
    contest = scored.contest
    assembled = build(contest, parse_scope(contest, "round:plan"))
    assert assembled.input["contestants"] == [
        {"id": "V001", "group": "village", "name": "平定县冠山镇西关村"},
        {"id": "V002", "group": "village", "name": "盂县秀水镇东关村"},
    ]
    assert db.session.execute(select(JudgeAlias)).first() is None  # a read draws, sign-off or publication keeps
    alias = {row.judge_id: row.alias for row in assembled.new_aliases}
    by_name = {name: alias[judge.id] for name, judge in judges.items()}
    marks = assembled.input["rounds"][0]["marks"]
    assert {(m["contestant"], m["judge"], m["value"]) for m in marks} == {
        ("V001", by_name["judge"], "18"), ("V001", by_name["judge2"], "12"), ("V001", by_name["judge3"], "19"),
        ("V002", by_name["judge"], "15"), ("V002", by_name["judge2"], "16"), ("V002", by_name["judge3"], "15.5"),
    }
    assert len(marks) == 6 and all(m["criterion"] == "C1" for m in marks)
    assert "迟交评分表待组织者审核" in "".join(assembled.problems)
    # the same data gives the same input, mark for mark and in the same order (the hash depends on it)
    assert build(contest, parse_scope(contest, "round:plan")).input == assembled.input


def test_a_round_nobody_has_been_scored_in_reads_not_yet_scored_in_the_year_preview_not_absent(
        client: FlaskClient, scored: World) -> None:
    login(client, "city")
    html = client.get(f"/organize/results/{scored.contest.id}/year").get_data(as_text=True)
    row = html.split('<td class="nowrap">V001</td>', 1)[1].split("</tr>", 1)[0]
    cells = [cell.split(">", 1)[1] for cell in row.split("</td>")[1:4]]
    assert cells == ["18.17", "未评分", "未评分"]  # plan scored; service and results not yet: publication is blocked
    assert "尚不能发布" in html and "缺席" not in row


def test_award_bands_of_an_ended_contest_stay_as_they_were(client: FlaskClient, scored: World) -> None:
    # Bands decide the awards of the next publication, which stays possible after the contest ended (公示 runs
    # after the year): changing them needs the contest set back in progress first, an audited step of its own.
    token = login(client, "city")
    group = next(g for g in scored.contest.groups if g.code == "village")
    scored.contest.status = "closed"
    db.session.commit()
    events = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
    client.post(f"/organize/results/{scored.contest.id}/awards/{group.id}",
                data={"name-1": "一等奖", "kind-1": "count", "value-1": "1", "csrf_token": token})
    page = client.get(f"/organize/results/{scored.contest.id}/awards").get_data(as_text=True)
    assert "本次比武已结束：“2022年度大比武”的评分、名单和设置都不能再修改" in page
    assert db.session.execute(select(AwardBand)).scalars().all() == []
    assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() == events


def test_an_ended_contest_is_still_signed_off_and_published(client: FlaskClient, scored: World) -> None:
    # 公示 runs after the year: the contest's scores no longer change, but its results are signed and published.
    scored.contest.status = "closed"
    db.session.commit()
    digest = sign(client, scored)
    organizer = client.application.test_client()
    token = login(organizer, "city")
    published = organizer.post(f"/organize/results/{scored.contest.id}/round:plan/publish",
                               data={"package_hash": digest, "csrf_token": token})
    assert published.status_code == 302
    version = db.session.execute(select(Publication)).scalar_one()
    assert (version.number, version.package_hash) == (1, digest)
