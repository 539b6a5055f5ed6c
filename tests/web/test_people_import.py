"""Excel import of contestants and judges: preview then commit, all or nothing, every problem listed."""

import io
import os
import zipfile
from datetime import date

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.contests.models import Group
from app.entries.models import Entry
from app.extensions import db
from app.judges.models import Judge
from app.people.models import ImportBatch
from tests.conftest import login
from tests.factories import World
from tests.people_data import (
    JUDGE_HEADERS,
    VALID_ID,
    add_places,
    batch_id_of,
    batches,
    clean_subgroups,  # noqa: F401  (autouse: sub-groups go first)
    commit,
    problems_of,
    upload,
    village_row,
    xlsx,
    zipped,
)


def entries() -> int:
    return db.session.execute(select(func.count(Entry.id))).scalar_one()


def users() -> int:
    return db.session.execute(select(func.count(User.id))).scalar_one()


def refused(client: FlaskClient, data: bytes, kind: str = "contestants", filename: str = "名单.xlsx") -> str:
    """Upload a file that must be refused: nothing stored, nothing created; the page's text."""
    before = (entries(), users(), batches())
    response = upload(client, kind, data, filename)
    assert response.status_code == 400
    assert (entries(), users(), batches()) == before
    return response.get_data(as_text=True)


def test_a_valid_file_is_previewed_then_committed_into_exact_entries_and_accounts(
        client: FlaskClient, world: World) -> None:
    places = add_places(world)
    login(client, "city")
    data = xlsx([["乡镇党委书记组", "平定县", "娘子关镇", "", "刘志强", "13935300009", "", ""],
                 village_row("南关村", "王建国", 13935300001, sub="培训班A班", id_number=VALID_ID),
                 village_row("北村", "赵红梅", "139-3530-0002", township="秀水镇", county="盂县")])
    batch_id = batch_id_of(upload(client, "contestants", data))
    assert entries() == 2  # a preview creates nothing
    preview = client.get(f"/organize/people/imports/{batch_id}").get_data(as_text=True)
    assert "共 <strong class=\"num-plain\">3</strong> 条参赛人" in preview and "***0001" in preview
    assert "13935300001" not in preview

    response = commit(client, batch_id)
    assert response.status_code == 302 and response.headers["Location"] == "/organize/people/"
    made = {e.public_number: e for e in db.session.execute(select(Entry).where(Entry.public_number.in_(
        ["T01", "V003", "V004"]))).scalars()}
    assert [(n, e.unit_name, e.current_holder.user.username) for n, e in sorted(made.items())] == [
        ("T01", "平定县娘子关镇", "t140321101"),
        ("V003", "平定县冠山镇南关村", "s140321100202"),
        ("V004", "盂县秀水镇北村", "s140322100202")]
    assert made["V003"].subgroup_id == places["class_a"].id
    holder = made["V003"].current_holder
    assert holder.started_on == date.today() and holder.ended_on is None
    user = holder.user
    assert (user.display_name, user.phone, user.id_number, user.role, user.county_id, user.unit) == (
        "王建国", "13935300001", VALID_ID, "secretary", world.pingding.id, "南关村")
    assert user.password_hash is None and user.activation_digest and user.must_change_password
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "people_imported")).scalar_one()
    assert event.object_id == str(batch_id)
    assert event.after["created"] == 3 and event.after["accounts_created"] == 3
    assert "13935300001" not in str(event.after) and VALID_ID not in str(event.after)
    assert db.session.get(ImportBatch, batch_id).rows == []  # phone and ID numbers do not linger
    recorded = {e.object_id: e.after for e in db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "entry_recorded")).scalars()}  # who competes where
    assert recorded == {str(e.id): {"contest_id": world.contest.id, "group_id": e.group_id,
                                    "subgroup_id": e.subgroup_id, "active": True} for e in made.values()}


def test_a_batch_is_committed_once_and_a_second_post_doubles_nothing(client: FlaskClient, world: World) -> None:
    add_places(world)
    login(client, "city")
    batch_id = batch_id_of(upload(client, "contestants", xlsx([village_row()])))
    commit(client, batch_id)
    count = (entries(), users())
    response = commit(client, batch_id)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "该批次已经导入过，不能重复导入" in page
    assert (entries(), users()) == count


def test_a_missing_required_value_is_listed_with_sheet_row_and_column(client: FlaskClient, world: World) -> None:
    add_places(world)
    login(client, "city")
    html = refused(client, xlsx([village_row(), village_row("北关村", name="")]))
    assert problems_of(html) == [("参赛人", "3", "E（书记姓名）", "（空）", "必填项未填写")]
    assert "未导入任何数据" in html


@pytest.mark.parametrize(("row", "column", "value", "message"), [
    (village_row(county="阳曲县"), "B（县区）", "阳曲县", "未知的县区“阳曲县”"),
    (village_row(township="西河乡"), "C（乡镇）", "西河乡", "平定县没有乡镇“西河乡”"),
    (village_row("桃花村"), "D（村）", "桃花村", "冠山镇没有村“桃花村”"),
    (village_row("北村"), "D（村）", "北村", "“北村”不属于冠山镇（属于秀水镇）"),
    (village_row(phone="12345678901"), "F（手机号）", "12345678901", "不是有效的手机号码（应为 11 位大陆手机号）"),
    (village_row(phone="一三九三五三"), "F（手机号）", "一三九三五三", "手机号应为数字，不能包含文字或其他符号"),
    (village_row(id_number="110105194912310021"), "G（身份证号）", "110105194912310021",
     "身份证号校验位不正确，请核对"),
    (village_row(id_number="1101051949"), "G（身份证号）", "1101051949", "身份证号格式不正确（应为 18 位）"),
    (village_row(id_number=110105194912310020), "G（身份证号）", "110105194912310000",  # Excel lost the digits
     "身份证号须以文本格式填写（数字格式会丢失末位），请将该列设为“文本”后重填"),
    (village_row(sub="培训班C班"), "H（子组别）", "培训班C班", "村党组织书记组没有子组别“培训班C班”"),
    (["乡镇党委书记组", "平定县", "冠山镇", "南关村", "王建国", "13935300001", "", ""], "D（村）", "南关村",
     "乡镇党委书记组不填“村”"),
    (["书记组", "平定县", "冠山镇", "南关村", "王建国", "13935300001", "", ""], "A（组别）", "书记组",
     "未知的组别“书记组”，应为：乡镇党委书记组、村党组织书记组"),
])
def test_each_bad_value_is_listed_and_nothing_is_imported(
        client: FlaskClient, world: World, row: list[object], column: str, value: str, message: str) -> None:
    add_places(world)
    login(client, "city")
    html = refused(client, xlsx([village_row("北关村", "孙立"), row]))
    assert problems_of(html) == [("参赛人", "3", column, value, message)]


def test_a_duplicate_within_the_file_is_reported_on_both_rows(client: FlaskClient, world: World) -> None:
    add_places(world)
    login(client, "city")
    html = refused(client, xlsx([village_row(), village_row("北关村", "孙立"), village_row(name="王建军")]))
    assert problems_of(html) == [("参赛人", "2", "D（村）", "南关村", "同一村（乡镇）与第 4 行重复"),
                                 ("参赛人", "4", "D（村）", "南关村", "同一村（乡镇）与第 2 行重复")]


def test_a_place_that_already_has_an_entry_in_the_contest_is_a_duplicate(client: FlaskClient, world: World) -> None:
    add_places(world)
    login(client, "city")
    html = refused(client, xlsx([village_row("西关村")]))
    assert problems_of(html) == [("参赛人", "2", "D（村）", "西关村", "本次比武已有该村（乡镇）的参赛人（编号 V001）")]


def test_a_county_organizer_may_not_import_another_countys_rows(client: FlaskClient, world: World) -> None:
    add_places(world)
    login(client, "pdorg")
    other = village_row("北村", "赵红梅", "13935300002", township="秀水镇", county="盂县")
    html = refused(client, xlsx([village_row(), other]))
    assert problems_of(html) == [("参赛人", "3", "B（县区）", "盂县", "不属于您管理的县区")]


def test_a_missing_column_refuses_the_file(client: FlaskClient, world: World) -> None:
    login(client, "city")
    headers = ["组别", "县区", "乡镇", "村", "书记姓名", "身份证号"]
    html = refused(client, xlsx([["村党组织书记组", "平定县", "冠山镇", "西关村", "王建国", ""]], headers))
    assert problems_of(html) == [("参赛人", "1", "手机号", "（空）", "缺少必填列“手机号”，请使用本页提供的模板")]


def _real_xls_header() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(("filename", "content", "message"), [
    ("名单.csv", "组别,县区\n村党组织书记组,平定县\n".encode(), "只能上传 .xlsx 格式的 Excel 文件"),
    ("名单.xls", _real_xls_header(), "这是旧版 Excel（.xls）文件"),
    ("名单.xlsx", "组别,县区,乡镇\n村党组织书记组,平定县,冠山镇\n".encode(), "可能是改了扩展名的 CSV 或文本文件"),
    ("名单.xlsx", _real_xls_header(), "内容是旧版 Excel（.xls）或其他 Office 格式"),
    ("名单.xlsx", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "内容是 PDF 文档"),
    ("名单.xlsx", xlsx([village_row()])[:900], "文件已损坏或不完整"),
    ("名单.xlsx", zipped({"readme.txt": b"hello"}), "不是 Excel 工作簿"),
    ("名单.xlsx", zipped({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"not xml"}), "无法读取该 Excel 文件"),
    ("名单.xlsx", b"", "上传的文件是空的"),
])
def test_a_file_that_is_not_a_real_xlsx_is_refused_with_a_clear_message(
        client: FlaskClient, world: World, filename: str, content: bytes, message: str) -> None:
    login(client, "city")
    assert message in refused(client, content, filename=filename)


def test_a_file_over_5_mb_is_refused_before_parsing(client: FlaskClient, world: World) -> None:
    login(client, "city")
    buffer = io.BytesIO(xlsx([village_row()]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/media/photo.bin", os.urandom(5 * 1024 * 1024))
    assert "文件超过 5 MB" in refused(client, buffer.getvalue())


def test_a_file_over_5000_rows_is_refused(client: FlaskClient, world: World) -> None:
    login(client, "city")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("参赛人")
    sheet.append(["组别", "县区", "乡镇", "村", "书记姓名", "手机号"])
    for n in range(5001):
        sheet.append(["村党组织书记组", "平定县", "冠山镇", f"村{n}", "王", "13935300001"])
    out = io.BytesIO()
    book.save(out)
    assert "数据超过 5000 行，请分批导入" in refused(client, out.getvalue())


def test_the_template_has_dropdowns_a_frozen_header_and_instructions_and_its_example_row_is_skipped(
        client: FlaskClient, world: World) -> None:
    add_places(world)
    login(client, "city")
    response = client.get("/organize/people/template/contestants.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["参赛人"]
    assert [c.value for c in sheet[1]] == ["组别", "县区", "乡镇", "村", "书记姓名", "手机号", "身份证号", "子组别"]
    assert sheet.freeze_panes == "A2" and "说明" in book.sheetnames
    assert [row[0] for row in book["选项"].iter_rows(min_row=2, max_col=1, values_only=True)] == ["平定县", "盂县"]
    formulas = sorted(v.formula1 for v in sheet.data_validations.dataValidation)
    assert formulas == ["'选项'!$A$2:$A$3", "'选项'!$B$2:$B$3", "'选项'!$C$2:$C$2"]
    assert sheet["E2"].value == "张三（示例）"
    sheet.append(village_row())
    out = io.BytesIO()
    book.save(out)
    batch_id = batch_id_of(upload(client, "contestants", out.getvalue()))
    assert db.session.get(ImportBatch, batch_id).row_count == 1


def test_an_example_row_that_was_half_edited_is_checked_like_any_row(client: FlaskClient, world: World) -> None:
    login(client, "city")
    book = load_workbook(io.BytesIO(client.get("/organize/people/template/contestants.xlsx").data))
    book["参赛人"]["E2"] = "李明"
    out = io.BytesIO()
    book.save(out)
    html = refused(client, out.getvalue())
    assert ("参赛人", "2", "B（县区）", "示例县", "未知的县区“示例县”") in problems_of(html)


def test_a_commit_refuses_rows_that_someone_imported_meanwhile(client: FlaskClient, world: World) -> None:
    add_places(world)
    login(client, "city")
    first = batch_id_of(upload(client, "contestants", xlsx([village_row()])))
    second = batch_id_of(upload(client, "contestants", xlsx([village_row("北关村", "孙立"), village_row()])))
    commit(client, first)
    count = (entries(), users())
    response = commit(client, second)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "已有人导入了其中部分数据" in html
    assert problems_of(html) == [("参赛人", "3", "村", "南关村", "本次比武已有该村（乡镇）的参赛人（编号 V003）")]
    assert (entries(), users()) == count and db.session.get(ImportBatch, second).committed_at is None


def test_judges_are_imported_with_accounts_numbered_after_the_last_j_username(
        client: FlaskClient, world: World) -> None:
    add_places(world)
    db.session.add(User(username="j07", display_name="旧评委", role="judge"))
    db.session.commit()
    login(client, "city")
    data = xlsx([["张评", "13935300011", "市财政局", "财政金融", "", "", ""],
                 ["李评", "13935300012", "平定县委组织部", "基层党建", "平定县", "冠山镇", VALID_ID]],
                JUDGE_HEADERS, "评委")
    commit(client, batch_id_of(upload(client, "judges", data)))
    made = db.session.execute(select(Judge).join(User).where(User.username.in_(["j08", "j09"]))
                              .order_by(User.username)).scalars().all()
    assert [(j.user.username, j.user.display_name, j.field, j.home_county_id, j.unit) for j in made] == [
        ("j08", "张评", "finance", None, "市财政局"),
        ("j09", "李评", "grassroots", world.pingding.id, "平定县委组织部")]
    assert made[1].home_township.name == "冠山镇" and made[1].user.county_id == world.pingding.id
    assert all(j.user.activation_digest and j.user.password_hash is None for j in made)


def test_judge_rows_are_checked_for_field_place_and_duplicates(client: FlaskClient, world: World) -> None:
    login(client, "city")
    judge = world.users["judge"]
    judge.phone = "13935300020"
    db.session.commit()
    data = xlsx([["评委甲", "13935300020", "市农业农村局", "农业", "", "", ""],
                 ["周评", "13935300021", "市财政局", "法律", "", "冠山镇", ""]], JUDGE_HEADERS, "评委")
    html = refused(client, data, kind="judges")
    assert problems_of(html) == [
        ("评委", "2", "A（姓名）", "评委甲", "本次比武已有同名同手机号的评委"),
        ("评委", "3", "D（领域）", "法律", "未知的领域“法律”，应为：组织、农业、财政金融、文化旅游、基层党建"),
        ("评委", "3", "F（所在乡镇）", "冠山镇", "填写乡镇时须同时填写县区")]


def test_a_county_organizer_imports_only_judges_of_their_county(client: FlaskClient, world: World) -> None:
    login(client, "pdorg")
    data = xlsx([["张评", "13935300011", "市财政局", "财政金融", "", "", ""],
                 ["李评", "13935300012", "盂县委组织部", "基层党建", "盂县", "", ""]], JUDGE_HEADERS, "评委")
    assert [p[2:] for p in problems_of(refused(client, data, kind="judges"))] == [
        ("E（所在县区）", "（空）", "县区组织者导入的评委须填写本县区"),
        ("E（所在县区）", "盂县", "不属于您管理的县区")]


def test_another_countys_batch_is_not_found_and_cannot_be_committed(client: FlaskClient, world: World) -> None:
    add_places(world)
    login(client, "pdorg")
    batch_id = batch_id_of(upload(client, "contestants", xlsx([village_row()])))
    other = client.application.test_client()
    token = login(other, "yxorg")
    assert other.get(f"/organize/people/imports/{batch_id}").status_code == 404
    assert other.post(f"/organize/people/imports/{batch_id}/commit", data={"csrf_token": token}).status_code == 404
    assert db.session.get(ImportBatch, batch_id).committed_at is None
    assert "名单.xlsx" not in other.get("/organize/people/import").get_data(as_text=True)
    assert "名单.xlsx" in client.get("/organize/people/import").get_data(as_text=True)


def test_a_typed_in_sub_group_name_is_text_in_the_templates_options(client: FlaskClient, world: World) -> None:
    village = next(g for g in world.contest.groups if g.code == "village")
    db.session.add(Group(contest_id=world.contest.id, parent_id=village.id, code="evil", name="=1+1", position=9))
    db.session.commit()
    login(client, "city")
    options = load_workbook(io.BytesIO(client.get("/organize/people/template/contestants.xlsx").data))["选项"]
    cell = next(c for c in options["C"] if c.value == "=1+1")
    assert (cell.data_type, cell.quotePrefix) == ("s", True)  # was a formula
