"""Double entry of paper sheets: two clerks agree mark for mark, a third person settles a mismatch, scans."""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.absences import services as absence_services
from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from app.judging import corrections
from app.judging.models import ScoreSheet, SheetVersion
from app.panels.models import RoundAbsence
from app.paper import services
from app.paper.models import PaperSheet, Reconciliation
from app.results.assemble import build, parse_scope
from tests.conftest import csrf_from, login
from tests.factories import World
from tests.paper_data import JPEG, PDF, PNG, Hall, build_hall

Scan = tuple[bytes, str] | None


@pytest.fixture()
def hall(world: World, ctx: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Hall:
    monkeypatch.setitem(ctx.config, "PAPER_UPLOAD_DIR", str(tmp_path / "scans"))
    return build_hall(world)


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def sheet_url(hall: Hall, judge_id: int | None = None, entry_id: int | None = None) -> str:
    return f"/organize/paper/r/{hall.round_id}/j/{judge_id or hall.judge_id}/e/{entry_id or hall.entry_id}"


def post_entry(client: FlaskClient, hall: Hall, marks: tuple[str, str], scan: Scan = (JPEG, "sheet.jpg"),
               comment: str = "思路清晰", **where: int) -> tuple[int, str]:
    url = sheet_url(hall, **where)
    csrf = csrf_from(client.get(url).get_data(as_text=True))
    data: dict[str, object] = {"csrf_token": csrf, "comment": comment,
                               f"m-{hall.criteria[0]}": marks[0], f"m-{hall.criteria[1]}": marks[1]}
    if scan is not None:
        data["scan"] = (io.BytesIO(scan[0]), scan[1])
    response = client.post(url, data=data, content_type="multipart/form-data", follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def post_reconcile(client: FlaskClient, hall: Hall, marks: tuple[str, str], reason: str) -> tuple[int, str]:
    url = sheet_url(hall) + "/reconcile"
    csrf = csrf_from(client.get("/organize/paper/").get_data(as_text=True))  # the entrants may not open the page
    response = client.post(url, data={"csrf_token": csrf, "comment": "思路清晰", "reason": reason,
                                      f"m-{hall.criteria[0]}": marks[0], f"m-{hall.criteria[1]}": marks[1]},
                           follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def versions() -> list[SheetVersion]:
    return list(db.session.execute(select(SheetVersion).order_by(SheetVersion.id)).scalars())


def paper_sheets() -> list[PaperSheet]:
    return list(db.session.execute(select(PaperSheet).order_by(PaperSheet.id)).scalars())


def stored_files(ctx: Flask) -> list[str]:
    folder = Path(ctx.config["PAPER_UPLOAD_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def actions() -> list[str]:
    """The audited changes of paper sheets (logins and the hall's set-up left out)."""
    return list(db.session.execute(select(AuditEvent.action).where(
        AuditEvent.action.in_(["paper_entered", "paper_mismatch", "paper_reconciled", "sheet_submitted"]))
        .order_by(AuditEvent.id)).scalars())


def user_id(username: str) -> int:
    return db.session.execute(select(User.id).where(User.username == username)).scalar_one()


def mismatch(ctx: Flask, hall: Hall) -> None:
    post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"))
    post_entry(signed_in(ctx, "clerk2"), hall, ("18.5", "16"))


def test_two_agreeing_entries_create_exactly_one_counted_paper_version(ctx: Flask, hall: Hall) -> None:
    status, html = post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"))
    assert status == 200 and "V001：第1遍录入已保存，须由另一名录入员录入第2遍。" in html
    assert versions() == []
    status, html = post_entry(signed_in(ctx, "clerk2"), hall, ("18.50", "17.0"), scan=None)
    assert status == 200 and "V001：两遍录入一致，评分表已计分（合计 35.5 分）。" in html
    [version] = versions()
    assert (version.number, version.total, version.source, version.counted, version.comment) == (
        1, Decimal("35.5"), "paper", True, "思路清晰")
    assert version.entered_by_id == user_id("clerk2")
    assert version.client_token == f"paper-{hall.round_id}-{hall.entry_id}-{hall.judge_id}-1"
    assert sorted(m.value for m in version.marks) == [Decimal(17), Decimal("18.5")]
    assert version.sheet.state == "submitted"
    assert [(e.attempt, e.clerk.username) for e in paper_sheets()] == [(1, "clerk"), (2, "clerk2")]
    assert actions() == ["paper_entered", "paper_entered", "sheet_submitted"]


def test_the_same_clerk_cannot_enter_a_sheet_twice(ctx: Flask, hall: Hall) -> None:
    client = signed_in(ctx, "clerk")
    post_entry(client, hall, ("18.5", "17"))
    page = client.get(sheet_url(hall)).get_data(as_text=True)
    assert "您已录入过这张评分表的第1遍" in page and 'id="paper-form"' not in page
    clerk = hall.world.users["clerk"]
    with pytest.raises(services.ForbiddenError) as refused:
        services.enter(clerk, services.PaperInput(hall.round_id, hall.judge_id, hall.entry_id,
                                                  {hall.criteria[0]: "18.5", hall.criteria[1]: "17"}, "", None))
    assert refused.value.message == "同一张纸质评分表不能由同一名录入员录入两次"
    assert len(paper_sheets()) == 1 and versions() == []


def test_the_database_itself_refuses_the_same_clerk_twice_and_a_third_attempt(ctx: Flask, hall: Hall) -> None:
    post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"))
    same = dict(round_id=hall.round_id, entry_id=hall.entry_id, judge_id=hall.judge_id, feeds_version=1,
                marks={}, comment="")
    db.session.add(PaperSheet(attempt=2, clerk_id=hall.world.users["clerk"].id, **same))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(PaperSheet(attempt=1, clerk_id=hall.world.users["city_organizer"].id, **same))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert len(paper_sheets()) == 1


def test_the_second_clerk_never_sees_the_first_entry(ctx: Flask, hall: Hall) -> None:
    post_entry(signed_in(ctx, "clerk"), hall, ("13.5", "11.5"), comment="第一遍独有的点评")
    second = signed_in(ctx, "clerk2")
    for url in (sheet_url(hall), "/organize/paper/", "/organize/paper/waiting",
                f"/organize/paper/?round={hall.round_id}&judge={hall.judge_id}"):
        html = second.get(url).get_data(as_text=True)
        assert "13.5" not in html and "11.5" not in html and "第一遍独有的点评" not in html, url
    form = second.get(sheet_url(hall)).get_data(as_text=True)
    assert "录入第 2 遍" in form and re.findall(r'name="m-\d+"\s+value="([^"]*)"', form) == ["", ""]
    assert second.get(sheet_url(hall) + "/reconcile").status_code == 400


def test_a_mismatch_creates_no_version_and_shows_the_differing_criterion(ctx: Flask, hall: Hall) -> None:
    post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"))
    status, html = post_entry(signed_in(ctx, "clerk2"), hall, ("18.5", "16"))
    assert status == 200 and "V001：两遍录入不一致，已转交第三人对照纸质表核对。" in html
    assert versions() == []
    assert actions()[-1] == "paper_mismatch"
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "paper_mismatch")).scalar_one()
    assert event.after["criteria"] == [hall.criteria[1]] and event.after["comment_differs"] is False
    page = signed_in(ctx, "clerk3").get(sheet_url(hall) + "/reconcile").get_data(as_text=True)
    differing = page.split('class="table-warning mark-differs"')
    assert len(differing) == 2 and "目标任务" in differing[1].split("</tr>")[0]
    assert ">17<" in page and ">16<" in page and "不一致" in page


def test_different_comments_are_a_mismatch_too(ctx: Flask, hall: Hall) -> None:
    post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"), comment="思路清晰")
    status, html = post_entry(signed_in(ctx, "clerk2"), hall, ("18.5", "17"), comment="思路不清晰")
    assert "两遍录入不一致" in html and versions() == []
    # Spaces and line breaks alone are no difference.
    assert services.same_comment("思路 清晰\n", "思路清晰")


@pytest.mark.parametrize("username", ["clerk", "clerk2"])
def test_the_two_entrants_cannot_reconcile(ctx: Flask, hall: Hall, username: str) -> None:
    mismatch(ctx, hall)
    client = signed_in(ctx, username)
    response = client.get(sheet_url(hall) + "/reconcile")
    assert response.status_code == 403
    assert "您录入过这张评分表，不能核对它" in response.get_data(as_text=True)
    status, _ = post_reconcile(client, hall, ("18.5", "17"), "对照纸质表")
    assert status == 403 and versions() == [] and db.session.execute(select(Reconciliation)).first() is None


def test_a_third_clerk_reconciles_with_a_reason_creating_the_version(ctx: Flask, hall: Hall) -> None:
    mismatch(ctx, hall)
    status, html = post_reconcile(signed_in(ctx, "clerk3"), hall, ("18.5", "17"), "第2遍“目标任务”误录，纸质表为17")
    assert status == 200 and "已按纸质表核对并计分" in html
    [version] = versions()
    settled = db.session.execute(select(Reconciliation)).scalar_one()
    assert (version.total, version.source, version.entered_by_id) == (Decimal("35.5"), "paper", user_id("clerk3"))
    assert (settled.reason, settled.version_id, settled.marks) == (
        "第2遍“目标任务”误录，纸质表为17", version.id, {str(hall.criteria[0]): "18.5", str(hall.criteria[1]): "17"})
    assert actions()[-2:] == ["sheet_submitted", "paper_reconciled"]
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "paper_reconciled")).scalar_one()
    assert event.after["reason"] == "第2遍“目标任务”误录，纸质表为17" and event.after["version_id"] == version.id
    # Settled once: the page now says so, a second reconciliation is refused.
    status, _ = post_reconcile(signed_in(ctx, "city"), hall, ("10", "10"), "再核一次")
    assert status == 400 and len(versions()) == 1


def test_an_organizer_may_reconcile_but_a_reason_is_required(ctx: Flask, hall: Hall) -> None:
    mismatch(ctx, hall)
    organizer = signed_in(ctx, "pdorg")
    status, html = post_reconcile(organizer, hall, ("18.5", "16"), "")
    assert status == 400 and "请填写核对理由" in html and versions() == []
    status, _ = post_reconcile(organizer, hall, ("18.5", "16"), "纸质表为16")
    assert status == 200 and [v.total for v in versions()] == [Decimal("34.5")]


@pytest.mark.parametrize(("scan", "message"), [
    ((b"just some text, not a photo", "sheet.jpg"), "扫描件须为 JPEG、PNG 或 PDF 文件（按文件内容识别，与扩展名无关）"),
    ((PDF + b"0" * (10 * 1024 * 1024), "sheet.pdf"), "扫描件不能超过 10 MB，请压缩或降低分辨率后重新上传"),
    (None, "请上传签字后的纸质评分表照片或扫描件（JPEG、PNG 或 PDF）"),
    ((b"", "empty.png"), "请上传签字后的纸质评分表照片或扫描件（JPEG、PNG 或 PDF）"),
])
def test_a_bad_or_missing_scan_stores_nothing(ctx: Flask, hall: Hall, scan: Scan, message: str) -> None:
    status, html = post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"), scan=scan)
    assert status == 400 and message in html
    assert paper_sheets() == [] and stored_files(ctx) == [] and actions() == []


def test_a_png_and_a_pdf_are_stored_by_hash_outside_static(ctx: Flask, hall: Hall) -> None:
    post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"), scan=(PNG, "photo.pdf"))
    post_entry(signed_in(ctx, "clerk"), hall, ("10", "10"), scan=(PDF, "scan.jpg"), judge_id=hall.judge2_id)
    first, second = paper_sheets()
    assert (first.scan_mime, first.scan_size, second.scan_mime) == ("image/png", len(PNG), "application/pdf")
    assert stored_files(ctx) == sorted([f"{first.scan_sha256}.png", f"{second.scan_sha256}.pdf"])
    assert not any(Path(ctx.static_folder or "static").rglob(f"{first.scan_sha256}*"))


def test_an_organizer_and_a_supervisor_see_the_scan_inline(ctx: Flask, hall: Hall) -> None:
    post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"))
    [paper] = paper_sheets()
    for username, url in (("city", f"/organize/paper/scan/{paper.id}"), ("pdorg", f"/organize/paper/scan/{paper.id}"),
                          ("sup", f"/supervise/paper/scan/{paper.id}")):
        response = signed_in(ctx, username).get(url)
        assert response.status_code == 200, username
        assert response.data == JPEG and response.mimetype == "image/jpeg"
        assert response.headers["Content-Disposition"].startswith("inline")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert f"/supervise/paper/scan/{paper.id}" in signed_in(ctx, "sup").get("/supervise/paper/").get_data(as_text=True)


def test_another_countys_organizer_gets_404_for_the_scan(ctx: Flask, hall: Hall) -> None:
    post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"))
    [paper] = paper_sheets()
    assert signed_in(ctx, "yxorg").get(f"/organize/paper/scan/{paper.id}").status_code == 404
    assert signed_in(ctx, "city").get("/organize/paper/scan/999999").status_code == 404


@pytest.mark.parametrize("username", ["clerk", "judge", "sec"])
def test_clerks_judges_and_secretaries_may_not_see_scans(ctx: Flask, hall: Hall, username: str) -> None:
    post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"))
    [paper] = paper_sheets()
    client = signed_in(ctx, username)
    assert client.get(f"/organize/paper/scan/{paper.id}").status_code == 403
    assert client.get(f"/supervise/paper/scan/{paper.id}").status_code == 403


def test_out_of_range_marks_are_refused_with_the_criterion_named(ctx: Flask, hall: Hall) -> None:
    status, html = post_entry(signed_in(ctx, "clerk"), hall, ("20.5", "17.3"))
    assert status == 400
    assert "“发展思路”：分数须在 0–20 之间；“目标任务”：分数须为 0.5 的整数倍" in html
    assert 'value="20.5"' in html  # the clerk's own typing comes back to correct
    assert paper_sheets() == [] and stored_files(ctx) == []


def test_a_judge_and_contestant_not_assigned_in_the_round_are_refused(ctx: Flask, hall: Hall) -> None:
    client = signed_in(ctx, "clerk")
    response = client.get(sheet_url(hall, judge_id=hall.outsider_id))
    assert response.status_code == 400
    assert "该评委在本轮未分配给该参赛人（或须回避），不能录入这张评分表" in response.get_data(as_text=True)
    with pytest.raises(services.DomainError):
        services.enter(hall.world.users["clerk"], services.PaperInput(
            hall.round_id, hall.outsider_id, hall.entry_id, {hall.criteria[0]: "1", hall.criteria[1]: "1"}, "", JPEG))
    assert paper_sheets() == [] and stored_files(ctx) == []


def test_a_county_clerk_works_only_on_their_countys_contestants(ctx: Flask, hall: Hall) -> None:
    client = signed_in(ctx, "pdclerk")
    assert client.get(sheet_url(hall, entry_id=hall.other_entry_id)).status_code == 404
    assert client.get(sheet_url(hall)).status_code == 200
    listing = client.get(f"/organize/paper/?round={hall.round_id}&judge={hall.judge_id}").get_data(as_text=True)
    assert "V001" in listing and "V002" not in listing


def test_a_counted_sheet_is_locked_until_reopened_then_a_new_pair_makes_version_2(ctx: Flask, hall: Hall) -> None:
    first, second = signed_in(ctx, "clerk"), signed_in(ctx, "clerk2")
    post_entry(first, hall, ("18.5", "17"))
    post_entry(second, hall, ("18.5", "17"))
    status, html = post_entry(signed_in(ctx, "clerk3"), hall, ("10", "10"))
    assert status == 400 and "该评分表已计分并锁定，不能再次录入" in html
    sheet = db.session.execute(select(ScoreSheet)).scalar_one()
    corrections.reopen(hall.world.users["city_organizer"], sheet.id, "评委现场改分，纸质表已重签")
    # The same two clerks may type the corrected paper sheet: it feeds version 2.
    assert post_entry(first, hall, ("19", "17"))[0] == 200
    status, html = post_entry(second, hall, ("19", "17"))
    assert "合计 36 分" in html
    assert [(v.number, v.total, v.reason) for v in versions()] == [
        (1, Decimal("35.5"), ""), (2, Decimal("36"), "组织者重新开放：评委现场改分，纸质表已重签")]
    assert [(e.feeds_version, e.attempt) for e in paper_sheets()] == [(1, 1), (1, 2), (2, 1), (2, 2)]


def test_the_judges_list_shows_contestants_in_running_order_with_states(ctx: Flask, hall: Hall) -> None:
    post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"))
    html = signed_in(ctx, "clerk2").get(f"/organize/paper/?round={hall.round_id}&judge={hall.judge_id}").get_data(
        as_text=True)
    table = html[html.index("出场</th>"):]
    assert table.index("第一场 第1位") < table.index("V002") < table.index("第一场 第2位") < table.index("V001")
    assert "待录入第1遍" in html and "待录入第2遍" in html and "录入第2遍</a>" in html
    mine = signed_in(ctx, "clerk").get("/organize/paper/waiting").get_data(as_text=True)
    assert "等待他人录入" in mine and "录入第2遍</a>" not in mine


def test_a_public_number_leads_to_the_entry_form(ctx: Flask, hall: Hall) -> None:
    client = signed_in(ctx, "clerk")
    response = client.get(f"/organize/paper/find?round={hall.round_id}&judge={hall.judge_id}&number=v001")
    assert response.status_code == 302 and response.headers["Location"] == sheet_url(hall)
    response = client.get(f"/organize/paper/find?round={hall.round_id}&judge={hall.judge_id}&number=V999",
                          follow_redirects=True)
    assert "本轮没有编号为“V999”的参赛人（或不在您的范围内）" in response.get_data(as_text=True)


def test_the_clerk_home_loads_the_waiting_work(ctx: Flask, hall: Hall) -> None:
    html = signed_in(ctx, "clerk").get("/organize/entry/").get_data(as_text=True)
    assert 'hx-get="/organize/paper/waiting"' in html and 'href="/organize/paper/"' in html


def test_every_entry_is_audited_with_its_marks_and_scan_hash(ctx: Flask, hall: Hall) -> None:
    post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"))
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "paper_entered")).scalar_one()
    [paper] = paper_sheets()
    assert event.after == {
        "round": "plan", "entry": "V001", "judge_id": hall.judge_id, "feeds_version": 1, "attempt": 1,
        "marks": {str(hall.criteria[0]): "18.5", str(hall.criteria[1]): "17"}, "comment": "思路清晰",
        "scan_sha256": paper.scan_sha256, "scan_mime": "image/jpeg", "scan_size": len(JPEG)}
    assert actions() == ["paper_entered"]


def test_a_contestant_recorded_absent_cannot_have_a_paper_sheet_entered(ctx: Flask, hall: Hall) -> None:
    absence_services.record_absence(hall.world.users["city_organizer"], hall.round_id, "V001", "病假")
    client = signed_in(ctx, "clerk")
    listing = client.get(f"/organize/paper/?round={hall.round_id}&judge={hall.judge_id}").get_data(as_text=True)
    row = r'<td class="fw-semibold">V001</td>\s*<td>[^<]*</td>\s*<td>已登记缺席</td>'
    assert re.search(row, listing)
    assert sheet_url(hall) not in listing and sheet_url(hall, entry_id=hall.other_entry_id) in listing
    page = client.get(sheet_url(hall)).get_data(as_text=True)
    assert "该参赛人本轮已登记缺席，不能录入或核对评分表" in page and 'id="paper-form"' not in page
    status, html = post_entry(client, hall, ("18.5", "17"))
    assert status == 400 and services.ABSENT_FOR_PAPER in html
    assert paper_sheets() == [] and versions() == []


def test_a_mismatch_of_a_contestant_recorded_absent_meanwhile_cannot_be_reconciled(ctx: Flask, hall: Hall) -> None:
    mismatch(ctx, hall)  # 18.5/17 against 18.5/16, awaiting a third person
    organizer = hall.world.users["city_organizer"]
    # Recorded in the same moment as the second entry (the service itself refuses once a sheet is typed).
    db.session.add(RoundAbsence(round_id=hall.round_id, entry_id=hall.entry_id, reason="病假",
                                recorded_by_id=organizer.id))
    db.session.commit()
    status, html = post_reconcile(signed_in(ctx, "clerk3"), hall, ("18.5", "17"), "对照纸质表")
    assert status == 400 and services.ABSENT_FOR_PAPER in html
    assert versions() == [] and db.session.execute(select(Reconciliation)).first() is None


def test_a_paper_sheet_typed_once_refuses_an_absence(ctx: Flask, hall: Hall) -> None:
    post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"))
    with pytest.raises(services.DomainError) as refused:
        absence_services.record_absence(hall.world.users["city_organizer"], hall.round_id, "V001", "病假")
    assert refused.value.message == "该参赛人本轮有纸质评分表已录入，不能登记缺席"
    assert db.session.execute(select(RoundAbsence.id)).first() is None


def test_paper_sheets_waiting_for_a_clerk_are_named_among_what_blocks_publication(ctx: Flask, hall: Hall) -> None:
    contest = hall.world.contest
    scope = parse_scope(contest, "round:plan")
    post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"))  # 评委甲's sheet of V001, typed once
    problems = build(contest, scope).problems
    assert "年初比规划：1 张纸质评分表只录入了1遍，待第2遍录入（V001）" in problems
    post_entry(signed_in(ctx, "clerk2"), hall, ("18.5", "16"))  # typed again, differently
    problems = build(contest, scope).problems
    assert "年初比规划：1 张纸质评分表两遍录入不一致，待第三人核对（V001）" in problems
    assert not any("只录入了1遍" in p for p in problems)
    post_reconcile(signed_in(ctx, "clerk3"), hall, ("18.5", "17"), "对照纸质表")
    assert not any("纸质评分表" in p for p in build(contest, scope).problems)


def test_an_empty_comment_box_does_not_drop_the_judges_comment_unless_the_paper_has_none(
        ctx: Flask, hall: Hall) -> None:
    post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"), comment="资源禀赋分析到位。")
    post_entry(signed_in(ctx, "clerk2"), hall, ("18.5", "16"), comment="资源禀赋分析到位")
    reconciler = signed_in(ctx, "clerk3")
    page = reconciler.get(sheet_url(hall) + "/reconcile").get_data(as_text=True)
    assert "纸质表上没有点评（两遍录入中的点评都不采用）" in page
    csrf = csrf_from(page)
    form = {"csrf_token": csrf, "comment": "", "reason": "纸质表为17",
            f"m-{hall.criteria[0]}": "18.5", f"m-{hall.criteria[1]}": "17"}
    refused = reconciler.post(sheet_url(hall) + "/reconcile", data=form)
    assert refused.status_code == 400 and versions() == []
    assert "录入的点评已清空：请照纸质表填写点评；纸质表上确实没有点评的，请勾选“纸质表上没有点评”" in refused.get_data(
        as_text=True)
    typed = reconciler.post(sheet_url(hall) + "/reconcile", data=form | {"comment": "资源禀赋分析到位。"},
                            follow_redirects=True)
    assert typed.status_code == 200 and [v.comment for v in versions()] == ["资源禀赋分析到位。"]


def test_a_paper_without_a_comment_is_said_so_with_the_tick(ctx: Flask, hall: Hall) -> None:
    post_entry(signed_in(ctx, "clerk"), hall, ("18.5", "17"), comment="误录的点评")
    post_entry(signed_in(ctx, "clerk2"), hall, ("18.5", "17"))
    reconciler = signed_in(ctx, "clerk3")
    csrf = csrf_from(reconciler.get(sheet_url(hall) + "/reconcile").get_data(as_text=True))
    done = reconciler.post(sheet_url(hall) + "/reconcile", follow_redirects=True, data={
        "csrf_token": csrf, "comment": "", "no_comment": "y", "reason": "纸质表无点评",
        f"m-{hall.criteria[0]}": "18.5", f"m-{hall.criteria[1]}": "17"})
    assert done.status_code == 200 and [v.comment for v in versions()] == [""]


def test_bad_marks_are_marked_at_their_own_fields_and_the_first_gets_the_focus(ctx: Flask, hall: Hall) -> None:
    status, html = post_entry(signed_in(ctx, "clerk"), hall, ("13.3", "25"))
    assert status == 400 and versions() == []
    first, second = hall.criteria
    assert re.search(rf'class="[^"]*is-invalid"[^>]*id="m-{first}"[^>]*aria-invalid="true"', html)
    assert f'<div class="invalid-feedback d-block text-end" id="m-{first}-error">分数须为 0.5 的整数倍</div>' in html
    assert f'<div class="invalid-feedback d-block text-end" id="m-{second}-error">分数须在 0–20 之间</div>' in html
    assert "autofocus" not in html.split('id="m-')[1]  # the focus goes to the first field to fix (app.js)
