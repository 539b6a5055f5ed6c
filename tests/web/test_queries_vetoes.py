"""No query per row: the supervisor's veto review page with withdrawals waiting."""

from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.adjustments.vetoes import decide_veto, for_review, propose_veto, propose_withdrawal
from app.contests.models import VetoItem
from app.extensions import db
from tests.conftest import login
from tests.factories import World
from tests.web.query_count import counted_get, more_entries


def _user(username: str) -> User:
    return db.session.execute(select(User).where(User.username == username)).scalar_one()


def _vetoed_then_withdrawing(round_id: int, item_id: int, entry_ids: list[int]) -> dict[int, int]:
    """For each contestant a veto confirmed, then a withdrawal asked: withdrawal id -> the veto it would end."""
    ending = {}
    for entry_id in entry_ids:
        veto = propose_veto(_user("city"), round_id, entry_id, item_id, "年度目标数据造假")
        decide_veto(_user("sup"), veto.id, True, "")
        ending[propose_withdrawal(_user("city"), veto.id, "复核认定不属实").id] = veto.id
    return ending


def _review_page(client: FlaskClient) -> tuple[int, str]:
    seen, html = counted_get(client, "/supervise/vetoes/")
    return len(seen), html


def test_the_review_page_costs_the_same_queries_for_two_withdrawals_and_for_six(
    client: FlaskClient, world: World
) -> None:
    ids = [e.id for e in more_entries(world, 6)]
    rnd = world.contest.rounds[0]
    rnd.veto_items.append(VetoItem(name="弄虚作假", description="材料或数据造假"))
    db.session.commit()
    round_id, item_id = rnd.id, rnd.veto_items[0].id
    login(client, "sup")
    ending = _vetoed_then_withdrawing(round_id, item_id, ids[:2])
    two, html = _review_page(client)
    assert html.count("撤销否决申请") == 2 and "平定县测试1镇测试1村" in html
    ending |= _vetoed_then_withdrawing(round_id, item_id, ids[2:])
    six, html = _review_page(client)
    assert html.count("撤销否决申请") == 6 and html.count("要撤销的否决（第 1 版，现行有效）") == 6
    assert "平定县测试5镇测试5村" in html and "2022年度大比武 年初比规划" in html
    assert two == six, (two, six)  # was a query per withdrawal, and lazy loads of entries, places, people per row
    review = for_review()
    assert {w: veto.id for w, veto in review.withdrawing.items()} == ending
    assert [v.id for v in review.waiting] == sorted(ending)
    assert sorted(v.id for v in review.decided) == sorted(ending.values())
