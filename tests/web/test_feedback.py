"""Secretaries' feedback: only their own entry, only published versions, judges as shuffled letters."""

import json
import re
import subprocess
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.passwords import keyed_digest
from app.contests.models import Criterion
from app.extensions import db
from app.feedback.chart import criteria_svg
from app.feedback.services import CriterionLine
from app.judges.models import Judge
from app.judging.models import ScoreSheet
from app.judging.sheets import StoreOptions, store_version
from app.notices.models import Notice
from app.notices.services import today
from app.panels.services import PanelSpec, create_manual
from app.publication.models import Publication
from app.results import services as results
from app.results.models import JudgeAlias
from app.timeutil import chinese_date
from tests.conftest import login
from tests.factories import World, make_user

# judge -> ((C1, C2) for V001 (sec), (C1, C2) for V002 (sec2)), and the comment on V001 / V002
MARKS = {
    "judge": (("18", "16"), ("15", "14")),
    "judge2": (("17.5", "15"), ("16", "13.5")),
    "judge3": (("19", "17.5"), ("15.5", "15")),
}
COMMENTS = {"judge": ("思路清晰，目标明确", "别人的点评"), "judge2": ("", ""), "judge3": ("项目测算需细化<b>", "")}
JUDGE_NAMES = ("评委甲", "评委乙", "评委丙")


@pytest.fixture()
def scored(world: World) -> World:
    """Three judges have scored both village entries on two criteria of the plan round."""
    rnd = world.contest.rounds[0]
    rnd.criteria.append(Criterion(name="目标任务", max_points=Decimal(20), step=Decimal("0.5"), position=2))
    judges = {"judge": db.session.execute(select(Judge)).scalar_one()}
    for name, display in (("judge2", JUDGE_NAMES[1]), ("judge3", JUDGE_NAMES[2])):
        user = make_user(name, "judge", name=display)
        db.session.flush()
        judges[name] = Judge(contest_id=world.contest.id, user_id=user.id, unit="市财政局", field="finance")
        db.session.add(judges[name])
    db.session.commit()
    group = next(g for g in world.contest.groups if g.code == "village")
    create_manual(world.users["city_organizer"], PanelSpec(rnd.id, group.id, "组"), [j.id for j in judges.values()])
    c1, c2 = (c.id for c in rnd.criteria)
    for name, per_entry in MARKS.items():
        for index, (entry, (v1, v2)) in enumerate(zip((world.entries["pingding"], world.entries["yuxian"]), per_entry,
                                                      strict=True)):
            store_version(None, rnd.id, entry.id, judges[name].id, {c1: Decimal(v1), c2: Decimal(v2)},
                          COMMENTS[name][index], StoreOptions(client_token=f"t-{name}-{entry.id}", source="phone",
                                                              entered_by_id=judges[name].user_id))
    db.session.commit()
    return world


def publish(world: World, scope: str = "round:plan") -> int:
    current = results.preview(world.contest.id, scope)
    assert current.package_hash and not current.problems, current.problems
    results.sign_off(world.users["supervisor"], world.contest.id, scope, current.package_hash, "核对无误")
    return results.publish(world.users["city_organizer"], world.contest.id, scope, current.package_hash).number


@pytest.fixture()
def published(scored: World) -> World:
    publish(scored)
    return scored


def page(client: FlaskClient, world: World, key: str = "pingding", user: str | None = "sec") -> str:
    """The feedback page of an entry, signing in first unless user is None."""
    if user:
        login(client, user)
    response = client.get(f"/me/feedback/{world.entries[key].id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def plain(html: str) -> str:
    """The page's text without tags."""
    return re.sub(r"<[^>]+>", "", html)


def without_tokens(html: str) -> str:
    """The page without its random CSRF tokens, which may by chance contain e.g. "J03"."""
    html = re.sub(r'("X-CSRFToken": ")[^"]*', r"\1", html)
    return re.sub(r'(name="csrf_token" value=")[^"]*', r"\1", html)


def csrf_of(html: str) -> str:
    return html.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]


def expected_letters(world: World) -> dict[str, str]:
    """Letter of each judge's comment on V001 under the keyed shuffle (alias order by HMAC)."""
    aliases = dict(db.session.execute(select(JudgeAlias.judge_id, JudgeAlias.alias)).tuples().all())
    entry_id = world.entries["pingding"].id
    by_alias = {aliases[j.id]: name for name in MARKS for j in db.session.execute(
        select(Judge).where(Judge.user_id == world_user_id(name))).scalars()}
    order = sorted(by_alias, key=lambda a: keyed_digest(f"feedback:{entry_id}:round:plan:{a}"))
    return {by_alias[alias]: "ABC"[i] for i, alias in enumerate(order)}


def world_user_id(username: str) -> int:
    return db.session.execute(select(User.id).where(User.username == username)).scalar_one()


def test_the_secretary_sees_their_round_score_and_rank_among_the_group(client: FlaskClient, published: World) -> None:
    html = page(client, published)
    # V001 sheets 34, 32.5, 36.5 -> 34.33; V002 29, 29.5, 30.5 -> 29.67
    assert "34.33" in html
    assert "第 1 名 / 共 2 名" in plain(html)


def test_the_group_average_and_best_are_over_ranked_contestants(client: FlaskClient, published: World) -> None:
    html = page(client, published)
    assert '<div class="fs-5">32.00</div>' in html  # (34.33 + 29.67) / 2
    assert '<div class="fs-5">34.33</div>' in html


def test_the_other_secretary_sees_second_place_and_their_own_score(client: FlaskClient, published: World) -> None:
    html = page(client, published, "yuxian", "sec2")
    assert "29.67" in html and "第 2 名 / 共 2 名" in plain(html)
    assert "34.33" in html  # as the group's best, not as their score
    assert "别人的点评" in html and "思路清晰" not in html


def test_per_criterion_averages_compare_own_with_the_group(client: FlaskClient, published: World) -> None:
    html = page(client, published)
    # own C1 54.5/3 = 18.17, C2 48.5/3 = 16.17; group C1 (18.1667 + 15.5)/2 = 16.83, C2 (16.1667 + 14.1667)/2 = 15.17
    row = '<td>{}</td><td class="num">20</td><td class="num fw-semibold">{}</td><td class="num">{}</td>'
    assert row.format("发展思路", "18.17", "16.83") in html
    assert row.format("目标任务", "16.17", "15.17") in html


def test_the_chart_data_travels_in_data_attributes_for_echarts(client: FlaskClient, published: World) -> None:
    html = page(client, published)
    data = {name: json.loads(value) for name, value in re.findall(r"data-(labels|own|group)='([^']*)'", html)}
    assert data == {"labels": ["发展思路", "目标任务"], "own": ["18.17", "16.17"], "group": ["16.83", "15.17"]}
    assert 'data-max="20"' in html
    assert "vendor/echarts/echarts.min.js" in html and "js/feedback.js" in html
    assert "<script>" not in html


def test_comments_appear_under_shuffled_letters_without_judge_names(client: FlaskClient, published: World) -> None:
    html = page(client, published)
    letters = expected_letters(published)
    assert f"评委{letters['judge']}：</span>思路清晰，目标明确" in html
    assert f"评委{letters['judge3']}：</span>项目测算需细化&lt;b&gt;" in html
    for name in JUDGE_NAMES + ("judge2", "judge3", "J01", "J02", "J03"):
        assert name not in without_tokens(html)


def test_each_letter_shows_that_judges_own_marks_and_sheet_total(client: FlaskClient, published: World) -> None:
    html = page(client, published)
    letters = expected_letters(published)
    assert (f'<th scope="row" class="nowrap">评委{letters["judge2"]}</th><td class="num">17.5</td>'
            f'<td class="num">15.0</td><td class="num fw-semibold">32.5</td>') in html


def test_the_letters_do_not_change_between_visits(client: FlaskClient, published: World) -> None:
    first, second = page(client, published), page(client, published, user=None)
    assert re.findall(r"评委[A-C]", first) == re.findall(r"评委[A-C]", second)
    assert first.replace(csrf_of(first), "") == second.replace(csrf_of(second), "")


def test_nothing_shows_before_publication_even_when_signed(client: FlaskClient, scored: World) -> None:
    current = results.preview(scored.contest.id, "round:plan")
    assert current.package_hash is not None
    results.sign_off(scored.users["supervisor"], scored.contest.id, "round:plan", current.package_hash, "ok")
    html = page(client, scored)
    assert "成绩尚未发布" in html
    assert "34.33" not in html and "思路清晰" not in html and "下载 PDF" not in html


def test_the_pdf_before_publication_says_so_and_shows_no_figures(client: FlaskClient, scored: World) -> None:
    login(client, "sec")
    response = client.get(f"/me/feedback/{scored.entries['pingding'].id}.pdf")
    text = pdf_text(response.data)
    assert "成绩尚未发布" in text and "34.33" not in text


def correct_v001(world: World) -> None:
    """评委甲 corrects V001's sheet: 20 and 16 instead of 18 and 16, with a new comment."""
    rnd = world.contest.rounds[0]
    judge = db.session.execute(select(Judge).where(Judge.user_id == world.users["judge"].id)).scalar_one()
    sheet = db.session.execute(select(ScoreSheet).where(ScoreSheet.entry_id == world.entries["pingding"].id,
                                                        ScoreSheet.judge_id == judge.id)).scalar_one()
    sheet.correction_reason = "录入错误"
    c1, c2 = (c.id for c in rnd.criteria)
    store_version(sheet, rnd.id, sheet.entry_id, judge.id, {c1: Decimal("20"), c2: Decimal("16")}, "更正后的点评",
                  StoreOptions(client_token="t-correction", source="phone", entered_by_id=judge.user_id))
    db.session.commit()


def test_a_correction_shows_only_once_a_new_version_is_published(client: FlaskClient, published: World) -> None:
    correct_v001(published)
    html = page(client, published)
    assert "34.33" in html and "思路清晰，目标明确" in html
    assert "35.00" not in html and "更正后的点评" not in html
    assert publish(published) == 2
    html = page(client, published, user=None)
    # 36 + 32.5 + 36.5 = 105 / 3 = 35.00
    assert "35.00" in html and "更正后的点评" in html and "第 2 版" in html
    assert "思路清晰，目标明确" not in html


def test_another_secretarys_entry_is_not_found(client: FlaskClient, published: World) -> None:
    login(client, "sec")
    other = published.entries["yuxian"].id
    assert client.get(f"/me/feedback/{other}").status_code == 404
    assert client.get(f"/me/feedback/{other}.pdf").status_code == 404
    assert client.get("/me/feedback/999999").status_code == 404


def test_only_secretaries_may_open_feedback_pages(client: FlaskClient, published: World) -> None:
    login(client, "city")
    assert client.get(f"/me/feedback/{published.entries['pingding'].id}").status_code == 403
    assert client.get("/me/feedback/").status_code == 403
    anonymous = client.application.test_client()
    assert anonymous.get("/me/feedback/").status_code == 302


def test_the_index_lists_own_entries_with_what_is_published(client: FlaskClient, published: World) -> None:
    login(client, "sec")
    html = client.get("/me/feedback/").get_data(as_text=True)
    assert "已发布" in html and "年初比规划 · 公示中" in html
    assert f"/me/feedback/{published.entries['pingding'].id}" in html
    assert f"/me/feedback/{published.entries['yuxian'].id}" not in html


def test_a_secretary_without_an_entry_sees_that_nothing_is_published(client: FlaskClient, published: World) -> None:
    make_user("sec3", "secretary", published.pingding, name="书记丙")
    db.session.commit()
    login(client, "sec3")
    html = client.get("/me/feedback/").get_data(as_text=True)
    assert "成绩尚未发布" in html and "34.33" not in html


def test_the_home_page_links_to_the_feedback(client: FlaskClient, published: World) -> None:
    login(client, "sec")
    html = client.get("/me/").get_data(as_text=True)
    assert f'href="/me/feedback/{published.entries["pingding"].id}"' in html


# The year total and its notice: tests/web/test_feedback_rounds.py (the year needs every round scored).


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


def test_the_pdf_holds_the_figures_and_comments_on_one_page(client: FlaskClient, published: World,
                                                            tmp_path: Path) -> None:
    login(client, "sec")
    response = client.get(f"/me/feedback/{published.entries['pingding'].id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data).replace(" ", "")
    for figure in ("34.33", "第1名/共2名", "32.00", "18.17", "16.83", "思路清晰，目标明确", "项目测算需细化<b>"):
        assert figure in text
    for name in JUDGE_NAMES:
        assert name not in text
    (tmp_path / "f.pdf").write_bytes(response.data)
    info = subprocess.run(["pdfinfo", str(tmp_path / "f.pdf")], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info


def test_the_pdf_chart_is_drawn_in_the_accent_colour(client: FlaskClient, published: World, tmp_path: Path) -> None:
    login(client, "sec")
    (tmp_path / "f.pdf").write_bytes(client.get(f"/me/feedback/{published.entries['pingding'].id}.pdf").data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / "f.pdf"), str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    red = sum(count for count, (r, g, b) in colours if r > 150 and g < 60 and b < 60)
    assert red > 200  # the own-average bars (#b71c1c)


def test_the_svg_chart_escapes_names_and_scales_bars_to_the_maximum() -> None:
    svg = str(criteria_svg([CriterionLine("<思路>", Decimal(20), Decimal(10), Decimal(20), 2)]))
    assert "&lt;思路&gt;" in svg and "<思路>" not in svg
    assert 'width="105.0" height="8" fill="#b71c1c"' in svg  # 10 of 20 over 210 px
    assert 'width="210.0" height="8" fill="#9e9e9e"' in svg
    assert ">10.00</text>" in svg and ">20.00</text>" in svg


# --- where the published result stands: 公示 or final -------------------------------------------------

def plan_notice() -> Notice:
    return db.session.execute(select(Notice).join(Publication, Publication.id == Notice.version_id)
                              .where(Publication.scope == "round:plan")
                              .order_by(Publication.number.desc())).scalars().first()


def words(html: str) -> str:
    return " ".join(plain(html).split())


def test_a_round_in_its_notice_period_says_until_when_it_may_still_change(client: FlaskClient,
                                                                          published: World) -> None:
    ends = chinese_date(plan_notice().ends_on)
    assert f"公示中 公示期至 {ends}，期间如有异议经复核更正，成绩可能变动" in words(page(client, published))
    html = client.get("/me/feedback/").get_data(as_text=True)
    assert '<span class="badge rounded-pill text-bg-warning text-wrap">年初比规划 · 公示中</span>' in html
    text = pdf_text(client.get(f"/me/feedback/{published.entries['pingding'].id}.pdf").data).replace(" ", "")
    assert f"公示中公示期至{ends}，期间如有异议经复核更正，成绩可能变动" in text


def test_a_notice_past_its_end_but_not_finalized_says_it_may_still_change(client: FlaskClient,
                                                                         published: World) -> None:
    notice = plan_notice()
    notice.ends_on = today() - timedelta(days=1)
    db.session.commit()
    text = words(page(client, published))
    assert (f"公示期已满，待终结 公示期已于 {chinese_date(notice.ends_on)} 结束，尚未终结，异议复核仍可能使成绩变动"
            in text)
    assert "已终结 " not in text


def test_a_finalized_round_says_its_result_is_final(client: FlaskClient, published: World) -> None:
    plan_notice().state = "finalized"
    db.session.commit()
    text = words(page(client, published))
    assert "已终结 成绩已终结，为最终结果" in text and "公示期" not in text
    index = client.get("/me/feedback/").get_data(as_text=True)
    assert '<span class="badge rounded-pill text-bg-success text-wrap">年初比规划 · 已终结</span>' in index
    pdf = pdf_text(client.get(f"/me/feedback/{published.entries['pingding'].id}.pdf").data).replace(" ", "")
    assert "已终结成绩已终结，为最终结果" in pdf and "公示期" not in pdf


def test_a_corrected_version_shows_its_own_notice_not_the_superseded_one(client: FlaskClient,
                                                                         published: World) -> None:
    first = plan_notice()
    first.ends_on = today() - timedelta(days=1)
    db.session.commit()
    correct_v001(published)
    assert publish(published) == 2
    second = plan_notice()
    assert second.id != first.id and db.session.get(Notice, first.id).state == "superseded"
    text = words(page(client, published))
    assert "第 2 版 · 发布于" in text and f"公示中 公示期至 {chinese_date(second.ends_on)}" in text
    assert "公示期已满" not in text and "取代" not in text


def test_the_page_and_the_pdf_say_how_the_round_score_came_from_the_sheets(
        client: FlaskClient, published: World) -> None:
    html = plain(page(client, published))
    assert "本轮得分为 3 位评委的评分表合计的平均。" in html  # the plan round takes the mean of all three here
    text = " ".join(pdf_text(client.get(f"/me/feedback/{published.entries['pingding'].id}.pdf").data).split())
    assert "本轮得分：年初比规划 3 位评委的合计平均。" in text and "本人平均”为全部评委" not in text


def test_a_trimmed_mean_is_said_with_why_the_criterion_means_need_not_add_up(client: FlaskClient,
                                                                            scored: World) -> None:
    rnd = scored.contest.rounds[0]
    rnd.panel_method, rnd.trim, rnd.trim_from = "trimmed_mean", 1, 3
    db.session.commit()
    publish(scored)
    html = plain(page(client, scored))
    assert ("本轮得分为 3 位评委的评分表合计去掉最高、最低各 1 个后的平均（计入 1 个）。"
            "各项“本人平均”为全部 3 位评委的平均，用于对照各项强弱，其合计可能与本轮得分略有不同。") in html
    text = "".join(pdf_text(client.get(f"/me/feedback/{scored.entries['pingding'].id}.pdf").data).split())
    assert "本轮得分：年初比规划3位评委的合计去掉最高、最低各1个后平均。“本人平均”为全部评委的各项平均" in text
