"""Pages that read never write: every GET and HEAD route, as every role, on a populated world, sends no
INSERT, UPDATE or DELETE (a write on a page view meets `database is locked` while judges submit)."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from app.accounts.models import User
from app.extensions import db
from app.judges.models import Judge
from app.judges.services import issue_cards
from app.judging.models import ScoreSheet
from app.judging.windows import open_window
from app.notices.models import Notice
from app.notices.services import ObjectionInput, file_objection
from app.panels.models import ContestSession, Panel, SessionSlot
from app.panels.services import PanelSpec, create_manual
from app.paper.services import PaperInput, enter
from app.places.models import Township, Village
from app.publication.models import Publication
from app.results import services as results
from app.results.models import JudgeAlias
from tests.conftest import login
from tests.factories import World
from tests.paper_data import JPEG
from tests.people_data import batch_id_of, upload, village_row, xlsx
from tests.reports_data import Published, build
from tests.web.test_access import PRINCIPALS
from tests.web.test_judge_signin import post_pin
from tests.web.test_results import MARKS, current_hash, preview_html, scored, sign  # noqa: F401 (scored: a fixture)

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE)\b", re.IGNORECASE)
SCOPES = ("round:plan", "round:service", "year")  # published, unscored, and a year whose pseudonyms are not drawn


@contextmanager
def writes() -> Iterator[list[str]]:
    """The INSERT/UPDATE/DELETE statements sent to the database while the block runs."""
    seen: list[str] = []

    def listener(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if WRITE.match(statement):
            seen.append(" ".join(statement.split())[:160])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


@pytest.fixture()
def populated(app: Flask, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
              ) -> tuple[Published, dict[str, str]]:
    """The reports' world (plan round published, its 公示 open, a sheet corrected since), plus a session, an
    objection, a judge's card, a paper sheet typed once with its scan and an import batch waiting: the values
    each URL parameter takes."""
    monkeypatch.setitem(app.config, "PAPER_UPLOAD_DIR", str(tmp_path / "scans"))
    published = build(world)
    rnd = world.contest.rounds[0]
    group = next(g for g in world.contest.groups if g.code == "village")
    session = ContestSession(round_id=rnd.id, group_id=group.id, name="第一场", held_on=date(2022, 3, 15),
                             starts_at=time(9, 0), venue="市委党校")
    session.slots = [SessionSlot(round_id=rnd.id, entry_id=world.entries["pingding"].id, position=1)]
    db.session.add(session)
    db.session.commit()
    notice = db.session.execute(select(Notice)).scalar_one()
    objection = file_objection(notice.id, ObjectionInput("张三", "13912345678", "V001", "总分有误"),
                               on=notice.starts_on)
    card = issue_cards(world.users["city_organizer"], published.judges["judge"].id)[0]
    open_window(world.users["city_organizer"], rnd.id)  # the judge's pages as during a round
    service = world.contest.rounds[1]
    create_manual(world.users["city_organizer"], PanelSpec(service.id, group.id, "走访组"),
                  [j.id for j in published.judges.values()])
    paper = enter(world.users["clerk"], PaperInput(service.id, published.judges["judge"].id,
                                                   world.entries["pingding"].id, {service.criteria[0].id: "15"}, "",
                                                   JPEG)).paper.id
    organizer = app.test_client()
    login(organizer, "city")
    guanshan = db.session.execute(select(Township).where(Township.name == "冠山镇")).scalar_one()
    db.session.add(Village(code="140321100209", name="北关村", township=guanshan))
    db.session.commit()
    batch = batch_id_of(upload(organizer, "contestants", xlsx([village_row("北关村")])))
    sheet = db.session.execute(select(ScoreSheet.id).where(ScoreSheet.entry_id == world.entries["pingding"].id)
                               .limit(1)).scalar_one()
    values = {
        "contest_id": str(world.contest.id), "round_id": str(rnd.id), "entry_id": str(world.entries["pingding"].id),
        "criterion_id": str(rnd.criteria[0].id), "judge_id": str(published.judges["judge"].id),
        "user_id": str(world.users["secretary"].id), "county_id": str(world.pingding.id),
        "panel_id": str(db.session.execute(select(Panel.id).where(Panel.round_id == rnd.id)).scalar_one()),
        "session_id": str(session.id),
        "notice_id": str(notice.id), "objection_id": str(objection.id), "receipt": objection.receipt,
        "sheet_id": str(sheet), "token": card.token, "pin": card.pin, "number": "1", "group": "village",
        "kind": "contestants", "paper_id": str(paper), "batch_id": str(batch),
    }
    db.session.commit()
    return published, values


def fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: values.get(m.group(1), "1"), path)


def urls(app: Flask, values: dict[str, str]) -> list[str]:
    """Every GET route with its parameters filled (ids without a row in this world become 1: a 404 is a read
    too); a route with a scope once per kind of scope."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in (rule.methods or set()):
            continue
        for scope in SCOPES if "<scope>" in rule.rule else ("",):
            found.append(fill(rule.rule, values | {"scope": scope}))
    return sorted(found)


@pytest.mark.parametrize("principal", [*PRINCIPALS, "judge_by_card"])
def test_no_page_view_writes_whoever_asks(app: Flask, populated: tuple[Published, dict[str, str]],
                                          principal: str) -> None:
    _, values = populated
    client = app.test_client()
    if principal == "judge_by_card":  # a phone signed in with the card's link and PIN
        assert post_pin(client, values["token"], values["pin"])[0] == 302
    elif username := PRINCIPALS[principal]:
        login(client, username)
    offending: list[tuple[str, str, str]] = []
    statuses = set()
    for url in urls(app, values):
        for method in ("GET", "HEAD"):
            db.session.remove()  # as a request starts: nothing cached, nothing pending
            with writes() as seen:
                response = client.open(url, method=method)
            statuses.add(response.status_code)
            assert response.status_code != 500, (principal, method, url)
            offending.extend((method, url, statement) for statement in seen)
    assert offending == []
    assert 200 in statuses  # the walk reached pages, not only refusals


def test_the_results_preview_stores_no_pseudonym_and_sign_off_keeps_the_ones_it_showed(
    client: FlaskClient, scored: World  # noqa: F811
) -> None:
    """Three judges new to the plan round's results: the preview pages (organizer's, supervisor's) store no
    pseudonym; the supervisor signs the hash the page showed, and that sign-off keeps the pseudonyms the package
    was computed with, which publication then uses unchanged."""
    organizer = client.application.test_client()
    token = login(organizer, "city")
    with writes() as seen:
        shown = current_hash(preview_html(organizer, scored))
    assert seen == []
    assert db.session.execute(select(func.count()).select_from(JudgeAlias)).scalar_one() == 0
    computed = results.preview(scored.contest.id, "round:plan")
    assert computed.package_hash == shown and computed.problems == []
    assert db.session.execute(select(func.count()).select_from(JudgeAlias)).scalar_one() == 0
    assert sign(client, scored) == shown  # the supervisor's page showed the same hash, and signing it works
    kept = dict(db.session.execute(select(JudgeAlias.judge_id, JudgeAlias.alias)).tuples().all())
    assert sorted(kept.values()) == ["J01", "J02", "J03"]
    assert {(m["judge"], m["contestant"], m["value"]) for m in computed.input["rounds"][0]["marks"]} == {
        (kept[judge_id], entry, value) for judge_id, entry, value in marks_by_judge_id(scored)}
    published = organizer.post(f"/organize/results/{scored.contest.id}/round:plan/publish",
                               data={"package_hash": shown, "csrf_token": token})
    assert published.status_code == 302
    version = db.session.execute(select(Publication)).scalar_one()
    assert version.package_hash == shown and version.package["input"] == computed.input


def marks_by_judge_id(world: World) -> set[tuple[int, str, str]]:
    """(judge id, public number, mark) of every counted mark, from test_results.MARKS."""
    judges = {u: j for u, j in db.session.execute(select(User.username, Judge.id).join(Judge)).tuples()}
    return {(judges[name], number, value) for name, values in MARKS.items()
            for number, value in zip(("V001", "V002"), values, strict=True)}
