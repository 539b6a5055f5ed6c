"""Feedback and reports: each published package read and parsed once per process, never changed by a page."""

import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.publication.models import Publication
from app.publication.packages import package_cache, published_package
from tests.conftest import login
from tests.factories import World
from tests.reports_data import build
from tests.web.query_count import statements
from tests.web.test_feedback_rounds import season, year

__all__ = ["season", "year"]  # fixtures shared with the feedback tests

PACKAGE_READ = re.compile(r"^SELECT .*result_version\.[`\"]?package\b")  # the column (quoted on MariaDB), not the hash
ORG = "/organize/reports"


def _package_reads(client: FlaskClient, url: str) -> int:
    """How often a GET (a page or a file) reads a package column."""
    with statements() as seen:
        assert client.get(url).status_code == 200, url
    return sum(1 for statement in seen if PACKAGE_READ.match(statement))


def _versions() -> dict[str, int]:
    return dict(db.session.execute(select(Publication.scope, Publication.id)).tuples().all())


def test_the_feedback_page_reads_each_package_once_per_process(client: FlaskClient, year: World) -> None:
    """Three rounds and the year: four packages on the first request, none on the next (was four every time)."""
    url = f"/me/feedback/{year.entries['pingding'].id}"
    login(client, "sec")
    package_cache.clear()
    assert _package_reads(client, url) == 4
    assert _package_reads(client, url) == 0


def test_reports_read_the_package_once_per_process(client: FlaskClient, world: World) -> None:
    contest_id = build(world).world.contest.id
    base = f"{ORG}/{contest_id}/round:plan/v1"
    login(client, "city")
    package_cache.clear()
    assert _package_reads(client, f"{base}/ranking.xlsx") == 1
    for url in (f"{base}/ranking.xlsx", f"{base}/score-matrix.xlsx", f"{base}/summary-village.pdf", f"{base}/judges",
                f"{ORG}/{contest_id}/appraisal", f"{ORG}/{contest_id}/appraisal.xlsx?scope=round:plan&v=1"):
        assert _package_reads(client, url) == 0, url


def _fresh(version_id: int) -> Any:
    """The package as stored, parsed anew (a query of the column alone returns a new object each time)."""
    return db.session.execute(select(Publication.package).where(Publication.id == version_id)).scalar_one()


def test_no_feedback_or_report_page_changes_the_shared_package(client: FlaskClient, year: World) -> None:
    """Callers get the cached package itself: after every feedback and report page, each of the four is still the
    same object and still equal to what is stored (the county organizer's judge report filters a copy)."""
    versions = _versions()
    shared = {version_id: published_package(version_id) for version_id in versions.values()}
    entry_id, contest_id, county_id = year.entries["pingding"].id, year.contest.id, year.pingding.id
    login(client, "sec")
    for url in (f"/me/feedback/{entry_id}", f"/me/feedback/{entry_id}.pdf"):
        assert client.get(url).status_code == 200, url
    for username in ("city", "pdorg"):
        staff = client.application.test_client()
        login(staff, username)
        for scope in versions:
            base = f"{ORG}/{contest_id}/{scope}/v1"
            for url in (f"{base}/ranking.xlsx", f"{base}/score-matrix.xlsx", f"{base}/judges",
                        f"{ORG}/{contest_id}/appraisal?scope={scope}&v=1",
                        f"{ORG}/{contest_id}/appraisal/county/{county_id}?scope={scope}&v=1",
                        f"{ORG}/{contest_id}/appraisal.xlsx?scope={scope}&v=1"):
                assert staff.get(url).status_code == 200, url
        assert staff.get(f"{ORG}/{contest_id}/round:plan/v1/summary-village.pdf").status_code == 200
    for version_id in versions.values():
        assert published_package(version_id) is shared[version_id]
        assert published_package(version_id) == _fresh(version_id)
