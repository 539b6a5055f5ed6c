"""Results before publication: public mark order, what blocks publishing, republishing, county scope, the preview's
adjustments, vetoes, sign-off and publisher, and the comparison with the published version."""

import re
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.adjustments import services as adjustments
from app.adjustments import vetoes
from app.contests.models import AdjustmentItem, Criterion, VetoItem
from app.entries.models import Entry
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import ScoreSheet
from app.judging.sheets import StoreOptions, store_version
from app.panels.models import Panel
from app.panels.services import PanelSpec, create_manual, rebuild_assignments
from app.publication.models import Publication, SignOff
from app.results.assemble import build, parse_scope
from app.results.compare import Change, compare
from app.results.models import JudgeAlias
from app.results.services import Extras, extras_of, preview
from tests.conftest import login
from tests.factories import World, make_user
from tests.web.test_results import current_hash, preview_html, scored, sign  # noqa: F401 (scored: a fixture)

PLAN = "round:plan"


def versions() -> int:
    return db.session.execute(select(func.count(Publication.id))).scalar_one()


def signed_in(client: FlaskClient, username: str) -> FlaskClient:
    """Another browser, signed in as username."""
    other = client.application.test_client()
    login(other, username)
    return other


def sign_fresh(client: FlaskClient, world: World, note: str = "核对无误") -> str:
    return sign(client.application.test_client(), world, note)


def publish(client: FlaskClient, world: World, digest: str) -> tuple[int, str]:
    """The city organizer publishes from a browser of their own."""
    organizer = client.application.test_client()
    token = login(organizer, "city")
    response = organizer.post(f"/organize/results/{world.contest.id}/{PLAN}/publish",
                              data={"package_hash": digest, "csrf_token": token})
    return response.status_code, response.get_data(as_text=True)


def correct(world: World, judge: str, entry: str, value: str, tag: str) -> None:
    """A judge's corrected sheet (version 2 counts) for the plan round's one criterion."""
    rnd = world.contest.rounds[0]
    judge_row = db.session.execute(select(Judge).join(Judge.user).where(Judge.user.has(username=judge))).scalar_one()
    sheet = db.session.execute(select(ScoreSheet).where(ScoreSheet.judge_id == judge_row.id,
                                                        ScoreSheet.entry_id == world.entries[entry].id)).scalar_one()
    sheet.correction_reason = "更正"
    store_version(sheet, rnd.id, sheet.entry_id, judge_row.id, {rnd.criteria[0].id: Decimal(value)}, "",
                  StoreOptions(client_token=f"t-{tag}", source="phone", entered_by_id=judge_row.user_id))
    db.session.commit()


# 1. The audit package lists marks by contestant, pseudonym and criterion, never by internal judge id.

@pytest.fixture()
def two_criteria(world: World) -> dict[str, Judge]:
    """Three judges whose pseudonyms run against their ids; the criterion created second comes first."""
    rnd = world.contest.rounds[0]
    rnd.criteria[0].position = 2
    rnd.criteria.append(Criterion(name="目标任务", max_points=Decimal(10), step=Decimal("0.5"), position=1))
    judges = {"judge": db.session.execute(select(Judge)).scalar_one()}
    for name in ("judge2", "judge3"):
        user = make_user(name, "judge", name=f"评委{name[-1]}")
        db.session.flush()
        judges[name] = Judge(contest_id=world.contest.id, user_id=user.id, unit="市财政局", field="finance")
        db.session.add(judges[name])
    db.session.flush()
    assert judges["judge"].id < judges["judge2"].id < judges["judge3"].id
    for name, alias in (("judge3", "J01"), ("judge", "J02"), ("judge2", "J03")):
        db.session.add(JudgeAlias(contest_id=world.contest.id, scope=PLAN, judge_id=judges[name].id, alias=alias))
    db.session.commit()
    db.session.expire(rnd, ["criteria"])
    development = next(c for c in rnd.criteria if c.name == "发展思路")
    targets = next(c for c in rnd.criteria if c.name == "目标任务")
    group = next(g for g in world.contest.groups if g.code == "village")
    create_manual(world.users["city_organizer"], PanelSpec(rnd.id, group.id, "组"), [j.id for j in judges.values()])
    marks = {"judge": ("18", "15"), "judge2": ("17.5", "16"), "judge3": ("19", "15.5")}
    for name, values in marks.items():
        for key, value in zip(("pingding", "yuxian"), values, strict=True):
            entry = world.entries[key]
            store_version(None, rnd.id, entry.id, judges[name].id,
                          {development.id: Decimal(value), targets.id: Decimal("8")}, "",
                          StoreOptions(client_token=f"t-{name}-{key}", source="phone",
                                       entered_by_id=judges[name].user_id))
    db.session.commit()
    return judges


def test_marks_follow_the_pseudonyms_not_the_judges_ids_and_build_is_repeatable(
    world: World, two_criteria: dict[str, Judge]
) -> None:
    assembled = build(world.contest, parse_scope(world.contest, PLAN))
    assert assembled.problems == []
    marks = [(m["contestant"], m["judge"], m["criterion"], m["value"]) for m in assembled.input["rounds"][0]["marks"]]
    assert marks == [
        ("V001", "J01", "C1", "8"), ("V001", "J01", "C2", "19"),
        ("V001", "J02", "C1", "8"), ("V001", "J02", "C2", "18"),
        ("V001", "J03", "C1", "8"), ("V001", "J03", "C2", "17.5"),
        ("V002", "J01", "C1", "8"), ("V002", "J01", "C2", "15.5"),
        ("V002", "J02", "C1", "8"), ("V002", "J02", "C2", "15"),
        ("V002", "J03", "C1", "8"), ("V002", "J03", "C2", "16"),
    ]
    assert build(world.contest, parse_scope(world.contest, PLAN)).input == assembled.input
    assert preview(world.contest.id, PLAN).package_hash == preview(world.contest.id, PLAN).package_hash


# 2. What blocks publication.

def test_a_round_without_a_panel_is_not_yet_grouped(client: FlaskClient, world: World) -> None:
    assert preview(world.contest.id, PLAN).problems == ["年初比规划：尚未分组（没有评委组，也就没有评分任务）"]
    login(client, "city")
    html = preview_html(client, world)
    assert "尚不能发布" in html and "尚未分组" in html and "/publish" not in html


def test_a_round_with_a_panel_but_no_sheets_has_no_sheets_yet(client: FlaskClient, world: World) -> None:
    rnd = world.contest.rounds[0]
    group = next(g for g in world.contest.groups if g.code == "village")
    judge = db.session.execute(select(Judge)).scalar_one()
    rnd.min_judges = 1
    create_manual(world.users["city_organizer"], PanelSpec(rnd.id, group.id, "组"), [judge.id])
    db.session.commit()
    assert preview(world.contest.id, PLAN).problems == ["年初比规划：尚无评分表（应有 2 张）"]
    status, body = publish(client, world, "x")
    assert status == 400 and "尚无评分表" in body and versions() == 0


def add_entry(world: World, number: str) -> Entry:
    first = world.entries["pingding"]
    entry = Entry(contest_id=world.contest.id, group_id=first.group_id, public_number=number,
                  county_id=first.county_id, township_id=first.township_id)
    db.session.add(entry)
    db.session.commit()
    return entry


def test_an_active_contestant_without_judges_blocks_and_a_deactivated_one_does_not(
    client: FlaskClient, scored: World  # noqa: F811
) -> None:
    late_comer = add_entry(scored, "V003")
    view = preview(scored.contest.id, PLAN)
    assert view.problems == ["年初比规划：1 名参赛人在本轮未分配评委（V003）"]
    # assigned now (the panel is rebuilt), but nobody has scored V003 yet
    rebuild_assignments(db.session.execute(select(Panel)).scalar_one())
    db.session.commit()
    assert preview(scored.contest.id, PLAN).problems == ["年初比规划：还缺 3 张评分表（V003）"]
    late_comer.active = False
    db.session.commit()
    assert preview(scored.contest.id, PLAN).problems == []


def test_the_year_lists_each_round_without_a_panel(client: FlaskClient, scored: World) -> None:  # noqa: F811
    assert preview(scored.contest.id, "year").problems == [
        "年中比服务：尚未分组（没有评委组，也就没有评分任务）", "年末比成效：尚未分组（没有评委组，也就没有评分任务）"]


# 3. Publishing the same result again is refused.

def test_the_same_result_is_not_published_twice(client: FlaskClient, scored: World) -> None:  # noqa: F811
    digest = sign_fresh(client, scored)
    assert publish(client, scored, digest)[0] == 302
    organizer = signed_in(client, "city")
    html = preview_html(organizer, scored)
    assert "当前结果已作为第 1 版发布" in html and "/publish" not in html and "发布第 2 版" not in html
    status, body = publish(client, scored, digest)
    assert status == 400 and "结果与第 1 版相同，无需重新发布" in body
    assert versions() == 1
    supervisor = client.application.test_client()
    token = login(supervisor, "sup")
    assert "签核此结果" not in preview_html(supervisor, scored, "/supervise/results")
    refused = supervisor.post(f"/supervise/results/{scored.contest.id}/{PLAN}/sign",
                              data={"package_hash": digest, "note": "再签一次", "csrf_token": token})
    assert refused.status_code == 400 and "该版已发布，无需再签核" in refused.get_data(as_text=True)
    assert db.session.execute(select(func.count(SignOff.id))).scalar_one() == 1
    # a real change can be signed and published as version 2
    correct(scored, "judge", "yuxian", "20", "v2")
    digest2 = sign_fresh(client, scored)
    assert digest2 != digest and "发布第 2 版" in preview_html(organizer, scored)
    assert publish(client, scored, digest2)[0] == 302 and versions() == 2


# 4. County organizers see no results of the city before publication.

def test_county_organizers_get_no_preview_package_or_award_settings(client: FlaskClient,
                                                                     scored: World) -> None:  # noqa: F811
    contest = scored.contest.id
    login(client, "pdorg")
    for url in (f"/organize/results/{contest}/{PLAN}", f"/organize/results/{contest}/year",
                f"/organize/results/{contest}/{PLAN}/v1/package.json", f"/organize/results/{contest}/awards"):
        assert client.get(url).status_code == 403, url
    index = client.get("/organize/results/").get_data(as_text=True)
    assert "成绩由市级组织者计算" in index and f"/organize/results/{contest}/" not in index
    city = signed_in(client, "city")
    assert city.get(f"/organize/results/{contest}/{PLAN}/v1/package.json").status_code == 404  # unpublished
    assert f"/organize/results/{contest}/{PLAN}" in city.get("/organize/results/").get_data(as_text=True)


def test_county_organizers_get_no_package_of_a_published_version_either(client: FlaskClient,
                                                                        scored: World) -> None:  # noqa: F811
    assert publish(client, scored, sign_fresh(client, scored))[0] == 302
    login(client, "pdorg")
    assert client.get(f"/organize/results/{scored.contest.id}/{PLAN}/v1/package.json").status_code == 403
    supervisor = signed_in(client, "sup")
    assert supervisor.get(f"/supervise/results/{scored.contest.id}/{PLAN}/v1/package.json").status_code == 200


# 5. Adjustments, vetoes and group names in the preview.

@pytest.fixture()
def adjusted(scored: World) -> World:  # noqa: F811
    """V001 ran 45 seconds over (−1 point); V002 has a confirmed veto for 弄虚作假."""
    rnd = scored.contest.rounds[0]
    rnd.adjustment_items.append(AdjustmentItem(name="路演超时", kind="penalty", rule_text="每超时30秒扣0.5分",
                                               unit_label="秒", unit_size=Decimal(30), points_per_unit=Decimal("-0.5"),
                                               cap=Decimal(2)))
    rnd.veto_items.append(VetoItem(name="弄虚作假", description="材料或数据造假"))
    db.session.commit()
    organizer = scored.users["city_organizer"]
    adjustments.record_adjustment(organizer, rnd.id, scored.entries["pingding"].id,
                                  adjustments.AdjustmentInput(rnd.adjustment_items[0].id, Decimal(45), "计时员记录"))
    veto = vetoes.propose_veto(organizer, rnd.id, scored.entries["yuxian"].id, rnd.veto_items[0].id, "材料中数据不实")
    vetoes.decide_veto(scored.users["supervisor"], veto.id, True, "")
    return scored


def row_of(html: str, number: str) -> str:
    match = re.search(rf'<tr><td class="num">[^\n]*\n\s*<td class="nowrap">{number}</td>.*?</tr>', html, re.S)
    assert match, number
    return match.group(0)


def test_the_preview_shows_adjustments_vetoes_and_the_group_name(client: FlaskClient, adjusted: World) -> None:
    view = preview(adjusted.contest.id, PLAN)
    assert view.extras == {"V001": Extras([("年初比规划", "-1.00")], []), "V002": Extras([], ["弄虚作假"])}
    login(client, "city")
    html = preview_html(client, adjusted)
    assert "村党组织书记组（2 人）" in html and "<td>village</td>" not in html
    v001 = row_of(html, "V001")
    # 18.17 − 1 = 17.17, first; the adjustment in its own right-aligned column
    assert '<td class="num">1</td>' in v001 and '<td class="num"><div>-1.00</div></td>' in v001
    assert "17.17" in v001 and "否决" not in v001
    v002 = row_of(html, "V002")
    assert '<td class="num">—</td>' in v002 and "0.00" not in v002
    assert '<span class="text-danger">否决</span></td>' in v002
    assert '<span class="badge text-bg-danger">否决</span> <span class="small">弄虚作假</span>' in v002
    assert "有加减分的参赛人 1 人 · 一票否决 1 人" in html


def test_extras_sum_each_rounds_adjustments_and_name_the_round() -> None:
    input_ = {"places": 2, "rounds": [
        {"id": "plan", "adjustments": [{"contestant": "V001", "value": "-0.50", "reason": "路演超时"},
                                       {"contestant": "V001", "value": "-1.00", "reason": "材料迟交"},
                                       {"contestant": "V002", "value": "1.00", "reason": "创新做法"},
                                       {"contestant": "V002", "value": "-1.00", "reason": "路演超时"}],
         "vetoes": [{"contestant": "V003", "reason": "弄虚作假"}]},
        {"id": "service", "adjustments": [{"contestant": "V001", "value": "2.00", "reason": "创新做法"}],
         "vetoes": [{"contestant": "V003", "reason": "弄虚作假"}, {"contestant": "V003", "reason": "违纪"}]},
    ]}
    assert extras_of(input_, {"plan": "年初比规划", "service": "年中比服务"}) == {
        "V001": Extras([("年初比规划", "-1.50"), ("年中比服务", "+2.00")], []),
        "V002": Extras([], []),
        "V003": Extras([], ["弄虚作假", "违纪"]),
    }


# 6. Who signed off and who published.

def test_the_preview_names_the_supervisor_and_the_publisher(client: FlaskClient, scored: World) -> None:  # noqa: F811
    digest = sign_fresh(client, scored, note="已核对评分表")
    organizer = signed_in(client, "city")
    html = preview_html(organizer, scored)
    signed = r"已签核</span>\s*监督员甲 · <span class=\"nowrap\">[0-9-]+ [0-9:]+</span> · 意见：已核对评分表"
    assert re.search(signed, html)
    publish(organizer, scored, digest)
    html = preview_html(organizer, scored)
    row = re.search(r"<tr><td class=\"nowrap\">第 1 版</td>.*?</tr>", html, re.S)
    assert row is not None
    assert re.search(r"<td>市组织者<div class=\"text-secondary nowrap\">[0-9-]+ [0-9:]+</div></td>", row.group(0))
    assert "<td>监督员甲<div" in row.group(0) and "意见：已核对评分表" in row.group(0)
    assert digest[:16] in row.group(0)


# 7. What changed since the published version.

def result(*rows: tuple[str, str, int | None, str | None]) -> dict[str, object]:
    return {"contestants": [{"id": key, "total": total, "rank": rank, "award": award}
                            for key, total, rank, award in rows]}


def test_compare_counts_changes_and_lists_changed_totals_then_awards_then_ranks() -> None:
    old = result(("V001", "90.00", 1, "一等奖"), ("V002", "85.00", 2, None), ("V003", "80.00", 3, None),
                 ("V004", "70.00", 4, None))
    new = result(("V001", "84.00", 3, None), ("V002", "85.00", 1, "一等奖"), ("V003", "80.00", 2, None),
                 ("V004", "71.00", 4, None), ("V005", "60.00", 5, None))
    names = {"V001": "甲村", "V002": "乙村", "V003": "丙村", "V005": "戊村"}
    comparison = compare(old, new, names, 3)
    assert (comparison.version, comparison.totals, comparison.ranks, comparison.awards) == (3, 3, 4, 2)
    assert comparison.changes == [
        Change("V001", "甲村", "90.00", "84.00", 1, 3, "一等奖", None),
        Change("V004", "", "70.00", "71.00", 4, 4, None, None),
        Change("V005", "戊村", None, "60.00", None, 5, None, None),  # new since: no old figures
        Change("V002", "乙村", "85.00", "85.00", 2, 1, None, "一等奖"),
        Change("V003", "丙村", "80.00", "80.00", 3, 2, None, None),  # a move in rank alone comes last
    ]
    assert (comparison.unlisted, comparison.changed) == (0, 5)
    short = compare(old, new, names, 3, limit=2)
    assert [c.public_number for c in short.changes] == ["V001", "V004"] and (short.unlisted, short.changed) == (3, 5)
    assert compare(old, old, names, 3).changes == []
    # a contestant dropped since is listed with no new figures
    dropped = [c for c in compare(new, old, names, 4).changes if c.public_number == "V005"]
    assert dropped == [Change("V005", "戊村", "60.00", None, 5, None, None, None)]


def test_the_preview_shows_who_moved_since_the_published_version(client: FlaskClient,
                                                                 scored: World) -> None:  # noqa: F811
    assert publish(client, scored, sign_fresh(client, scored))[0] == 302
    correct(scored, "judge", "pingding", "8", "down")  # V001: (8 + 17.5 + 19) / 3 = 14.83, now second
    view = preview(scored.contest.id, PLAN)
    assert view.comparison is not None
    assert (view.comparison.totals, view.comparison.ranks, view.comparison.awards) == (1, 2, 0)
    login(client, "sup")
    html = preview_html(client, scored, "/supervise/results")
    assert "与已发布的第 1 版相比" in html and "总分变化 <strong>1</strong> 人 · 名次变化 <strong>2</strong> 人" in html
    assert "18.17 → <strong>14.83</strong>" in html and "1 → <strong>2</strong>" in html
    assert "2 → <strong>1</strong>" in html and "签核此结果" in html


def test_the_comparison_reads_a_veto_or_an_absence_as_such_not_as_a_total_of_0() -> None:
    old = {"contestants": [{"id": "V001", "total": "77.00", "rank": 1}, {"id": "V002", "total": "70.00", "rank": 2},
                           {"id": "V003", "total": "0.00", "rank": None, "vetoed": True}]}
    new = {"contestants": [{"id": "V001", "total": "0.00", "rank": None, "vetoed": True},
                           {"id": "V002", "total": "0.00", "rank": None, "absent": True},
                           {"id": "V003", "total": "0.00", "rank": None, "vetoed": True}]}
    changes = compare(old, new, {}, 1).changes
    assert [(c.public_number, c.old_total, c.new_total) for c in changes] == [
        ("V001", "77.00", "否决"), ("V002", "70.00", "缺席")]  # V003: vetoed in both, nothing changed
