"""Publishing is one transaction that fires `published` inside it and `after_publication_commit` after it;
the publication record is generic (a kind) and its states, like the 公示's and objections', move only as declared."""

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import signals
from app.errors import DomainError
from app.extensions import db
from app.notices.models import Notice
from app.notices.states import NoticeState, ObjectionState
from app.publication import services as publication
from app.publication.models import Publication
from app.publication.states import PublicationState
from app.results import services as results
from app.states import TransitionRefused
from tests.factories import World
from tests.web.test_results import scored, sign

__all__ = ["scored"]  # the fixture, shared with the results tests
APP = Path(__file__).resolve().parents[2] / "app"


@pytest.fixture()
def heard() -> Iterator[list[tuple[str, Any]]]:
    """What the two signals carried, in order, with what the database held when each was sent."""
    events: list[tuple[str, Any]] = []

    def on_published(sender: Publication, previous: Publication | None = None) -> None:
        events.append(("published", (sender.number, sender.kind, previous, db.session().in_transaction())))

    def after_commit(sender: Publication) -> None:
        notices = db.session.execute(select(func.count()).select_from(Notice)
                                     .where(Notice.version_id == sender.id)).scalar_one()
        events.append(("after_publication_commit", (sender.number, notices)))

    signals.published.connect(on_published)
    signals.after_publication_commit.connect(after_commit)
    yield events
    signals.published.disconnect(on_published)
    signals.after_publication_commit.disconnect(after_commit)


def test_publishing_fires_published_in_the_transaction_then_after_commit_with_the_notice_open(
        client: FlaskClient, scored: World, heard: list[tuple[str, Any]]) -> None:
    digest = sign(client, scored)
    version = results.publish(scored.users["city_organizer"], scored.contest.id, "round:plan", digest)
    assert (version.kind, version.number, version.package_hash) == ("recompute", 1, digest)
    assert heard == [("published", (1, "recompute", None, True)), ("after_publication_commit", (1, 1))]
    assert list(version.package) == ["kind", "input", "result", "published_at", "version"]


def test_a_failing_listener_leaves_nothing_published(client: FlaskClient, scored: World) -> None:
    digest = sign(client, scored)

    def refuse(sender: Publication, previous: Publication | None = None) -> None:
        raise DomainError("监听者拒绝")

    signals.published.connect(refuse)
    try:
        with pytest.raises(DomainError, match="监听者拒绝"):
            results.publish(scored.users["city_organizer"], scored.contest.id, "round:plan", digest)
    finally:
        signals.published.disconnect(refuse)
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Publication)).scalar_one() == 0
    assert db.session.execute(select(func.count()).select_from(Notice)).scalar_one() == 0


def test_replacing_a_finalized_version_needs_a_reason_from_the_caller(client: FlaskClient, scored: World) -> None:
    digest = sign(client, scored)
    organizer = scored.users["city_organizer"]
    first = results.publish(organizer, scored.contest.id, "round:plan", digest)
    publication.finalize(organizer, first)
    db.session.commit()
    assert first.state == PublicationState.FINALIZED
    content = first.package
    with pytest.raises(DomainError, match="第 1 版已定榜，发布新版本须说明更正理由"):
        publication.publish("recompute", scored.contest.id, "round:plan",
                            {k: content[k] for k in ("kind", "input", "result")}, digest, organizer, first.signoff)
    with pytest.raises(TransitionRefused, match="成绩版本已是“已定榜”"):
        publication.finalize(organizer, first)


def test_a_kind_must_match_its_content() -> None:
    with pytest.raises(DomainError, match="发布内容的类型无效"):
        publication.publish("certificate", 1, "year", {"kind": "certificate"}, "", None, None)  # type: ignore[arg-type]


def test_the_states_move_only_as_declared() -> None:
    assert NoticeState.check_transition("open", "superseded") == NoticeState.SUPERSEDED
    assert NoticeState.check_transition("finalized", "superseded") == NoticeState.SUPERSEDED
    with pytest.raises(TransitionRefused, match="公示当前为“已被新版本取代”，不能改为“公示中”"):
        NoticeState.check_transition("superseded", "open")
    assert ObjectionState.check_transition("open", "corrected") == ObjectionState.CORRECTED
    with pytest.raises(TransitionRefused, match="异议当前为“维持原结果”，不能改为“更正”"):
        ObjectionState.check_transition("maintained", "corrected")
    assert PublicationState.check_transition("published", "finalized") == PublicationState.FINALIZED
    assert {s.value: s.label for s in ObjectionState} == {"open": "待复核", "maintained": "维持原结果",
                                                          "corrected": "更正"}


def imported_modules(package: str) -> set[str]:
    found = set()
    for path in (APP / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return found


def test_results_and_publication_import_nothing_of_the_notices_above_them() -> None:
    assert sorted(m for m in imported_modules("results") | imported_modules("publication")
                  if m.split(".")[:2] in (["app", "notices"], ["app", "public"])) == []
    assert sorted(m for m in imported_modules("publication") if m.split(".")[:2] == ["app", "results"]) == []
