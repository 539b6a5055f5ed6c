"""The diff page lists who changed first and only, says how many did not, and shows everyone on ?all=1."""

from flask.testing import FlaskClient

from app.notices.diffs import diff_page
from app.notices.models import Notice
from tests.conftest import login
from tests.factories import World
from tests.web.test_notices import notice, scored
from tests.web.test_notices_versions import corrected_after_an_objection

__all__ = ["notice", "scored"]  # fixtures shared with the notice tests

V001_ROW = '<td class="text-nowrap">V001</td><td class="text-nowrap">书记甲</td>'
V002_ROW = '<tr class="table-warning"><td class="text-nowrap">V002</td><td class="text-nowrap">书记乙</td>'


def test_only_the_changed_contestant_is_listed_with_the_count_of_the_others(
    client: FlaskClient, scored: World, notice: Notice
) -> None:
    second, _ = corrected_after_an_objection(client, scored, notice)  # V002: 15.50 → 16.83, still second
    page = diff_page(second.id)
    assert (page.changed, page.unchanged, page.size, page.everyone) == (1, 1, 2, False)
    assert [(g.name, [m.public_number for m in g.moves], g.changed, g.unchanged) for g in page.groups] == [
        ("村党组织书记组", ["V002"], 1, 1)]
    html = client.get(f"/public/notices/{second.id}/diff").get_data(as_text=True)
    assert V002_ROW in html and V001_ROW not in html and ">V001 书记甲<" not in html
    assert ("本版有变化或涉及更正的参赛人 <strong>1</strong> 名，列于下表；"
            "<strong>其余 1 名参赛人名次、得分、奖项均无变化</strong>。") in html
    assert "村党组织书记组 <span class=\"small text-secondary fw-normal\">（2 人，有变化 1 人）</span>" in html
    assert "本组其余 1 名参赛人名次、得分、奖项均无变化。" in html
    assert f'<a href="/public/notices/{second.id}/diff?all=1">显示全部 2 名参赛人的完整名单</a>' in html


def test_all_1_shows_everyone_in_rank_order_with_the_changed_row_marked(
    client: FlaskClient, scored: World, notice: Notice
) -> None:
    second, _ = corrected_after_an_objection(client, scored, notice)
    html = client.get(f"/public/notices/{second.id}/diff?all=1").get_data(as_text=True)
    assert f'<tr class="">{V001_ROW}' in html and V002_ROW in html
    assert html.index(V001_ROW) < html.index(V002_ROW)  # rank order: V001 first
    assert "以下为全部 2 名参赛人，按新名次排列，有变化的以底色标出。" in html
    assert f'<a href="/public/notices/{second.id}/diff">只看有变化的参赛人</a>' in html
    assert "本组其余" not in html
    organizer = client.application.test_client()
    login(organizer, "city")
    staff = organizer.get(f"/organize/notices/{second.id}/diff").get_data(as_text=True)
    assert V002_ROW in staff and V001_ROW not in staff
    assert f'<a href="/organize/notices/{second.id}/diff?all=1">显示全部 2 名参赛人的完整名单</a>' in staff
    assert f'<tr class="">{V001_ROW}' in organizer.get(f"/organize/notices/{second.id}/diff?all=1").get_data(
        as_text=True)
