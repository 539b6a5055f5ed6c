"""Extra places and real xlsx files (good and malformed) for the people tests."""

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import delete, func, select, update

from app.contests.models import Group
from app.entries.models import Entry
from app.extensions import db
from app.people.models import ImportBatch
from app.places.models import Township, Village
from tests.conftest import csrf_from
from tests.factories import World

CONTESTANT_HEADERS = ["组别", "县区", "乡镇", "村", "书记姓名", "手机号", "身份证号", "子组别"]
JUDGE_HEADERS = ["姓名", "手机号", "单位", "领域", "所在县区", "所在乡镇", "身份证号"]
VALID_ID = "11010519491231002X"  # the standard's own example: correct checksum
CODE_RE = re.compile(r"\b([2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5})\b")


def add_places(world: World) -> dict[str, Any]:
    """冠山镇 gains 南关村 and 北关村; 平定县 gains 娘子关镇 (娘子关村); 秀水镇 gains 北村; a sub-group 培训班A班."""
    village_group = next(g for g in world.contest.groups if g.code == "village")
    guanshan = db.session.execute(select(Township).where(Township.name == "冠山镇")).scalar_one()
    xiushui = db.session.execute(select(Township).where(Township.name == "秀水镇")).scalar_one()
    niangziguan = Township(code="140321101", name="娘子关镇", kind="township", county=world.pingding)
    places = {
        "南关村": Village(code="140321100202", name="南关村", township=guanshan),
        "北关村": Village(code="140321100203", name="北关村", township=guanshan),
        "娘子关村": Village(code="140321101201", name="娘子关村", township=niangziguan),
        "北村": Village(code="140322100202", name="北村", township=xiushui),
    }
    sub = Group(contest_id=world.contest.id, parent_id=village_group.id, code="class_a", name="培训班A班", position=3)
    db.session.add_all([niangziguan, sub, *places.values()])
    db.session.commit()
    return {"niangziguan": niangziguan, "guanshan": guanshan, "xiushui": xiushui, "class_a": sub, **places}


@pytest.fixture(autouse=True)
def clean_subgroups(ctx: Flask) -> Iterator[None]:
    """Remove sub-groups first: MariaDB checks the self-referencing key row by row in one DELETE."""
    yield
    db.session.rollback()
    db.session.execute(update(Entry).values(subgroup_id=None))
    db.session.execute(delete(Group).where(Group.parent_id.is_not(None)))
    db.session.commit()


def xlsx(rows: Sequence[Sequence[Any]], headers: Sequence[str] = CONTESTANT_HEADERS, title: str = "参赛人") -> bytes:
    """A real workbook: a header row then the given rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def village_row(village: str = "南关村", name: str = "王建国", phone: Any = "13935300001", township: str = "冠山镇",
                county: str = "平定县", id_number: Any = "", sub: str = "") -> list[Any]:
    return ["村党组织书记组", county, township, village, name, phone, id_number, sub]


def upload(client: FlaskClient, kind: str, data: bytes, filename: str = "名单.xlsx") -> Any:
    token = csrf_from(client.get("/organize/people/import").get_data(as_text=True))
    return client.post(f"/organize/people/import/{kind}", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(data), filename)})


def commit(client: FlaskClient, batch_id: int) -> Any:
    token = csrf_from(client.get(f"/organize/people/imports/{batch_id}").get_data(as_text=True))
    return client.post(f"/organize/people/imports/{batch_id}/commit", data={"csrf_token": token})


def batch_id_of(response: Any) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def batches() -> int:
    return db.session.execute(select(func.count(ImportBatch.id))).scalar_one()


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def problems_of(html: str) -> list[tuple[str, str, str, str, str]]:
    """The problem table's rows: (sheet, row, column, value, message)."""
    body = html.split("问题清单", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>\s*(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in rows]
    return [tuple(c.strip() for c in row) for row in cells if row]  # type: ignore[misc]
