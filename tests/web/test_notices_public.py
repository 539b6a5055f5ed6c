"""The public 公示 pages: the ranking's finder and ties, the scoring core download, superseded and final notices,
the objection limits and their 429 page, the cached PDF with its link and QR code."""

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.notices.models import Notice, Objection
from app.public import support as public_support
from app.publication.models import Publication
from app.results.models import AwardBand
from tests.conftest import csrf_from, login
from tests.factories import World
from tests.web.test_notices import (
    correct_v002,
    end_period,
    file,
    finalize,
    notice,
    objection_data,
    objections,
    publish,
    review,
)
from tests.web.test_results import scored

__all__ = ["notice", "scored"]  # fixtures

ROOT = Path(__file__).resolve().parents[2]
TIE = '<span aria-hidden="true">=</span><span class="visually-hidden">（并列）</span>'


def page(client: FlaskClient, item: Notice, query: str = "") -> str:
    return client.get(f"/public/notices/{item.id}" + (f"?q={query}" if query else "")).get_data(as_text=True)


def rows_shown(html: str) -> list[str]:
    return re.findall(r'<tr id="c-(V\d+)">', html)


# 1. The ranking on a phone: whole numbers, a short tie mark, no empty award column, a finder and group anchors


def test_ties_are_marked_with_an_equals_sign_and_a_legend(client: FlaskClient, scored: World) -> None:
    correct_v002(scored, ("18", "17.5", "19"))  # V002 now ties V001 at 18.17
    html = page(client, publish(client.application.test_client(), scored))
    assert html.count(f'<td class="num">1{TIE}</td>') == 2 and "名次后的“=”表示并列。" in html
    assert '<td class="text-nowrap" data-key>V001</td><td class="text-nowrap" data-key>书记甲</td>' in html
    assert "（并列）</span></td>" in html and 'class="small text-secondary">（并列）' not in html


def test_without_ties_or_award_bands_there_is_no_legend_and_no_award_column(
    client: FlaskClient, notice: Notice
) -> None:
    html = page(client, notice)
    assert '<td class="num">1</td>' in html and '<td class="num">2</td>' in html
    assert "表示并列" not in html and TIE not in html
    assert "<th>奖项" not in html and "<th>备注" not in html and "奖项/备注" not in html


def test_a_group_with_award_bands_shows_the_award_column(client: FlaskClient, scored: World) -> None:
    village = next(g for g in scored.contest.groups if g.code == "village")
    db.session.add(AwardBand(contest_id=scored.contest.id, group_id=village.id, position=1, name="一等奖",
                             kind="count", value="1"))
    db.session.commit()
    html = page(client, publish(client.application.test_client(), scored))
    assert "<th>奖项</th>" in html
    assert re.search(r'<tr id="c-V001">.*?<span class="text-danger">一等奖</span></td></tr>', html, re.S)
    assert re.search(r'<tr id="c-V002">.*?<td class="text-nowrap"></td></tr>', html, re.S)


def test_the_finder_filters_on_the_server_when_javascript_is_off(client: FlaskClient, notice: Notice) -> None:
    html = page(client, notice)
    assert rows_shown(html) == ["V001", "V002"] and "共 2 人。" in html
    assert 'id="group-village"' in html and 'name="q"' in html and 'method="get"' in html
    # on a phone the finder is far below the notice's text: a link at the top leads to it
    assert html.index('<a href="#notice-q">') < html.index("公示期：") and 'id="notice-q"' in html
    assert "按编号、姓名或单位查找名次（共 2 人）" in html
    assert '<script src="/static/js/notices.js" defer></script>' in html and "<script>" not in html
    assert (ROOT / "static/js/notices.js").is_file() and (ROOT / "static/css/notices.css").is_file()
    found = page(client, notice, "书记乙")
    assert rows_shown(found) == ["V002"] and "“书记乙”：找到 1 人（共 2 人）。" in found
    assert rows_shown(page(client, notice, "v001")) == ["V001"]  # case does not matter
    assert rows_shown(page(client, notice, "冠山 西关")) == ["V001"]  # every word, in number, name or unit
    none = page(client, notice, "无此人")
    assert rows_shown(none) == [] and "没有编号、姓名或单位含“无此人”的参赛人。" in none
    assert 'id="group-village"' not in none


# 2. The scoring core as a zip, its hash on the guide, and a copy of it verifying a published package


def test_the_scoring_zip_holds_the_core_deterministically_and_its_hash_is_on_the_guide(
    client: FlaskClient, ctx: object
) -> None:
    response = client.get("/public/scoring.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == "attachment; filename=scoring.zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    expected = sorted(f"scoring/{p.name}" for p in (ROOT / "scoring").glob("*.py"))
    expected += ["SCORING.md"] if any((ROOT / place).is_file() for place in public_support.SPEC_PLACES) else []
    names = archive.namelist()
    assert names == sorted(expected) and {"scoring/__init__.py", "scoring/__main__.py"} <= set(names)
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
    assert archive.read("scoring/package.py") == (ROOT / "scoring/package.py").read_bytes()
    assert public_support.build_zip(public_support.scoring_files(ROOT)) == response.data  # same bytes again
    digest = hashlib.sha256(response.data).hexdigest()
    html = client.get("/public/audit-package").get_data(as_text=True)
    assert f'<div class="font-monospace small text-break" id="scoring-sha256">{digest}</div>' in html
    assert 'href="/public/scoring.zip"' in html and "py -3 -m scoring verify package.json" in html
    assert "python3 -m scoring verify package.json" in html and "certutil -hashfile scoring.zip SHA256" in html
    assert "一致 (identical)" in html and "published 73.65, recomputed 73.73" in html


def run_core(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Python with the extracted copy only: no PYTHONPATH, and the current folder first on the path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-E", "-s", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60)


def test_an_extracted_copy_of_the_zip_verifies_the_published_package(
    client: FlaskClient, notice: Notice, tmp_path: Path
) -> None:
    zipfile.ZipFile(io.BytesIO(client.get("/public/scoring.zip").data)).extractall(tmp_path)
    (tmp_path / "package.json").write_bytes(client.get(f"/public/notices/{notice.id}/package.json").data)
    where = run_core(tmp_path, "-c", "import scoring; print(scoring.__file__)")
    assert where.stdout.strip() == str(tmp_path / "scoring" / "__init__.py")
    done = run_core(tmp_path, "-m", "scoring", "verify", "package.json")
    version = db.session.get(Publication, notice.version_id)
    assert (done.returncode, done.stdout.splitlines()) == (0, ["一致 (identical)", version.package_hash])
    package = json.loads((tmp_path / "package.json").read_text(encoding="utf-8"))
    mark = package["input"]["rounds"][0]["marks"][0]
    mark["value"] = "20" if mark["value"] != "20" else "19"
    (tmp_path / "changed.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    failed = run_core(tmp_path, "-m", "scoring", "verify", "changed.json")
    assert failed.returncode == 1 and "一致" not in failed.stdout and ": published " in failed.stdout


# 3. No dead ends: a superseded notice points to the current one, a final one says so, neither takes objections


def corrected_twice(client: FlaskClient, scored: World, first: Notice) -> tuple[Notice, Objection]:
    """An objection to V002 reviewed as 更正, the sheet corrected, version 2 published."""
    file(client, first)
    objection = db.session.execute(select(Objection)).scalar_one()
    organizer = client.application.test_client()
    token = login(organizer, "city")
    assert review(organizer, objection, token, "corrected", "经复核，评分录入有误，予以更正。") == 302
    correct_v002(scored, ("19",))
    return publish(client.application.test_client(), scored), objection


def test_a_superseded_notice_says_so_first_links_the_current_one_and_takes_no_objection(
    client: FlaskClient, scored: World, notice: Notice
) -> None:
    second, _objection = corrected_twice(client, scored, notice)
    html = page(client, notice)
    banner = (f'本公示已被第 2 版更正公示取代，<a class="alert-link" href="/public/notices/{second.id}">'
              "请查看最新公示</a>。")
    assert banner in html and html.index(banner) < html.index("<h1")
    assert "在线提交异议" not in html and "我要提出异议" not in html
    assert f"/public/notices/{notice.id}/object" not in html
    form = client.get(f"/public/notices/{notice.id}/object").get_data(as_text=True)
    assert '<form method="post"' not in form and "本公示已被更正公示取代，不再受理异议。" in form
    assert re.search(rf'href="/public/notices/{second.id}"><i [^>]*></i> 查看第 2 版公示</a>', form)
    before = objections()
    data = objection_data(client, second) | {"csrf_token": csrf_from(client.get("/login").get_data(as_text=True))}
    response = client.post(f"/public/notices/{notice.id}/object", data=data)
    assert response.status_code == 400 and "不再受理网上异议" in response.get_data(as_text=True)
    assert objections() == before
    current = page(client, second)
    assert "取代" not in current and f'href="/public/notices/{second.id}/object">在线提交异议</a>' in current


def test_the_receipt_of_an_objection_to_a_superseded_notice_shows_the_current_result(
    client: FlaskClient, scored: World, notice: Notice
) -> None:
    second, objection = corrected_twice(client, scored, notice)
    html = client.get(f"/public/objections/{objection.receipt}").get_data(as_text=True)
    assert "该异议所涉公示已被第 2 版更正公示取代。" in html
    assert "参赛人 V002 在最新公示中：总分 16.83，第 2 名。" in html  # (19 + 16 + 15.5) / 3
    assert f'href="/public/notices/{second.id}#c-V002">查看最新公示</a>' in html
    file(client, second)
    fresh = db.session.execute(select(Objection).order_by(Objection.id.desc()).limit(1)).scalar_one()
    assert "取代" not in client.get(f"/public/objections/{fresh.receipt}").get_data(as_text=True)


def test_an_ended_then_finalized_notice_says_so_and_hides_the_objection_form(
    client: FlaskClient, notice: Notice
) -> None:
    end_period(notice)
    html = page(client, notice)
    assert f"公示期已于 {notice.ends_on} 24:00 结束，不再受理网上异议" in html and "在线提交异议" not in html
    organizer = client.application.test_client()
    assert finalize(organizer, notice, login(organizer, "city"))[0] == 302
    html = page(client, notice)
    assert re.search(r"本公示已于 \d{4}-\d\d-\d\d \d\d:\d\d 终结，公示成绩为最终结果，不再受理异议。", html)
    assert "在线提交异议" not in html and "我要提出异议" not in html and "结束，不再受理网上异议" not in html
    form = client.get(f"/public/notices/{notice.id}/object").get_data(as_text=True)
    assert '<form method="post"' not in form and "本公示已终结，公示成绩为最终结果，不再受理异议。" in form


# 4. The objection form: only filings use up the hourly limit, every POST the per-minute cap; a refusal keeps the text


def test_refused_submissions_do_not_use_up_the_hourly_limit(client: FlaskClient, notice: Notice) -> None:
    refused = [file(client, notice, phone="12345")[0] for _ in range(4)]
    filed = [file(client, notice)[0] for _ in range(6)]  # 10 POSTs: within the per-minute cap
    assert refused == [400] * 4 and filed == [302] * 5 + [429] and objections() == 5


def test_every_post_counts_against_the_per_minute_cap(client: FlaskClient, notice: Notice) -> None:
    statuses = [file(client, notice, phone="12345")[0] for _ in range(5)]
    statuses += [file(client, notice, website="http://spam.example")[0] for _ in range(5)]
    assert statuses == [400] * 10 and file(client, notice)[0] == 429 and objections() == 0
    assert client.get(f"/public/notices/{notice.id}/object").status_code == 200  # reading is limited apart


def test_the_429_page_says_when_to_retry_and_shows_the_contact_lines_and_the_typed_text(
    client: FlaskClient, notice: Notice
) -> None:
    notice.contact = "联系电话：0353-1234567\n来信地址：阳泉市某路 1 号"
    db.session.commit()
    assert [file(client, notice)[0] for _ in range(5)] == [302] * 5
    response = client.post(f"/public/notices/{notice.id}/object",
                           data=objection_data(client, notice, content="第六条异议<b>原文</b>"))
    html = response.get_data(as_text=True)
    assert response.status_code == 429 and 1 <= int(response.headers["Retry-After"]) <= 3600
    assert "操作过于频繁，请稍后再试" in html and re.search(r"请约 ([1-9]|[1-5]\d|60) 分钟后再试。", html)
    assert '<div class="ps-3">联系电话：0353-1234567</div>' in html and "来信地址：阳泉市某路 1 号" in html
    assert 'readonly>第六条异议&lt;b&gt;原文&lt;/b&gt;</textarea>' in html
    assert f'href="/public/notices/{notice.id}">返回公示</a>' in html and objections() == 5


def test_a_429_elsewhere_on_the_public_pages_is_chinese_without_a_notice(client: FlaskClient, ctx: object) -> None:
    statuses = [client.get("/public/objections").status_code for _ in range(31)]
    html = client.get("/public/objections").get_data(as_text=True)
    assert statuses == [200] * 30 + [429] and "操作过于频繁，请稍后再试" in html and "电话或信函" not in html


def test_a_refused_objection_keeps_what_was_typed_and_shows_each_error_by_its_field(
    client: FlaskClient, notice: Notice
) -> None:
    status, html = file(client, notice, phone="12345", public_number="V999", content="原文<i>保留</i>")
    assert status == 400 and objections() == 0
    assert 'value="张三"' in html and 'value="12345"' in html and "原文&lt;i&gt;保留&lt;/i&gt;</textarea>" in html
    assert html.index('id="phone"') < html.index('id="phone-errors"') < html.index('id="public_number"')
    assert re.search(r'id="phone-errors">\s*<div><i [^>]*></i> 请填写有效的手机号码或固定电话'
                     r"（如 13912345678 或 0353-2022100）</div>", html)
    assert re.search(r'id="public_number-errors">\s*<div><i [^>]*></i> 所涉参赛人不在本公示名单中', html)
    assert "提交未成功，请按标红处的提示修改后再提交" in html and "Not a valid choice" not in html


def test_a_browser_line_break_counts_as_one_character(client: FlaskClient, notice: Notice) -> None:
    assert file(client, notice, content="异" * 998 + "\r\n" + "异")[0] == 302
    assert db.session.execute(select(Objection.content)).scalar_one() == "异" * 998 + "\n" + "异"


def test_an_expired_page_comes_back_with_the_text_typed(client: FlaskClient, notice: Notice) -> None:
    data = objection_data(client, notice, content="很长的异议内容")
    data["csrf_token"] = "expired"
    response = client.post(f"/public/notices/{notice.id}/object", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "页面已过期，未能提交。您填写的内容已保留" in html
    assert "很长的异议内容</textarea>" in html and csrf_from(html) != "expired" and objections() == 0


# 5. The notice PDF: rendered once per state and contact, with the notice's address and a QR code for objecting


@pytest.fixture()
def renders(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    seen: list[dict[str, object]] = []

    def fake(template: str, **context: object) -> bytes:
        seen.append(context)
        return f"%PDF-fake-{len(seen)}".encode()

    public_support.pdf_cache.clear()
    monkeypatch.setattr("app.public.documents.render_pdf", fake)
    return seen


def test_the_pdf_is_rendered_once_per_state_and_contact(
    client: FlaskClient, notice: Notice, renders: list[dict[str, object]]
) -> None:
    url = f"/public/notices/{notice.id}/notice.pdf"
    assert [client.get(url).data for _ in range(3)] == [b"%PDF-fake-1"] * 3 and len(renders) == 1
    first = renders[0]
    assert (first["url"], first["object_url"], first["state"]) == (
        f"http://localhost/public/notices/{notice.id}", f"http://localhost/public/notices/{notice.id}/object", "open")
    assert str(first["qr"]).startswith("<svg")
    organizer = client.application.test_client()
    token = login(organizer, "city")
    organizer.post(f"/organize/notices/{notice.id}/contact", data={"contact": "联系电话：0353-7654321",
                                                                   "csrf_token": token})
    assert client.get(url).data == b"%PDF-fake-2" and client.get(url).data == b"%PDF-fake-2"
    end_period(notice)
    assert finalize(organizer, notice, token)[0] == 302
    assert client.get(url).data == b"%PDF-fake-3" and renders[2]["qr"] is None and renders[2]["state"] == "finalized"


def test_the_pdf_marks_ties_like_the_page(client: FlaskClient, scored: World) -> None:
    correct_v002(scored, ("18", "17.5", "19"))  # V002 now ties V001 at 18.17
    item = publish(client.application.test_client(), scored)
    public_support.pdf_cache.clear()
    data = client.get(f"/public/notices/{item.id}/notice.pdf").data
    words = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    lines = [line.split() for line in words.decode().splitlines()]
    assert [line[:2] for line in lines if line[1:2] in (["V001"], ["V002"])] == [["1=", "V001"], ["1=", "V002"]]
    assert "名次后的“=”表示并列。" in words.decode()


def test_the_pdf_links_use_the_public_base_url(
    client: FlaskClient, notice: Notice, renders: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(client.application.config, "PUBLIC_BASE_URL", "https://dbw.example.cn/")
    client.get(f"/public/notices/{notice.id}/notice.pdf")
    assert renders[0]["object_url"] == f"https://dbw.example.cn/public/notices/{notice.id}/object"


def test_the_cache_keeps_the_most_recently_used() -> None:
    cache = public_support.PdfCache(size=2)
    made: list[str] = []

    def get(key: str) -> bytes:
        return cache.get((key,), lambda: made.append(key) or key.encode())

    assert [get(k) for k in ("a", "b", "a", "c", "a", "b")] == [b"a", b"b", b"a", b"c", b"a", b"b"]
    assert made == ["a", "b", "c", "b"] and len(cache) == 2


def test_the_real_pdf_prints_the_objection_address(client: FlaskClient, notice: Notice) -> None:
    public_support.pdf_cache.clear()
    data = client.get(f"/public/notices/{notice.id}/notice.pdf").data
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    words = text.decode()
    assert "扫码在线提交异议" in words and f"http://localhost/public/notices/{notice.id}/object" in words
    assert f"http://localhost/public/notices/{notice.id}" in words and "<svg" not in words


def test_a_year_beyond_the_calendar_is_counted_monday_to_friday_and_the_page_says_so(
    client: FlaskClient, scored: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2099-10-01 10:00 in Shanghai, a Thursday: chinese-calendar has no 2099, so National Day counts as working days
    monkeypatch.setattr("app.publication.services.utcnow", lambda: datetime(2099, 10, 1, 2, 0))
    item = publish(client.application.test_client(), scored)
    assert (item.starts_on, item.ends_on, item.fallback_calendar) == (date(2099, 10, 1), date(2099, 10, 7), True)
    html = " ".join(client.get(f"/public/notices/{item.id}").get_data(as_text=True).split())
    assert ("<p><strong>公示期：</strong>2099年10月1日至2099年10月7日（5个工作日），至最后一日 24:00 止。</p> "
            '<div class="alert alert-warning small py-2">工作日历尚未收录该年度的法定节假日和调休安排，'
            "公示期暂按周一至周五计算工作日。</div>") in html
    organizer = client.application.test_client()
    login(organizer, "city")
    assert ("公示期：2099年10月1日至2099年10月7日（5个工作日）<span class=\"text-warning-emphasis\">"
            "（按周一至周五计算，日历未收录该年度）</span>") in organizer.get(
        f"/organize/notices/{item.id}").get_data(as_text=True)


def test_a_year_the_calendar_covers_has_no_fallback_banner(client: FlaskClient, notice: Notice) -> None:
    assert notice.fallback_calendar is False
    assert "工作日历尚未收录" not in client.get(f"/public/notices/{notice.id}").get_data(as_text=True)
