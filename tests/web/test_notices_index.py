"""The staff's lists say where each result stands: its newest version, the 公示 phase today, objections waiting."""

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from app.contests.models import Round
from app.extensions import db
from app.notices.models import Notice
from tests.conftest import login
from tests.factories import World
from tests.web.test_notices import end_period, file, notice, scored

__all__ = ["notice", "scored"]  # fixtures shared with the notice tests

SCOPE_ROW = re.compile(r'<span class="me-auto">([^<]+)</span>\s*(.*?)<i class="bi bi-chevron-right"', re.S)
TAGS = re.compile(r"<[^>]+>|\s+")


def scope_states(html: str) -> dict[str, str]:
    """The results index as read: each scope's name and what stands beside it, tags and spaces removed."""
    return {name: TAGS.sub("", rest) for name, rest in SCOPE_ROW.findall(html)}


def test_the_results_index_names_each_scopes_version_and_phase(client: FlaskClient, notice: Notice) -> None:
    login(client, "city")
    states = scope_states(client.get("/organize/results/").get_data(as_text=True))
    assert states == {"年初比规划": "第1版公示中", "年中比服务": "未发布", "年末比成效": "未发布",
                      "全年总成绩": "未发布"}


def test_a_notice_past_its_period_reads_waiting_to_be_finalized_and_counts_open_objections(
        client: FlaskClient, notice: Notice) -> None:
    assert file(client, notice)[0] == 302  # one public objection, not yet reviewed
    end_period(notice)
    login(client, "sup")
    states = scope_states(client.get("/supervise/results/").get_data(as_text=True))
    assert states["年初比规划"] == "第1版公示期已满，待终结·待复核异议1"
    html = client.get("/supervise/notices/").get_data(as_text=True)
    row = re.search(rf'<tr><td><a href="/supervise/notices/{notice.id}">.*?</tr>', html, re.S)
    assert row is not None
    cells = [TAGS.sub("", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)]
    assert cells[1:] == ["第1版", f"{notice.starts_on}至{notice.ends_on}", "1", "公示期已满，待终结"]


def test_a_county_organizer_sees_no_city_preview_list(client: FlaskClient, scored: World) -> None:
    login(client, "pdorg")
    html = client.get("/organize/results/").get_data(as_text=True)
    assert scope_states(html) == {} and "成绩由市级组织者计算" in html


def test_the_supervisors_home_says_what_waits(client: FlaskClient, notice: Notice) -> None:
    assert file(client, notice)[0] == 302
    login(client, "sup")
    html = client.get("/supervise/").get_data(as_text=True)
    text = TAGS.sub("", html)
    assert "待确认的一票否决0" in text and "待复核异议1" in text
    assert 'class="btn btn-warning"' in html and 'class="btn btn-outline-secondary"' in html
    assert scope_states(html) == {"年初比规划": "第1版公示中", "年中比服务": "未发布", "年末比成效": "未发布",
                                  "全年总成绩": "未发布"}


def test_the_organizers_home_leads_to_results_and_adjustments_and_calls_nothing_planned(
        client: FlaskClient, scored: World) -> None:
    login(client, "city")
    html = client.get("/organize/").get_data(as_text=True)
    assert "规划中" not in html
    assert '<a href="/organize/results/">成绩发布与公示</a>' in html
    assert '<a href="/organize/adjustments/">加减分与一票否决</a>' in html


def test_opening_scoring_on_a_published_round_is_asked_first(client: FlaskClient, notice: Notice) -> None:
    login(client, "city")
    round_id = db.session.execute(select(Round.id).where(Round.code == "plan")).scalar_one()
    html = client.get(f"/organize/desk/round/{round_id}").get_data(as_text=True)
    assert "本轮成绩已发布（第 1 版，公示中）。如需重新开放评分，系统会先请您确认。" in html
    asks = re.findall(r'action="/organize/desk/round/\d+/open"[^>]*data-confirm="([^"]+)"', html)
    assert asks and all(a.startswith("本轮成绩已发布（第 1 版，公示中）。重新开放评分后") for a in asks)
    assert 'class="btn btn-outline-primary btn-sm" type="submit">开放整轮评分' in html
