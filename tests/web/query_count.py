"""Test helpers for the query-count tests: count SQL statements, add contestants each in a place of its own."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import event

from app.entries.models import Entry, EntryHolder
from app.extensions import db
from app.places.models import Township, Village
from tests.factories import World, make_user


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements sent while the block runs, on a fresh session as a request has (nothing cached): rows
    loaded before it are detached, so read what a test needs afterwards again (or keep their ids)."""
    seen: list[str] = []

    def listener(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(" ".join(statement.split()))

    db.session.remove()
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def counted_get(client: FlaskClient, url: str) -> tuple[list[str], str]:
    """GET a page that must answer 200: the statements it sent and its HTML."""
    with statements() as seen:
        response = client.get(url)
    assert response.status_code == 200, url
    return seen, response.get_data(as_text=True)


def more_entries(world: World, count: int) -> list[Entry]:
    """`count` more village contestants (V101…), each with a township, village and secretary of its own, so that
    a lazy load per row would cost one query more per contestant."""
    village_group = next(g for g in world.contest.groups if g.code == "village")
    county, contest_id = world.pingding, world.contest.id
    entries = []
    with db.session.no_autoflush:
        for n in range(count):
            township = Township(code=f"1403212{n:02d}", name=f"测试{n}镇", kind="township", county=county)
            village = Village(code=f"1403212{n:02d}201", name=f"测试{n}村", township=township)
            secretary = make_user(f"sec1{n:02d}", "secretary", county, name=f"书记{n}")
            entry = Entry(contest_id=contest_id, group=village_group, public_number=f"V1{n:02d}", county=county,
                          township=township, village=village)
            entry.holders = [EntryHolder(user=secretary, started_on=date(2022, 1, 1))]
            db.session.add_all([township, village, entry])
            entries.append(entry)
    db.session.commit()
    return entries
