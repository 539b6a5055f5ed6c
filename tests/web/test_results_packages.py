"""Publishing: the package just stored is kept parsed as stored; the marks are read through the driver's rows."""

import json

from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.judging.models import ScoreSheet
from app.publication.models import Publication
from app.publication.packages import package_cache, published_package
from app.results.assemble import driver_rows
from tests.factories import World
from tests.web.query_count import statements
from tests.web.test_notices import publish, scored
from tests.web.test_queries_notices import PACKAGE_READ

__all__ = ["scored"]


def test_a_just_published_package_is_read_without_parsing_the_column(client: FlaskClient, scored: World) -> None:
    """The 公示 page and the next version's causes read it next: it is kept from the publication itself, equal to
    the stored column parsed anew, with the same JSON types (not a tuple or a Decimal for a list or a string)."""
    package_cache.clear()
    version_id = publish(client.application.test_client(), scored).version_id
    assert len(package_cache) == 1
    with statements() as seen:
        kept = published_package(version_id)
    assert [s for s in seen if PACKAGE_READ.match(s)] == []
    # The version's row alone (id, hash, publication time and number make the key), not its package.
    assert [s.split(" FROM ")[1].split()[0] for s in seen if s.startswith("SELECT")] == ["result_version"]
    stored = db.session.execute(select(Publication.package).where(Publication.id == version_id)).scalar_one()
    assert dict(kept) == stored
    assert json.dumps(dict(kept), sort_keys=True) == json.dumps(stored, sort_keys=True)
    assert kept["version"] == 1 and kept["kind"] == "recompute"
    assert [c["id"] for c in kept["result"]["contestants"]] == ["V001", "V002"]


def test_driver_rows_are_the_rows_of_the_query_as_plain_tuples(scored: World) -> None:
    """An expanding IN list and a boolean condition are bound as the dialect binds them."""
    round_id = scored.contest.rounds[0].id
    query = (select(ScoreSheet.entry_id, ScoreSheet.judge_id).where(ScoreSheet.round_id.in_([round_id, -1]),
                                                                    ScoreSheet.correction_requested_at.is_(None))
             .order_by(ScoreSheet.entry_id, ScoreSheet.judge_id))
    rows = driver_rows(db.session.connection(), query)
    assert rows == [tuple(row) for row in db.session.execute(query)]
    assert len(rows) == 6 and all(type(row) is tuple for row in rows)
    assert driver_rows(db.session.connection(), query.where(ScoreSheet.round_id == -1)) == []
