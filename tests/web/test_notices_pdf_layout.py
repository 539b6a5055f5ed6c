"""The 公示 notice PDF: the issuing body and the date never stand alone on a last page."""

import subprocess

import pytest
from flask import Flask

from app.pdf import render_pdf

ISSUER = "中共阳泉市委组织部"
DATE = "2022年10月12日"


def context(rows: int) -> dict[str, object]:
    """A notice of one group of `rows` contestants, in the shape services.pdf_context gives."""
    lines = [{"rank": i, "tied": False, "number": f"V{i:03d}", "name": "书记", "unit": "平定县冠山镇西关村",
              "total": "80.00", "award": "", "note": ""} for i in range(1, rows + 1)]
    return {"title": "2022年度大比武年初比规划成绩公示", "contest": "2022年度大比武", "scope": "年初比规划",
            "period": "2022年9月30日至2022年10月11日（5个工作日）", "ends": "2022年10月11日", "fallback": False,
            "groups": [{"name": "村党组织书记组", "lines": lines}], "hash": "a" * 64, "version": 1,
            "after_final": None, "issuing_body": ISSUER, "contact": "", "contact_lines": [], "date": DATE,
            "state": "open", "url": "http://localhost/public/notices/1",
            "object_url": "http://localhost/public/notices/1/object", "qr": None, "latest_number": None,
            "latest_url": None}


def pages(data: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    return ["".join(page.split()) for page in text.decode().split("\f") if page.strip()]


# With the template before the fix, 45 and 47 rows left the issuing body and the date alone on page 3, and
# 48 rows the hash note with them but no row of the table.
@pytest.mark.parametrize("rows", [45, 47, 48])
def test_the_issuing_body_and_date_keep_the_hash_note_and_the_last_row_with_them(app: Flask, rows: int) -> None:
    with app.test_request_context():
        printed = pages(render_pdf("notice.html", **context(rows)))
    assert len(printed) == 3
    last = printed[-1]
    assert last.startswith("名次编号姓名单位总分")  # the table's header, repeated, then its last rows
    assert f"V{rows:03d}书记平定县冠山镇西关村80.00审计包哈希：{'a' * 64}" in last
    assert last.endswith(f"{ISSUER}{DATE}第3页/共3页")
