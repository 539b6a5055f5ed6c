"""Hostile xlsx uploads (lying sizes, bombs, malformed or endless XML) are refused before parsing, storing nothing."""

import time
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.entries.models import Entry
from app.extensions import db
from app.people.models import ImportBatch
from app.people.validate import CONTESTANT_COLUMNS
from app.people.xlsx import check_upload, read_sheet
from tests import hostile_xlsx as hostile
from tests.conftest import login
from tests.factories import World
from tests.people_data import CONTESTANT_HEADERS, clean_subgroups, upload, xlsx  # noqa: F401  (autouse)

CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    **hostile.HOSTILE,
    # the same attacks, smaller than in bench/upload_bounds.py so that the suite stays quick
    "huge shared strings (150 MB declared)": (lambda: hostile.huge_shared_strings(20), "文件解压后过大"),
    "zip bomb (1 GB of blanks)": (lambda: hostile.zip_bomb(40), "文件解压后过大"),
    "declares 1 KB, inflates to 200 MB": (lambda: hostile.lying_small_size(20), "文件已损坏或不完整"),
    "declares 15 MB, inflates to 400 MB": (lambda: hostile.lying_under_the_bound(20), "文件已损坏或不完整"),
}


def stored() -> tuple[int, ...]:
    return tuple(db.session.execute(select(func.count()).select_from(model)).scalar_one()
                 for model in (ImportBatch, Entry, User, AuditEvent))


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_archive_is_refused_quickly_with_a_clear_message_and_nothing_stored(
        client: FlaskClient, world: World, case: str) -> None:
    build, message = CASES[case]
    data = build()
    login(client, "city")
    before = stored()
    started = time.perf_counter()
    response = upload(client, "contestants", data)
    assert time.perf_counter() - started < 2  # the benchmark holds the real bound (1 s); this is a shared machine
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored() == before


def test_a_5000_row_file_is_within_the_bounds_and_read_to_the_last_row() -> None:
    rows = [["村党组织书记组", "平定县", "冠山镇", f"村{n}", f"王{n}", f"139{n:08d}", None, None] for n in range(5000)]
    data = xlsx(rows)
    check_upload("名单.xlsx", data)
    sheet = read_sheet(data, "参赛人", CONTESTANT_COLUMNS)
    assert len(sheet.rows) == 5000
    assert sheet.rows[-1] == (5001, dict(zip(CONTESTANT_HEADERS, rows[-1], strict=True)))
