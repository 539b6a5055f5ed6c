"""The judge's home list in a hall: the session that matters first, finished rounds on one line, a cheap poll."""

import re
from dataclasses import dataclass
from datetime import date, time

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from app.contests.models import Round
from app.extensions import db
from app.judges.models import Judge
from app.judging import windows
from app.judging.models import ScoreSheet
from app.panels.models import Assignment, ContestSession, Panel, RoundAbsence, SessionSlot
from tests.conftest import login
from tests.factories import World
from tests.web.query_count import more_entries
from tests.web.test_judging import confirm, hall  # noqa: F401  (hall is a fixture)

KEY = re.compile(r'data-sheet-key="sheet-(\d+)-(\d+)"')
SEEN = re.compile(r'id="judge-list-seen" name="seen" value="([0-9a-f]+)"')


@dataclass(frozen=True)
class Roadshow:
    world: World
    round_id: int
    judge_id: int
    sessions: list[list[int]]  # entry ids of 第一场, 第二场, 第三场 in running order


@pytest.fixture()
def roadshow(hall: World) -> Roadshow:  # noqa: F811
    """The judge of `hall` on 36 contestants of the plan round in three sessions of 12: 第一场 on the first day
    at 09:00 (V001, V002, V100–V109), 第二场 the same day at 14:00, 第三场 the next day at 09:00 (V122–V133)."""
    rnd = hall.contest.rounds[0]
    more = more_entries(hall, 34)
    entries = [hall.entries["pingding"], hall.entries["yuxian"], *more]
    judge = db.session.execute(select(Judge).join(Judge.user).where(Judge.user_id == hall.users["judge"].id)
                               ).scalar_one()
    panel = db.session.execute(select(Panel).where(Panel.round_id == rnd.id)).scalar_one()
    db.session.add_all(Assignment(round_id=rnd.id, panel_id=panel.id, judge_id=judge.id, entry_id=e.id) for e in more)
    group_id = entries[0].group_id
    starts = ((date(2022, 3, 15), time(9)), (date(2022, 3, 15), time(14)), (date(2022, 3, 16), time(9)))
    sessions = []
    for n, (day, at) in enumerate(starts):
        chunk = entries[12 * n:12 * n + 12]
        session = ContestSession(round_id=rnd.id, group_id=group_id, name=f"第{'一二三'[n]}场", held_on=day,
                                 starts_at=at)
        session.slots = [SessionSlot(round_id=rnd.id, entry_id=e.id, position=p) for p, e in enumerate(chunk, 1)]
        db.session.add(session)
        sessions.append([e.id for e in chunk])
    db.session.commit()
    return Roadshow(hall, rnd.id, judge.id, sessions)


def _sheets(show: Roadshow, entry_ids: list[int], state: str) -> None:
    db.session.add_all(ScoreSheet(round_id=show.round_id, entry_id=e, judge_id=show.judge_id, state=state)
                       for e in entry_ids)
    db.session.commit()


def _on_stage(show: Roadshow, entry_id: int) -> int:
    return windows.open_window(show.world.users["city_organizer"], show.round_id, entry_id=entry_id).id


def _listed(client: FlaskClient, url: str = "/judge/list") -> tuple[list[int], str]:
    """The entry ids of the rows, in order, and the HTML."""
    html = client.get(url).get_data(as_text=True)
    return [int(entry) for _, entry in KEY.findall(html)], html


def _text(html: str) -> str:
    """The words as read, tags and line breaks as single spaces (none before a comma)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" ，", "，")


def test_a_finished_round_collapses_to_one_line_with_its_counts(client: FlaskClient, roadshow: Roadshow) -> None:
    everyone = [e for session in roadshow.sessions for e in session]
    absent = everyone[5:7]
    for entry in absent:
        db.session.add(RoundAbsence(round_id=roadshow.round_id, entry_id=entry, reason="因公外出",
                                    recorded_by_id=roadshow.world.users["city_organizer"].id))
    _sheets(roadshow, [e for e in everyone if e not in absent], "submitted")
    login(client, "judge")
    rows, html = _listed(client)
    assert rows == []
    assert "已完成的轮次 年初比规划 已提交 34 / 34 查看全部" in _text(html)
    assert f'href="/judge/rounds/{roadshow.round_id}"' in html
    home = client.get("/judge/").get_data(as_text=True)  # 反馈问题 offers no empty group for a finished round
    assert 'id="report-entry"' in home and "<optgroup" not in home
    db.session.execute(select(ScoreSheet).where(ScoreSheet.entry_id == everyone[0])).scalar_one().state = "late"
    db.session.commit()
    assert "年初比规划 已提交 33 / 34 · 迟交待审 1 查看全部" in _text(_listed(client)[1])


def test_the_session_on_stage_is_shown_and_the_others_are_not(client: FlaskClient, roadshow: Roadshow) -> None:
    first, second, third = roadshow.sessions
    _sheets(roadshow, first, "submitted")
    login(client, "judge")
    rows, html = _listed(client)
    assert rows == second  # nobody on stage: the earliest session with sheets to score
    assert "当前场次：第二场（3月15日 14:00）" in html and "台上：" not in html
    assert "其余 24 名：已提交 12，未评 12 查看全部" in _text(html)

    _on_stage(roadshow, third[4])
    rows, html = _listed(client)
    assert rows == third
    assert "当前场次：第三场（3月16日 09:00）" in html and "正在台上 · 请评分" in html
    assert html.count('aria-current="true"') == 1
    # above the list, a shortcut to the sheet of whoever is on stage
    assert "台上： V126 平定县测试26镇测试26村 去评分" in _text(html)
    assert f'href="/judge/r/{roadshow.round_id}/e/{third[4]}"' in html[:html.index("list-group")]
    assert "其余 24 名：已提交 12，未评 12 查看全部" in _text(html)
    assert "其他场次待处理" not in html


def test_a_draft_or_a_reopened_sheet_in_another_session_is_shown(client: FlaskClient, roadshow: Roadshow) -> None:
    first, second, third = roadshow.sessions
    _sheets(roadshow, [first[3]], "draft")
    _sheets(roadshow, [second[7]], "reopened")
    _sheets(roadshow, [second[8]], "submitted")
    _on_stage(roadshow, third[0])
    login(client, "judge")
    rows, html = _listed(client)
    assert rows == third + [first[3], second[7]]
    others = html[html.index("其他场次待处理"):]
    assert [int(e) for _, e in KEY.findall(others)] == [first[3], second[7]]
    assert "草稿" in others and "待更正" in others
    assert "其余 22 名：已提交 1，未评 21 查看全部" in _text(html)


def test_the_full_round_page_lists_every_contestant_and_refuses_a_round_not_the_judges(
    client: FlaskClient, roadshow: Roadshow
) -> None:
    _on_stage(roadshow, roadshow.sessions[2][0])
    login(client, "judge")
    rows, html = _listed(client, f"/judge/rounds/{roadshow.round_id}")
    assert rows == [e for session in roadshow.sessions for e in session]
    assert "<title>年初比规划 · 全部参赛人" in html and "正在台上 · 请评分" in html
    assert 'hx-get' not in html  # not polled
    # The service round exists, the judge has nobody in it; another judge does.
    service = db.session.execute(select(Round).where(Round.contest_id == roadshow.world.contest.id,
                                                     Round.code == "service")).scalar_one()
    other = db.session.execute(select(Judge).join(Judge.user).where(Judge.user.has(username="judge2"))).scalar_one()
    group_id = db.session.execute(select(Panel.group_id).where(Panel.round_id == roadshow.round_id)).scalar_one()
    panel = Panel(round_id=service.id, group_id=group_id, name="观摩评委组")
    db.session.add(panel)
    db.session.flush()
    db.session.add(Assignment(round_id=service.id, panel_id=panel.id, judge_id=other.id,
                              entry_id=roadshow.sessions[0][0]))
    db.session.commit()
    assert client.get(f"/judge/rounds/{service.id}").status_code == 403
    assert client.get("/judge/rounds/99999").status_code == 404
    second = client.application.test_client()
    login(second, "judge2")
    assert _listed(second, f"/judge/rounds/{service.id}")[0] == [roadshow.sessions[0][0]]
    assert _listed(second, f"/judge/rounds/{roadshow.round_id}")[0] == roadshow.sessions[0][:2]  # their own only


def _poll(client: FlaskClient, seen: str) -> tuple[int, str]:
    response = client.get(f"/judge/list?seen={seen}", headers={"HX-Request": "true"})
    return response.status_code, response.get_data(as_text=True)


def _seen(html: str) -> str:
    found = SEEN.search(html)
    assert found, html
    return found.group(1)


def test_the_poll_answers_204_while_nothing_changed_and_the_list_after_a_sheet_or_the_stage_changes(
    client: FlaskClient, roadshow: Roadshow
) -> None:
    login(client, "judge")
    home = client.get("/judge/").get_data(as_text=True)
    assert 'hx-include="#judge-list-seen"' in home
    seen = _seen(home)
    assert _poll(client, seen) == (204, "")
    assert _poll(client, "not-the-one")[0] == 200
    other = db.session.execute(select(Judge).join(Judge.user).where(Judge.user.has(username="judge2"))).scalar_one()
    db.session.add(ScoreSheet(round_id=roadshow.round_id, entry_id=roadshow.sessions[0][0], judge_id=other.id,
                              state="submitted"))
    db.session.commit()
    assert _poll(client, seen) == (204, "")  # another judge's sheet changes nothing on this list

    status, body = confirm(client, roadshow.world, ("18.5", "17"), "token-home-0001")
    assert (status, body["stored"]) == (200, True)
    status, html = _poll(client, seen)
    assert status == 200 and "已提交" in html
    seen = _seen(html)
    assert _poll(client, seen) == (204, "")

    window = _on_stage(roadshow, roadshow.sessions[2][3])
    status, html = _poll(client, seen)
    assert status == 200 and "正在台上 · 请评分" in html
    seen = _seen(html)
    assert _poll(client, seen) == (204, "")
    windows.close_window(roadshow.world.users["city_organizer"], window)
    status, html = _poll(client, seen)
    assert status == 200 and "正在台上" not in html
    seen = _seen(html)

    db.session.add(RoundAbsence(round_id=roadshow.round_id, entry_id=roadshow.sessions[0][1], reason="病假",
                                recorded_by_id=roadshow.world.users["city_organizer"].id))
    db.session.commit()
    status, html = _poll(client, seen)
    assert status == 200 and "缺席 · 无需评分" in html


def test_a_big_round_without_sessions_names_no_session_and_its_rows_no_running_order(
        client: FlaskClient, hall: World) -> None:  # noqa: F811
    # A site visit goes village by village: no sessions, no running order to show.
    rnd = hall.contest.rounds[0]
    judge = db.session.execute(select(Judge).where(Judge.user_id == hall.users["judge"].id)).scalar_one()
    panel = db.session.execute(select(Panel).where(Panel.round_id == rnd.id)).scalar_one()
    db.session.add_all(Assignment(round_id=rnd.id, panel_id=panel.id, judge_id=judge.id, entry_id=e.id)
                       for e in more_entries(hall, 34))
    db.session.commit()
    login(client, "judge")
    rows, html = _listed(client)
    assert len(rows) == 36
    assert "当前场次" not in html and 'title="出场顺序"' not in html


def test_contestants_left_out_of_the_sessions_are_named_so(client: FlaskClient, roadshow: Roadshow) -> None:
    first, second, third = roadshow.sessions
    db.session.execute(delete(SessionSlot).where(SessionSlot.entry_id.in_(third)))  # taken out of 第三场
    _sheets(roadshow, first + second, "submitted")
    login(client, "judge")
    rows, html = _listed(client)
    assert rows == third
    assert "当前场次：尚未排入场次的参赛人" in html
