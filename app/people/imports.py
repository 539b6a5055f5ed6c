"""Import use cases: check a file and keep its rows (preview), then create everything at once (commit)."""

from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app import rules
from app.accounts.models import User
from app.audit import services as audit
from app.audit.rules import record_rules
from app.contests import demo as contests_demo
from app.contests.current import require_writable, require_writable_contest
from app.contests.models import Contest, Group
from app.entries.models import Entry, EntryHolder
from app.errors import DomainError
from app.extensions import db
from app.judge_fields import JUDGE_FIELDS
from app.people import create
from app.people.duplicates import check_rows
from app.people.models import IMPORT_KINDS, ImportBatch
from app.people.validate import CONTESTANT_COLUMNS, JUDGE_COLUMNS, Problem, RowChecker, text
from app.people.xlsx import Column, FileRejected, check_upload, read_sheet, template_workbook
from app.places.models import County
from app.timeutil import utcnow

SHEETS = {"contestants": "参赛人", "judges": "评委"}
EXAMPLES: dict[str, tuple[str, ...]] = {
    "contestants": ("村党组织书记组", "示例县", "示例镇", "示例村", "张三（示例）", "13800000000", "", ""),
    "judges": ("李四（示例）", "13900000000", "市农业农村局", "农业", "", "", ""),
}
PREVIEW_ROWS = 20


class RowsRefused(DomainError):
    """Rows with problems: nothing was imported or changed; every problem is listed."""

    def __init__(self, problems: list[Problem], message: str | None = None) -> None:
        super().__init__(message or f"发现 {len(problems)} 处问题，未导入任何数据。请修改后重新上传。")
        self.problems = sorted(problems, key=lambda p: (p.sheet, p.row))


@dataclass(frozen=True)
class Committed:
    batch: ImportBatch
    created: int
    accounts_created: int
    accounts_reused: int


def columns_of(kind: str) -> tuple[Column, ...]:
    if kind not in IMPORT_KINDS:
        raise DomainError("未知的导入类型")
    return CONTESTANT_COLUMNS if kind == "contestants" else JUDGE_COLUMNS


def _is_example(kind: str, values: dict[str, Any], columns: tuple[Column, ...]) -> bool:
    return all(text(values.get(c.header)) == e for c, e in zip(columns, EXAMPLES[kind], strict=True))


def preview_import(actor: User, kind: str, filename: str, data: bytes) -> ImportBatch:
    """Check the whole file; keep its rows for confirmation only when every row is right."""
    columns = columns_of(kind)
    contest = create.require_contest()
    require_writable(contest)  # before any parsing: an ended contest's lists are final, so nothing to check
    check_upload(filename, data)
    sheet = read_sheet(data, SHEETS[kind], columns)
    letters = {h: get_column_letter(i) for h, i in sheet.headers.items()}
    checker = RowChecker(contest, rules.county_of(actor), sheet.name, letters)
    missing = [c.header for c in columns if c.required and c.header not in sheet.headers]
    if missing:
        raise RowsRefused([Problem(sheet.name, 1, h, "", f"缺少必填列“{h}”，请使用本页提供的模板") for h in missing])
    rows: list[dict[str, Any]] = []
    for number, values in sheet.rows:
        if _is_example(kind, values, columns):
            continue
        rows.append(checker.contestant(number, values) if kind == "contestants" else checker.judge(number, values))
    if not rows:
        raise FileRejected("文件中没有可导入的数据行（示例行已跳过）")
    check_rows(checker, kind, contest, rows)
    if checker.problems:
        raise RowsRefused(checker.problems)
    batch = ImportBatch(contest_id=contest.id, kind=kind, county_id=rules.county_of(actor), uploader_id=actor.id,
                        filename=filename[-200:], row_count=len(rows), rows=rows)
    db.session.add(batch)
    db.session.flush()
    audit.record("people_import_checked", "import_batch", batch.id,
                 after={"kind": kind, "rows": len(rows), "file": batch.filename, "contest_id": contest.id})
    db.session.commit()
    return batch


def commit_import(actor: User, batch_id: int) -> Committed:
    """Create every row of a checked batch in one transaction; a batch is committed once only."""
    batch = create.scoped_batch(actor, batch_id)
    require_writable_contest(batch.contest_id)
    claimed = db.session.execute(
        update(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.committed_at.is_(None))
        .values(committed_at=utcnow()))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise DomainError("该批次已经导入过，不能重复导入（没有重复创建任何数据）")
    contest = db.session.get(Contest, batch.contest_id)
    if contest is None:
        raise DomainError("该批次所属的比武已不存在")
    rows = list(batch.rows)
    checker = RowChecker(contest, batch.county_id, SHEETS[batch.kind])
    check_rows(checker, batch.kind, contest, rows)
    if checker.problems:
        db.session.rollback()
        raise RowsRefused(checker.problems, "确认导入前，已有人导入了其中部分数据：本批次未导入任何数据，请重新上传。")
    if batch.kind == "contestants":
        created, made, reused, ids = _create_contestants(contest, checker, rows)
    else:
        created, made, reused, ids = _create_judges(contest, rows)
    batch.rows = []  # the phone and ID numbers now live only in the accounts
    audit.record("people_imported", "import_batch", batch.id, after={
        "kind": batch.kind, "contest_id": contest.id, "created": created, "accounts_created": made,
        "accounts_reused": reused, "rows": ids})
    db.session.commit()
    return Committed(batch, created, made, reused)


def _create_contestants(contest: Contest, checker: RowChecker, rows: list[dict[str, Any]]
                        ) -> tuple[int, int, int, list[list[Any]]]:
    groups = {g.id: g for g in contest.groups}
    numbers = create.Numbers(contest)
    secretaries = create.Secretaries()
    entries = []
    for row in rows:
        township = checker.places.township_by_id[row["township_id"]]
        village = checker.places.village_by_id.get(row["village_id"] or 0)
        user = secretaries.account(row, township, village)
        group = groups[row["group_id"]]
        entries.append((row["row"], create.add_entry(contest, row, group, numbers.next(group), user)))
    db.session.flush()
    record_rules(e for _, e in entries)  # who competes in which group: each entry's own event
    ids = [[n, e.id, e.public_number, e.holders[0].user_id] for n, e in entries]
    return len(entries), secretaries.created, secretaries.reused, ids


def _create_judges(contest: Contest, rows: list[dict[str, Any]]) -> tuple[int, int, int, list[list[Any]]]:
    names = create.JudgeNames()
    judges = [(row["row"], create.add_judge(contest, row, names.next())) for row in rows]
    db.session.flush()
    ids = [[n, j.id, j.user.username, j.user_id] for n, j in judges]
    return len(judges), len(judges), 0, ids


def preview_rows(batch: ImportBatch) -> list[list[str]]:
    """The first rows of a batch as the preview table shows them (phone masked, ID masked)."""
    counties = {c.id: c.name for c in db.session.execute(select(County)).scalars()}
    if batch.kind == "judges":
        return [[str(r["row"]), r["name"], "***" + r["phone"][-4:], r["unit"], JUDGE_FIELDS[r["field"]],
                 counties.get(r["county_id"] or 0, "—")] for r in batch.rows[:PREVIEW_ROWS]]
    checker = RowChecker(db.session.get_one(Contest, batch.contest_id), None)
    groups = {g.id: g.name for g in db.session.execute(select(Group)).scalars()}
    return [[str(r["row"]), groups[r["group_id"]], counties[r["county_id"]],
             checker.places.township_by_id[r["township_id"]].name, checker.place_label(r) if r["village_id"] else "—",
             r["name"], "***" + r["phone"][-4:]] for r in batch.rows[:PREVIEW_ROWS]]


def recent_batches(actor: User, limit: int = 10) -> list[ImportBatch]:
    query = select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)
    query = rules.visible(query, ImportBatch.county_id, actor)
    return list(db.session.execute(query).scalars())


def _instructions(kind: str) -> list[str]:
    common = [
        "第 1 行是表头，请勿修改；第 2 行（灰色）是示例行，原样保留会被自动跳过，也可直接删除或覆盖。",
        "红色表头为必填项。带下拉箭头的列请从下拉列表中选择。",
        "手机号填 11 位大陆手机号；身份证号可不填，填写时须为 18 位并以“文本”格式填写。",
        "文件须为 .xlsx 格式，不超过 5 MB、5000 行。",
        "导入分两步：先上传检查并预览，确认无误后点“确认导入”。只要有一行有问题，整个文件都不会导入，"
        "页面会列出每一处问题（工作表、行、列、内容、原因）。",
        "县区组织者只能导入本县区的数据。",
    ]
    if kind == "contestants":
        return ["参赛人导入说明", *common,
                "组别：乡镇党委书记组不填“村”；村党组织书记组须填写村，且该村须属于所填乡镇。",
                "街道、开发区不参加乡镇党委书记组，其所辖的村参加村党组织书记组（“乡镇”列填街道或开发区的名称）。",
                "每个村（乡镇）在一次比武中只能有一名参赛人；编号（T01…、V001…）由系统按顺序自动分配。",
                "同一人（姓名和手机号相同，或身份证号相同）只能担任一个参赛村（乡镇）的书记。",
                "子组别可不填；填写时须是该组别已设置的子组别（如 培训班A班）。",
                "导入时为每位书记创建账号（用户名为 s+村代码 或 t+乡镇代码），登录凭条在“打印登录凭条”页面打印。"]
    return ["评委导入说明", *common,
            "领域从下拉列表选择：" + "、".join(JUDGE_FIELDS.values()) + "。",
            "所在县区、所在乡镇用于回避（评委不评本县区、本乡镇的参赛人）；填写所在乡镇时须同时填写所在县区。",
            "同名且同手机号的评委在一次比武中只能有一位。导入时为每位评委创建账号（用户名 j+序号）。"]


def template_file(actor: User, kind: str, rows: list[list[Any]] | None = None) -> bytes:
    """The import template of a kind, with drop-downs for the actor's scope (and optional rows)."""
    columns = columns_of(kind)
    contest = create.require_contest()
    query = select(County).order_by(County.code)
    query = rules.visible(query, County.id, actor)
    counties = [c.name for c in db.session.execute(query).scalars()]
    options = {"counties": counties}
    if kind == "contestants":
        options["groups"] = [g.name for g in contest.groups if g.parent_id is None]
        options["subgroups"] = sorted({g.name for g in contest.groups if g.parent_id is not None})
    else:
        options["fields"] = list(JUDGE_FIELDS.values())
    return template_workbook(SHEETS[kind], columns, options, EXAMPLES[kind], _instructions(kind), rows or [])


def demo_contest() -> Contest | None:
    """The demo's own contest, when the database holds the demo."""
    if db.session.execute(select(User.id).where(User.is_demo).limit(1)).first() is None:
        return None
    return contests_demo.demo_contest()


def demo_contestants_xlsx(contest: Contest) -> bytes:
    """Every entry of a contest as an import file (the demo's 651), in public-number order."""
    entries = db.session.execute(
        select(Entry).where(Entry.contest_id == contest.id, Entry.active)
        .options(selectinload(Entry.holders).selectinload(EntryHolder.user), selectinload(Entry.county),
                 selectinload(Entry.township), selectinload(Entry.village), selectinload(Entry.group),
                 selectinload(Entry.subgroup))
        .order_by(Entry.public_number)).scalars().all()
    rows = []
    for e in sorted(entries, key=lambda e: (e.group.position, e.public_number)):
        holder = e.current_holder
        rows.append([e.group.name, e.county.name, e.township.name, e.village.name if e.village else "",
                     holder.user.display_name if holder else "", holder.user.phone if holder else "", "",
                     e.subgroup.name if e.subgroup else ""])
    counties = [c.name for c in db.session.execute(select(County).order_by(County.code)).scalars()]
    options = {"counties": counties, "groups": [g.name for g in contest.groups if g.parent_id is None],
               "subgroups": sorted({g.name for g in contest.groups if g.parent_id is not None})}
    return template_workbook(SHEETS["contestants"], CONTESTANT_COLUMNS, options, EXAMPLES["contestants"],
                             _instructions("contestants"), rows)
