"""A secretary's feedback with every round and the year published: fifteen judges, five criteria, long comments."""

import subprocess
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.contests.models import Criterion
from app.extensions import db
from app.judges.models import Judge
from app.judging.sheets import StoreOptions, store_version
from app.notices.models import Notice
from app.panels.services import PanelSpec, create_manual
from app.publication.models import Publication
from app.results import services as results
from app.timeutil import chinese_date
from tests.conftest import login
from tests.factories import World, make_user

JUDGES = 15
EXTRA_CRITERIA = ("目标任务", "项目支撑", "保障措施", "现场表现")
TEXT = "项目测算还需细化，资金来源和收益分配要写清楚，风险防范措施需要补充，"


def comment(judge: int) -> str:
    """Ninety characters: the longest comment the one-round PDF prints whole."""
    text = f"第{judge:02d}位：" + TEXT * 3
    return text[:90]


@pytest.fixture()
def season(world: World) -> World:
    """Fifteen judges score V001 and V002 on five criteria in all three rounds.

    Judge i gives V001 16 + 0.5 × (i mod 3) + r on every criterion of round r (0, 1, 2), so the sheet
    totals are 80, 82.5 and 85 (+ 5r), five of each; trimming one highest and one lowest leaves a
    mean of 82.50, 87.50, 92.50. V002 gets 2 points less per criterion: 72.50, 77.50, 82.50.
    """
    contest = world.contest
    for rnd in contest.rounds:
        for position, name in enumerate(EXTRA_CRITERIA, start=2):
            rnd.criteria.append(Criterion(name=name, max_points=Decimal(20), step=Decimal("0.5"), position=position))
    judges = [db.session.execute(select(Judge)).scalar_one()]
    for number in range(2, JUDGES + 1):
        user = make_user(f"judge{number}", "judge", name=f"评委{number:02d}")
        db.session.flush()
        judges.append(Judge(contest_id=contest.id, user_id=user.id, unit="市财政局", field="finance"))
        db.session.add(judges[-1])
    db.session.commit()
    village = next(g for g in contest.groups if g.code == "village")
    for r, rnd in enumerate(contest.rounds):
        create_manual(world.users["city_organizer"], PanelSpec(rnd.id, village.id, f"{rnd.name}组"),
                      [j.id for j in judges])
        for i, judge in enumerate(judges):
            for key, base, text in (("pingding", 16, comment(i + 1)), ("yuxian", 14, "")):
                value = Decimal(base) + Decimal("0.5") * (i % 3) + r
                store_version(None, rnd.id, world.entries[key].id, judge.id, {c.id: value for c in rnd.criteria},
                              text, StoreOptions(client_token=f"s-{rnd.code}-{judge.id}-{key}", source="phone",
                                                 entered_by_id=judge.user_id))
    db.session.commit()
    return world


def publish(world: World, scope: str) -> Publication:
    current = results.preview(world.contest.id, scope)
    assert current.package_hash and not current.problems, current.problems
    results.sign_off(world.users["supervisor"], world.contest.id, scope, current.package_hash, "核对无误")
    return results.publish(world.users["city_organizer"], world.contest.id, scope, current.package_hash)


@pytest.fixture()
def year(season: World) -> World:
    for scope in ("round:plan", "round:service", "round:results", "year"):
        publish(season, scope)
    return season


def pdf(client: FlaskClient, world: World) -> tuple[int, str]:
    """(page count, text without whitespace) of the secretary's feedback PDF."""
    login(client, "sec")
    response = client.get(f"/me/feedback/{world.entries['pingding'].id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", "-"], input=response.data, capture_output=True, check=True).stdout.decode()
    pages = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True,
                          check=True).stdout.decode()
    return pages, "".join(text.split())


def ends_on(scope: str) -> str:
    notice = db.session.execute(select(Notice).join(Publication, Publication.id == Notice.version_id)
                                .where(Publication.scope == scope)).scalar_one()
    return chinese_date(notice.ends_on)


def test_three_rounds_with_fifteen_long_comments_each_stay_on_one_pdf_page(client: FlaskClient, year: World) -> None:
    pages, text = pdf(client, year)
    assert pages == 1
    for name, score in (("年初比规划", "82.50"), ("年中比服务", "87.50"), ("年末比成效", "92.50")):
        assert name in text and f"本轮得分{score}" in text
    assert "全年总成绩" in text and "总成绩88.00" in text
    assert text.count(f"公示中公示期至{ends_on('round:plan')}") >= 3
    assert "点评较长处已截断，全文见网页“成绩与点评”" in text
    assert comment(1) not in text and comment(1)[:8] in text
    for number in range(2, JUDGES + 1):
        assert f"评委{number:02d}" not in text


def test_the_web_page_keeps_every_comment_whole(client: FlaskClient, year: World) -> None:
    login(client, "sec")
    html = client.get(f"/me/feedback/{year.entries['pingding'].id}").get_data(as_text=True)
    assert html.count(comment(1)) == 3 and html.count(comment(15)) == 3


def test_one_round_prints_its_fifteen_comments_whole_on_one_page(client: FlaskClient, season: World) -> None:
    publish(season, "round:plan")
    pages, text = pdf(client, season)
    assert pages == 1
    for number in range(1, JUDGES + 1):
        assert comment(number) in text
    assert "截断" not in text and "年中比服务" not in text


def test_the_year_total_rank_and_group_figures_with_its_notice(client: FlaskClient, year: World) -> None:
    login(client, "sec")
    html = client.get(f"/me/feedback/{year.entries['pingding'].id}").get_data(as_text=True)
    text = " ".join(html.split())
    # (30 × 82.50 + 30 × 87.50 + 40 × 92.50) / 100 = 88.00; V002 78.00; average 83.00
    year_part = text.split('id="year-title"', 1)[1].split("</section>", 1)[0]
    assert '<div class="fs-4 fw-bold text-danger">88.00</div>' in year_part
    assert '<div class="fs-5">83.00</div>' in year_part
    assert f"公示中</span> 公示期至 {ends_on('year')}，期间如有异议经复核更正，成绩可能变动" in year_part
