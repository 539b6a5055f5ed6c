"""No query per row: the judge's list (polled every few seconds) and the organizers' desk with late sheets."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.contests.models import Criterion
from app.entries.models import Entry
from app.extensions import db
from app.judges.models import Judge
from app.judging.desk import desk
from app.judging.models import Mark, ScoreSheet, SheetVersion
from app.judging.pages import my_rounds
from app.panels.models import Assignment, ContestSession, Panel, RoundAbsence, ScoringWindow, SessionSlot
from app.panels.questions import closed_after
from tests.conftest import login
from tests.factories import World
from tests.web.query_count import counted_get, more_entries

START = datetime(2022, 3, 15, 1, 0)  # UTC: the contest day's morning in Shanghai


def _sessions(world: World, entries: list[Entry]) -> list[ContestSession]:
    """Each contestant alone in a session of its own, so a lazy load of the session per row would show."""
    rnd, group = world.contest.rounds[0], next(g for g in world.contest.groups if g.code == "village")
    sessions = []
    for n, entry in enumerate(entries):
        session = ContestSession(round_id=rnd.id, group_id=group.id, name=f"第{n + 1}场", held_on=date(2022, 3, 15),
                                 starts_at=time(9, n))
        session.slots = [SessionSlot(round_id=rnd.id, entry_id=entry.id, position=1)]
        db.session.add(session)
        sessions.append(session)
    db.session.commit()
    return sessions


def _assign(round_id: int, entry_ids: list[int]) -> None:
    panel = db.session.execute(select(Panel)).scalar_one_or_none()
    if panel is None:
        group = db.session.execute(select(Entry.group_id).where(Entry.id == entry_ids[0])).scalar_one()
        panel = Panel(round_id=round_id, group_id=group, name="路演评委组")
        db.session.add(panel)
        db.session.flush()
    judge = db.session.execute(select(Judge.id)).scalar_one()
    db.session.add_all(Assignment(round_id=round_id, panel_id=panel.id, judge_id=judge, entry_id=entry)
                       for entry in entry_ids)
    db.session.commit()


def _poll(client: FlaskClient) -> tuple[int, str]:
    seen, html = counted_get(client, "/judge/list")
    return len(seen), html


def test_the_judges_list_costs_the_same_queries_for_two_contestants_and_for_six(
    client: FlaskClient, world: World
) -> None:
    entries = more_entries(world, 6)
    _sessions(world, entries)
    round_id, organizer, ids = world.contest.rounds[0].id, world.users["city_organizer"].id, [e.id for e in entries]
    db.session.add(ScoringWindow(round_id=round_id, entry_id=ids[0], opened_by_id=organizer))  # on stage
    db.session.add(RoundAbsence(round_id=round_id, entry_id=ids[1], reason="因公外出", recorded_by_id=organizer))
    db.session.commit()
    login(client, "judge")
    _assign(round_id, ids[:2])
    two, html = _poll(client)
    assert "V100" in html and "V101" in html and "V102" not in html
    _assign(round_id, ids[2:])
    six, html = _poll(client)
    assert all(f"V10{n}" in html for n in range(6))
    assert two == six, (two, six)  # was 4 + 2 per round + places and sessions per contestant: 22 for six
    [listed] = my_rounds(db.session.execute(select(User).where(User.username == "judge")).scalar_one())
    assert [(i.public_number, i.on_stage, i.absent, i.session, i.unit) for i in listed.items] == [
        (f"V10{n}", n == 0, n == 1, f"第{n + 1}场", f"平定县测试{n}镇测试{n}村") for n in range(6)]
    assert (listed.round.id, listed.expected) == (round_id, 5)


def _late(round_id: int, entry_id: int, at: datetime) -> None:
    """A sheet confirmed offline at `at` that arrived after scoring closed: waiting for acceptance."""
    judge = db.session.execute(select(Judge)).scalar_one()
    criterion = db.session.execute(select(Criterion.id).where(Criterion.round_id == round_id)).scalar_one()
    sheet = ScoreSheet(round_id=round_id, entry_id=entry_id, judge_id=judge.id, state="late")
    version = SheetVersion(number=1, client_token=f"late-{entry_id}", total=Decimal(18), source="offline",
                           entered_by_id=judge.user_id, late=True, counted=False, confirmed_offline_at=at)
    version.marks = [Mark(criterion_id=criterion, value=Decimal(18))]
    sheet.versions = [version]
    db.session.add(sheet)
    db.session.commit()


def _desk_page(client: FlaskClient, round_id: int) -> tuple[int, str]:
    seen, html = counted_get(client, f"/organize/desk/round/{round_id}")
    return len(seen), html


def test_the_desk_finds_when_scoring_closed_for_two_late_sheets_and_for_six_in_the_same_queries(
    client: FlaskClient, world: World
) -> None:
    entries = more_entries(world, 6)
    sessions = _sessions(world, entries)
    rnd, organizer = world.contest.rounds[0], world.users["city_organizer"].id
    minutes = [START + timedelta(minutes=m) for m in range(200)]
    db.session.add_all([
        ScoringWindow(round_id=rnd.id, opened_by_id=organizer, opened_at=minutes[0], closed_at=minutes[60]),
        ScoringWindow(round_id=rnd.id, session_id=sessions[0].id, opened_by_id=organizer, opened_at=minutes[0],
                      closed_at=minutes[90]),
        ScoringWindow(round_id=rnd.id, entry_id=entries[1].id, opened_by_id=organizer, opened_at=minutes[10]),
        *(ScoringWindow(round_id=rnd.id, entry_id=e.id, opened_by_id=organizer, opened_at=minutes[20 * n],
                        closed_at=minutes[20 * n + 70]) for n, e in enumerate(entries) if n >= 2),
        # another contestant's window and a later one cover none of the sheets below
        ScoringWindow(round_id=rnd.id, entry_id=world.entries["pingding"].id, opened_by_id=organizer,
                      opened_at=minutes[0], closed_at=minutes[199]),
        ScoringWindow(round_id=rnd.id, opened_by_id=organizer, opened_at=minutes[150], closed_at=minutes[160]),
    ])
    db.session.commit()
    round_id, ids = rnd.id, [e.id for e in entries]
    claimed = {entry: minutes[20 * n + 30] for n, entry in enumerate(ids)}
    city = client.application.test_client()
    login(city, "city")
    for entry in ids[:2]:
        _late(round_id, entry, claimed[entry])
    two, html = _desk_page(city, round_id)
    assert html.count("离线确认，评分关闭后送达") == 2
    for entry in ids[2:]:
        _late(round_id, entry, claimed[entry])
    six, html = _desk_page(city, round_id)
    assert html.count("离线确认，评分关闭后送达") == 6
    assert two == six, (two, six)  # was one window query per late sheet
    found = {a.sheet.entry_id: a.window_closed_at for a in desk(round_id).attention}
    # the rule of windows.closed_after, sheet by sheet: the last close of the windows open then, None while one is
    assert found == {entry: closed_after(round_id, entry, claimed[entry]) for entry in ids}
    assert [found[entry] for entry in ids] == [minutes[90], None, minutes[110], minutes[130], minutes[150],
                                               minutes[170]]
