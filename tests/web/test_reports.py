"""Reports: Excel rankings and score matrix, the 评分汇总表 PDF, appraisal figures, judge consistency, access."""

import subprocess
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from app.extensions import db
from app.reports import figures
from app.reports.columns import Column, fixed_row, header_row
from scoring import judge_statistics
from tests.conftest import login
from tests.factories import World
from tests.reports_data import MALICIOUS, Published, build

ORG = "/organize/reports"
SUP = "/supervise/reports"


@pytest.fixture()
def pub(world: World) -> Published:
    return build(world)


def base(pub: Published, prefix: str = ORG) -> str:
    return f"{prefix}/{pub.world.contest.id}/round:plan/v1"


def sheet_of(client: FlaskClient, url: str, index: int = 0) -> Worksheet:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    book = load_workbook(BytesIO(response.data))
    return book.worksheets[index]


def values(sheet: Worksheet, first: int) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(min_row=first, values_only=True)]


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


# --- ranking Excel -------------------------------------------------------------------------------

def test_the_ranking_workbook_lists_the_village_group_in_rank_order_under_chinese_headers(
        client: FlaskClient, pub: Published) -> None:
    login(client, "city")
    sheet = sheet_of(client, f"{base(pub)}/ranking.xlsx")
    assert sheet.title == "村党组织书记组"
    assert sheet["A1"].value == "2022年度大比武 · 年初比规划 · 村党组织书记组排名"
    assert sheet["A2"].value == f"第 1 版 · 审计包哈希 {pub.version.package_hash}"
    assert values(sheet, 3) == [
        ["名次", "并列", "编号", "姓名", "单位", "县区", "总分", "奖项/备注"],
        [1, None, "V002", "书记乙", "盂县秀水镇东关村", "盂县", 21.25, "一等奖"],
        [2, None, "V001", "书记甲", "平定县冠山镇西关村", "平定县", 21, "二等奖"],
        [3, None, "V003", MALICIOUS, "平定县冠山镇南关村", "平定县", 19.88, "优秀奖"],
        [4, None, "V004", "王五", "平定县娘子关镇河北村", "平定县", 18.63, None],
    ]


def test_the_ranking_prints_on_a4_landscape_fit_to_width_with_the_header_row_repeated(
        client: FlaskClient, pub: Published) -> None:
    login(client, "city")
    sheet = sheet_of(client, f"{base(pub)}/ranking.xlsx")
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.freeze_panes == "A4"
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_a_name_that_starts_like_a_formula_is_written_as_text(client: FlaskClient, pub: Published,
                                                            prefix: str) -> None:
    holder = pub.entries["V004"].current_holder
    assert holder is not None
    holder.user.display_name = f"{prefix}HYPERLINK(\"http://evil\")"
    db.session.commit()
    login(client, "city")
    sheet = sheet_of(client, f"{base(pub)}/ranking.xlsx")
    assert sheet["D7"].value == f"{prefix}HYPERLINK(\"http://evil\")"  # exactly the name: no visible apostrophe
    assert sheet["D7"].data_type == "s" and sheet["D7"].quotePrefix is True  # text, and stays text when edited


def test_a_county_organizer_exports_only_their_countys_rows_with_the_city_ranks(
        client: FlaskClient, pub: Published) -> None:
    login(client, "pdorg")
    sheet = sheet_of(client, f"{base(pub)}/ranking.xlsx")
    assert [(row[0], row[2]) for row in values(sheet, 4)] == [(2, "V001"), (3, "V003"), (4, "V004")]


# --- score matrix --------------------------------------------------------------------------------

def test_the_score_matrix_has_one_row_per_judge_and_contestant_with_real_names(
        client: FlaskClient, pub: Published) -> None:
    login(client, "city")
    sheet = sheet_of(client, f"{base(pub)}/score-matrix.xlsx")
    rows = values(sheet, 5)
    assert rows[0] == ["轮次", "编号", "单位", "评委", "指标1", "指标2", "评分表合计", "版本", "来源"]
    assert len(rows) == 1 + 16
    assert rows[1:5] == [
        ["年初比规划", "V001", "平定县冠山镇西关村", "@评委丁", 10, 5, 15, 1, "手机"],
        ["年初比规划", "V001", "平定县冠山镇西关村", "评委丙", 18.5, 5, 23.5, 1, "手机"],
        ["年初比规划", "V001", "平定县冠山镇西关村", "评委乙", 17.5, 5, 22.5, 1, "手机"],
        ["年初比规划", "V001", "平定县冠山镇西关村", "评委甲", 18, 5, 23, 1, "手机"],
    ]
    assert sheet["A3"].value == "年初比规划：指标1 发展思路（满分 20）；指标2 产业带动（满分 10）"


def test_the_score_matrix_shows_the_version_counted_at_publication_not_a_later_correction(
        client: FlaskClient, pub: Published) -> None:
    login(client, "sup")
    rows = values(sheet_of(client, f"{base(pub, SUP)}/score-matrix.xlsx"), 6)
    corrected = [r for r in rows if r[1] == "V004" and r[3] == "评委乙"]
    assert corrected == [["年初比规划", "V004", "平定县娘子关镇河北村", "评委乙", 12.5, 5, 17.5, 2, "手机"]]


def test_a_county_organizers_score_matrix_holds_only_their_county(client: FlaskClient, pub: Published) -> None:
    login(client, "pdorg")
    rows = values(sheet_of(client, f"{base(pub)}/score-matrix.xlsx"), 6)
    assert sorted({r[1] for r in rows}) == ["V001", "V003", "V004"] and len(rows) == 12


# --- 评分汇总表 PDF ------------------------------------------------------------------------------

def test_the_score_summary_pdf_prints_contestants_scores_hash_and_signature_lines(
        client: FlaskClient, pub: Published, tmp_path: Path) -> None:
    login(client, "city")
    response = client.get(f"{base(pub)}/summary-village.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    assert "年初比规划评分汇总表" in text and "村党组织书记组" in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "1 V002 书记乙 盂县秀水镇东关村 4 25.00 19.50 21.25 一等奖" in lines
    assert "4 V004 王五 平定县娘子关镇河北村 4 23.00 17.00 18.63" in lines
    assert pub.version.package_hash in "".join(text.split())
    assert "评委签字" in text and "监督员签字" in text


def test_a_name_holding_an_image_tag_is_printed_as_text_and_nothing_local_is_read(
        client: FlaskClient, pub: Published, tmp_path: Path) -> None:
    judge = pub.judges["judge3"]
    judge.user.display_name = MALICIOUS
    db.session.commit()
    login(client, "city")
    response = client.get(f"{base(pub)}/summary-village.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = pdf_text(response.data, tmp_path)
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    # V003's holder wraps inside its column
    row = lines.index("3 V003 <img src=\" 平定县冠山镇南关村 4 21.50 16.00 19.88 优秀奖")
    assert lines[row + 1:row + 3] == ["file:///et", "c/passwd\">"]
    assert "root:" not in text
    html = client.get(f"{base(pub)}/judges").get_data(as_text=True)
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;</td>" in html and MALICIOUS not in html


def test_the_score_summary_is_only_for_a_round_and_a_group_with_contestants(
        client: FlaskClient, pub: Published) -> None:
    login(client, "city")
    assert client.get(f"{base(pub)}/summary-township.pdf").status_code == 404
    assert client.get(f"{ORG}/{pub.world.contest.id}/round:plan/v2/summary-village.pdf").status_code == 404


# --- appraisal -----------------------------------------------------------------------------------

def test_the_appraisal_figures_per_county_are_those_computed_by_hand(pub: Published) -> None:
    view = figures.appraisal_view(pub.world.users["city_organizer"], pub.world.contest.id, None, None)
    (village,) = view.figures
    assert village.bands == ["一等奖", "二等奖", "优秀奖"]
    # 盂县: V002 21.25; 平定县: (21.00 + 19.88 + 18.63) / 3 = 19.836… → 19.84
    assert [(u.name, u.contestants, u.ranked, u.average, u.awards, u.best, u.weakest) for u in village.counties] == [
        ("盂县", 1, 1, "21.25", {"一等奖": 1, "二等奖": 0, "优秀奖": 0},
         "盂县秀水镇东关村（21.25，第 1 名）", "盂县秀水镇东关村（21.25，第 1 名）"),
        ("平定县", 3, 3, "19.84", {"一等奖": 0, "二等奖": 1, "优秀奖": 1},
         "平定县冠山镇西关村（21.00，第 2 名）", "平定县娘子关镇河北村（18.63，第 4 名）"),
    ]


def test_the_appraisal_figures_per_township_are_those_computed_by_hand(pub: Published) -> None:
    view = figures.appraisal_view(pub.world.users["city_organizer"], pub.world.contest.id, None, None)
    # 冠山镇: (21.00 + 19.88) / 2 = 20.44
    assert [(u.name, u.contestants, u.average) for u in view.figures[0].townships] == [
        ("盂县秀水镇", 1, "21.25"), ("平定县冠山镇", 2, "20.44"), ("平定县娘子关镇", 1, "18.63")]


def test_the_appraisal_page_and_workbook_show_the_same_figures(client: FlaskClient, pub: Published) -> None:
    login(client, "city")
    html = client.get(f"{ORG}/{pub.world.contest.id}/appraisal").get_data(as_text=True)
    assert "年初比规划 第 1 版" in html and "19.84" in html and "20.44" in html
    response = client.get(f"{ORG}/{pub.world.contest.id}/appraisal.xlsx?scope=round:plan&v=1")
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["村党组织书记组-按县区", "村党组织书记组-按乡镇"]
    assert values(book.worksheets[0], 3)[:3] == [
        ["县区", "参赛人数", "排名人数", "平均总分", "一等奖", "二等奖", "优秀奖", "最好", "最弱"],
        ["盂县", 1, 1, 21.25, 1, 0, 0, "盂县秀水镇东关村（21.25，第 1 名）", "盂县秀水镇东关村（21.25，第 1 名）"],
        ["平定县", 3, 3, 19.84, 0, 1, 1, "平定县冠山镇西关村（21.00，第 2 名）",
         "平定县娘子关镇河北村（18.63，第 4 名）"],
    ]


def test_a_county_organizer_sees_their_county_only_and_another_countys_id_is_404(
        client: FlaskClient, pub: Published) -> None:
    login(client, "pdorg")
    contest_id = pub.world.contest.id
    html = client.get(f"{ORG}/{contest_id}/appraisal").get_data(as_text=True)
    assert "平定县冠山镇" in html and "盂县" not in html
    assert client.get(f"{ORG}/{contest_id}/appraisal/county/{pub.world.pingding.id}").status_code == 200
    assert client.get(f"{ORG}/{contest_id}/appraisal/county/{pub.world.yuxian.id}").status_code == 404
    assert client.get(f"{ORG}/{contest_id}/appraisal/county/99999").status_code == 404


def test_the_city_organizer_opens_any_countys_townships(client: FlaskClient, pub: Published) -> None:
    login(client, "city")
    html = client.get(f"{ORG}/{pub.world.contest.id}/appraisal/county/{pub.world.yuxian.id}").get_data(as_text=True)
    assert "盂县秀水镇" in html and "平定县冠山镇" not in html


# --- judge consistency ---------------------------------------------------------------------------

def judge_rows(html: str) -> dict[str, str]:
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr")[1:]
    return {row.split('<td class="text-nowrap">', 1)[1].split("</td>", 1)[0]: row for row in rows}


def test_the_consistency_page_shows_the_scoring_cores_statistics_under_real_names(
        client: FlaskClient, pub: Published) -> None:
    login(client, "sup")
    html = client.get(f"{base(pub, SUP)}/judges").get_data(as_text=True)
    stats = judge_statistics(pub.version.package["input"])["rounds"]["plan"]
    rows = judge_rows(html)
    assert sorted(rows) == ["@评委丁", "评委丙", "评委乙", "评委甲"]
    for item in stats:
        row = next(r for r in rows.values() if f">{item['judge']}<" in r)
        for key in ("sheets", "mean", "sd", "bias", "highest", "lowest", "spearman"):
            assert f'<td class="num">{item[key]}</td>' in row or f">{item[key]}</td>" in row
    assert "偏差绝对值中位数 0.25" in html


def test_the_reversed_judge_is_flagged_as_an_outlier_and_the_others_are_not(pub: Published) -> None:
    _published, (plan,) = figures.consistency(pub.world.users["supervisor"], pub.world.contest.id, "round:plan", 1)
    flagged = {line.name: line.reasons for line in plan.lines if line.reasons}
    assert flagged == {"@评委丁": ["偏差超过本轮中位数的 2 倍", "与合议结果的等级相关低于 0.3"]}
    assert {line.name: line.bias for line in plan.lines}["@评委丁"] == "-0.58"
    assert Decimal({line.name: line.spearman for line in plan.lines}["评委甲"] or "0") == Decimal("0.4")


def test_a_county_organizers_consistency_report_uses_only_their_countys_sheets(
        client: FlaskClient, pub: Published) -> None:
    contest_id = pub.world.contest.id
    _published, (plan,) = figures.consistency(pub.world.users["county_organizer"], contest_id, "round:plan", 1)
    # 平定县: V001, V003, V004. 评委丁 gave 15, 16, 23 where the others averaged 23, 21.17, 17.17.
    assert {line.name: line.sheets for line in plan.lines} == {"评委甲": 3, "评委乙": 3, "评委丙": 3, "@评委丁": 3}
    assert {line.name: line.bias for line in plan.lines}["@评委丁"] == "-2.44"
    _published, (plan,) = figures.consistency(pub.world.users["other_county_organizer"], contest_id, "round:plan", 1)
    # 盂县: V002 only, one sheet each; 25 against the others' 20.5, 19.5 and 20; no rank correlation of one.
    assert {line.name: (line.sheets, line.mean, line.bias, line.spearman) for line in plan.lines}["@评委丁"] == (
        1, "25.00", "5.00", None)
    assert all(line.sheets == 1 for line in plan.lines)
    login(client, "pdorg")
    html = client.get(f"{base(pub)}/judges").get_data(as_text=True)
    assert all('<td class="num">3</td>' in row for row in judge_rows(html).values())
    assert "只统计平定县参赛人的评分表" in html


# --- access and index ----------------------------------------------------------------------------

PATHS = ["/", "/{c}/round:plan/v1/ranking.xlsx", "/{c}/round:plan/v1/score-matrix.xlsx",
         "/{c}/round:plan/v1/judges", "/{c}/appraisal"]


@pytest.mark.parametrize("username", ["clerk", "judge", "sec"])
def test_other_roles_are_refused_every_report(client: FlaskClient, pub: Published, username: str) -> None:
    login(client, username)
    for prefix in (ORG, SUP):
        for path in PATHS:
            assert client.get(prefix + path.format(c=pub.world.contest.id)).status_code == 403


def test_organizers_cannot_use_the_supervisor_pages_nor_supervisors_the_organizer_pages(
        client: FlaskClient, pub: Published) -> None:
    login(client, "city")
    assert client.get(f"{SUP}/").status_code == 403
    other = client.application.test_client()
    login(other, "sup")
    assert other.get(f"{ORG}/").status_code == 403 and other.get(f"{SUP}/").status_code == 200


def test_an_unpublished_scope_or_an_unknown_contest_is_404(client: FlaskClient, pub: Published) -> None:
    login(client, "city")
    assert client.get(f"{ORG}/{pub.world.contest.id}/round:service/v1/ranking.xlsx").status_code == 404
    assert client.get(f"{ORG}/99999/round:plan/v1/judges").status_code == 404


def test_the_index_links_the_latest_version_of_each_published_scope(client: FlaskClient, pub: Published) -> None:
    login(client, "sup")
    html = client.get(f"{SUP}/").get_data(as_text=True)
    assert f"{base(pub, SUP)}/ranking.xlsx" in html and f"{base(pub, SUP)}/summary-village.pdf" in html
    assert html.count("尚未发布") == 3  # service, results, year


def test_a_fixed_width_row_pads_numbers_right_and_wraps_a_long_value_in_its_column() -> None:
    columns = [Column("名次", 4, True), Column("单位", 6), Column("得分", 6, True)]
    assert fixed_row(columns, ["12", "平定县冠山", "21.25"]) == "  12 平定县  21.25\n     冠山"
    assert header_row(columns) == "名次 单位     得分"
