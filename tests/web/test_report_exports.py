"""Report exports shown exactly as published: number formats, the summary's rule text and footer, the matrix."""

import subprocess
from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from app.excel import Number, SheetSpec, number_format, places_of, workbook
from app.extensions import db
from app.judging.corrections import accept_late
from app.judging.models import Mark, ScoreSheet, SheetVersion
from app.judging.sheets import StoreOptions, store_version
from app.panel_words import panel_rule
from app.pdf import render_pdf
from app.publication.models import Publication
from app.results import services as results
from app.timeutil import utcnow
from tests.conftest import login
from tests.factories import World
from tests.reports_data import Published, build

ORG = "/organize/reports"


@pytest.fixture()
def pub(world: World) -> Published:
    return build(world)


def url(pub: Published, what: str, number: int = 1) -> str:
    return f"{ORG}/{pub.world.contest.id}/round:plan/v{number}/{what}"


def sheet_of(client: FlaskClient, path: str, index: int = 0) -> Worksheet:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return load_workbook(BytesIO(response.data)).worksheets[index]


def cells(sheet: Worksheet, row: int) -> list[tuple[object, str]]:
    return [(c.value, c.number_format) for c in sheet[row]]


def pdf_pages(data: bytes) -> list[str]:
    """pdftotext's text of each page, without any whitespace (layout spacing varies with the content)."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    return ["".join(page.decode().split()) for page in text.split(b"\f") if page.strip()]


def republish(pub: Published) -> Publication:
    contest_id = pub.world.contest.id
    current = results.preview(contest_id, "round:plan")
    assert current.package_hash and not current.problems, current.problems
    results.sign_off(pub.world.users["supervisor"], contest_id, "round:plan", current.package_hash, "复核")
    return results.publish(pub.world.users["city_organizer"], contest_id, "round:plan", current.package_hash)


def sheet_for(pub: Published, number: str, judge: str) -> ScoreSheet:
    return db.session.execute(select(ScoreSheet).where(ScoreSheet.entry_id == pub.entries[number].id,
                                                       ScoreSheet.judge_id == pub.judges[judge].id)).scalar_one()


def matrix_row(sheet: Worksheet, number: str, judge: str) -> list[object]:
    rows = [list(r) for r in sheet.iter_rows(min_row=6, values_only=True)]
    (row,) = [r for r in rows if r[1] == number and r[3] == judge]
    return row


# --- number formats --------------------------------------------------------------------------------

def test_ranking_totals_are_numbers_shown_with_the_contests_two_places(client: FlaskClient, pub: Published) -> None:
    login(client, "city")
    sheet = sheet_of(client, url(pub, "ranking.xlsx"))
    assert [cells(sheet, row)[6] for row in (4, 5, 6, 7)] == [
        (21.25, "0.00"), (21, "0.00"), (19.88, "0.00"), (18.63, "0.00")]  # 21 shows as 21.00
    assert cells(sheet, 4)[0] == (1, "General")


@pytest.mark.parametrize(("places", "pattern"), [(0, "0"), (3, "0.000")])
def test_ranking_totals_follow_the_places_in_the_published_package(world: World, client: FlaskClient,
                                                                   places: int, pattern: str) -> None:
    world.contest.places = places
    pub = build(world)
    published = {c["id"]: Decimal(c["total"]) for c in pub.version.package["result"]["contestants"]}
    login(client, "city")
    sheet = sheet_of(client, url(pub, "ranking.xlsx"))
    shown = {row[2].value: (Decimal(str(row[6].value)), row[6].number_format) for row in sheet.iter_rows(min_row=4)}
    assert shown == {number: (total, pattern) for number, total in published.items()}


def test_matrix_marks_and_sheet_totals_use_the_criterion_steps_places(client: FlaskClient, pub: Published) -> None:
    login(client, "city")
    sheet = sheet_of(client, url(pub, "score-matrix.xlsx"))
    assert cells(sheet, 6)[3:9] == [("@评委丁", "General"), (10, "0.0"), (5, "0.0"), (15, "0.0"), (1, "General"),
                                    ("手机", "General")]


def test_a_whole_point_step_shows_marks_without_decimals(client: FlaskClient, pub: Published) -> None:
    pub.world.contest.rounds[0].criteria[1].step = Decimal(1)  # every 产业带动 mark is 5
    db.session.commit()
    republish(pub)
    login(client, "city")
    sheet = sheet_of(client, url(pub, "score-matrix.xlsx", 2))
    assert cells(sheet, 6)[4:7] == [(10, "0.0"), (5, "0"), (15, "0.0")]


def test_the_appraisal_average_keeps_its_two_places(client: FlaskClient, pub: Published) -> None:
    login(client, "city")
    sheet = sheet_of(client, f"{ORG}/{pub.world.contest.id}/appraisal.xlsx?scope=round:plan&v=1")
    assert [cells(sheet, row)[:4] for row in (4, 5)] == [
        [("盂县", "General"), (1, "General"), (1, "General"), (21.25, "0.00")],
        [("平定县", "General"), (3, "General"), (3, "General"), (19.84, "0.00")]]


def test_number_formats_and_places_of_steps() -> None:
    assert [number_format(p) for p in (0, 1, 2)] == ["0", "0.0", "0.00"]
    assert [places_of(Decimal(s)) for s in ("1", "0.5", "0.25", "20", "0.50")] == [0, 1, 2, 0, 1]
    assert places_of(Decimal("1"), Decimal("0.5")) == 1  # min 0.5, step 1: marks 0.5, 1.5, …
    book = load_workbook(BytesIO(workbook([SheetSpec("t", ["a", "b"], [[Number(Decimal("81.50"), 2), "-1"]])])))
    assert cells(book.worksheets[0], 2) == [(81.5, "0.00"), ("-1", "General")]


# --- 评分汇总表: rule text and footer ---------------------------------------------------------------

PANELS = [
    (("mean", 0, 1, 3, "none"), "取全部评委平均分；每名参赛者至少 3 位评委评分；保留 2 位小数，四舍五入"),
    (("trimmed_mean", 1, 3, 3, "none"),
     "评委不少于 3 人时去掉最高分和最低分各 1 个后取平均，不足 3 人时取全部评委平均分；每名参赛者至少 3 位评委评分；"
     "保留 2 位小数，四舍五入"),
    (("trimmed_mean", 2, 5, 4, "zscore"),
     "各评委所评合计先按 z 分数标准化；评委不少于 5 人时去掉最高分和最低分各 2 个后取平均，"
     "不足 5 人时取全部评委平均分；每名参赛者至少 4 位评委评分；保留 2 位小数，四舍五入"),
]


@pytest.mark.parametrize(("settings", "rule"), PANELS, ids=["mean", "trim-1-of-3", "zscore-trim-2-of-5"])
def test_the_summary_states_the_rounds_own_panel_rule(world: World, client: FlaskClient, tmp_path: Path,
                                                      settings: tuple[str, int, int, int, str], rule: str) -> None:
    rnd = world.contest.rounds[0]
    rnd.panel_method, rnd.trim, rnd.trim_from, rnd.min_judges, rnd.normalize = settings
    pub = build(world)
    assert pub.version.package["input"]["rounds"][0]["panel"]["method"] == settings[0]
    login(client, "city")
    (page,) = pdf_pages(client.get(url(pub, "summary-village.pdf")).data)
    assert f"计分规则：{rule}。".replace(" ", "") in page
    assert "去掉一个最高分" not in page


def test_the_rule_text_for_whole_points_and_adjustments() -> None:
    panel = {"method": "trimmed_mean", "trim": 0, "trim_from": 1, "min_judges": 5, "normalize": "none"}
    assert panel_rule(panel, 0, adjusted=True) == \
        "取全部评委平均分；每名参赛者至少 5 位评委评分；取整数，四舍五入；得分含加减分（不低于 0）"


def test_the_summary_footer_carries_the_hash_and_page_of_pages(client: FlaskClient, pub: Published) -> None:
    login(client, "city")
    (page,) = pdf_pages(client.get(url(pub, "summary-village.pdf")).data)
    assert page.endswith(f"审计包哈希{pub.version.package_hash}第1页共1页")


def test_every_page_of_a_long_summary_has_the_footer(client: FlaskClient) -> None:
    digest = "ab" * 32
    data = render_pdf("score_summary.html", title="年初比规划评分汇总表", contest="c", group="g", version=1,
                      hash=digest, footer_hash=digest, header="名次", lines=[f"{i} V{i:03d}" for i in range(1, 160)],
                      rule="取全部评委平均分", judge_slots=5, printed="", published="")
    pages = pdf_pages(data)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert page.endswith(f"审计包哈希{digest}第{number}页共{len(pages)}页"), page[-120:]


# --- score matrix from the published package -------------------------------------------------------

def store_late(pub: Published, number: str, judge: str, marks: tuple[str, str], token: str) -> SheetVersion:
    rnd = pub.world.contest.rounds[0]
    first, second = (c.id for c in rnd.criteria)
    version = store_version(sheet_for(pub, number, judge), rnd.id, pub.entries[number].id, pub.judges[judge].id,
                            {first: Decimal(marks[0]), second: Decimal(marks[1])}, "",
                            StoreOptions(client_token=token, source="offline", late=True,
                                         entered_by_id=pub.judges[judge].user_id))
    db.session.commit()
    return version


def test_a_late_sheet_accepted_after_publication_leaves_version_1s_matrix_as_published(
        client: FlaskClient, pub: Published) -> None:
    late = store_late(pub, "V001", "judge", ("20", "10"), "late-after")
    late.confirmed_at = pub.version.published_at - timedelta(minutes=10)  # confirmed offline before publication
    db.session.commit()
    accept_late(pub.world.users["city_organizer"], late.id, "离线确认，网络恢复后送达")
    login(client, "city")
    sheet = sheet_of(client, url(pub, "score-matrix.xlsx"))
    assert matrix_row(sheet, "V001", "评委甲") == [
        "年初比规划", "V001", "平定县冠山镇西关村", "评委甲", 18, 5, 23, 1, "手机"]
    assert "找不到" not in str(sheet["A4"].value)


def test_a_late_sheet_accepted_before_a_new_version_counts_there_with_its_number(
        client: FlaskClient, pub: Published) -> None:
    late = store_late(pub, "V002", "judge", ("19", "6"), "late-before")
    accept_late(pub.world.users["city_organizer"], late.id, "离线确认，网络恢复后送达")
    later = db.session.execute(select(SheetVersion).where(SheetVersion.number == 3)).scalar_one()
    later.confirmed_at = utcnow() - timedelta(seconds=1)  # the correction of V004, now before version 2
    db.session.commit()
    assert republish(pub).number == 2
    login(client, "city")
    second = sheet_of(client, url(pub, "score-matrix.xlsx", 2))
    assert matrix_row(second, "V002", "评委甲")[4:] == [19, 6, 25, 2, "离线"]
    assert matrix_row(second, "V004", "评委乙")[4:] == [13, 5, 18, 3, "手机"]
    first = sheet_of(client, url(pub, "score-matrix.xlsx"))
    assert matrix_row(first, "V002", "评委甲")[4:] == [15, 5, 20, 1, "手机"]
    assert matrix_row(first, "V004", "评委乙")[4:] == [12.5, 5, 17.5, 2, "手机"]


def test_the_matrix_shows_the_package_marks_even_when_the_database_was_altered(
        client: FlaskClient, pub: Published) -> None:
    version = sheet_for(pub, "V001", "judge").versions[0]
    mark = db.session.execute(select(Mark).where(Mark.version_id == version.id).order_by(Mark.id)).scalars().first()
    assert mark is not None
    mark.value = Decimal("3")
    db.session.commit()
    login(client, "city")
    sheet = sheet_of(client, url(pub, "score-matrix.xlsx"))
    assert matrix_row(sheet, "V001", "评委甲")[4:] == [18, 5, 23, "—", None]
    assert str(sheet["A4"].value).endswith("；1 行找不到分值相同的评分表版本，记为“—”")
