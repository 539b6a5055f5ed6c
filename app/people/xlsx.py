"""Excel files: checking an upload is a real xlsx, reading its rows, writing templates and exports."""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from app.excel import neutralise, safe_cell
from app.ooxml import BAD_XML, MAX_ROW_NUMBER, FileRejected, check_archive

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
READ_COLUMNS = 64  # headers further right are not looked for (the templates have at most 8 columns)
HEADER_FILL = PatternFill("solid", fgColor="F2DEDE")
EXAMPLE_FILL = PatternFill("solid", fgColor="EEEEEE")
OPTIONS_SHEET = "选项"
HELP_SHEET = "说明"


@dataclass(frozen=True)
class Column:
    header: str
    required: bool = False
    width: int = 14
    options: str | None = None  # key of the drop-down list in the options sheet


@dataclass
class Sheet:
    """The rows of the data sheet: dicts keyed by header, with their Excel row numbers."""

    name: str
    headers: dict[str, int]  # header -> column index (1-based)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def check_upload(filename: str, data: bytes) -> None:
    """Refuse anything but a real xlsx of at most 5 MB, whatever its name says."""
    if len(data) > MAX_BYTES:
        raise FileRejected("文件超过 5 MB，请删除无关内容（如图片）或分批导入")
    if not data:
        raise FileRejected("上传的文件是空的")
    name = filename.lower().strip()
    if name.endswith(".xls"):
        raise FileRejected("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再上传")
    if not name.endswith(".xlsx"):
        raise FileRejected("只能上传 .xlsx 格式的 Excel 文件，请使用本页提供的模板")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected("文件扩展名是 .xlsx，但内容是旧版 Excel（.xls）或其他 Office 格式，请另存为 .xlsx 后再上传")
    if data.startswith(b"%PDF"):
        raise FileRejected("文件扩展名是 .xlsx，但内容是 PDF 文档，不是 Excel 表格")
    if not data.startswith(b"PK\x03\x04"):
        raise FileRejected("文件扩展名是 .xlsx，但内容不是 Excel 表格（可能是改了扩展名的 CSV 或文本文件）")
    names = check_archive(data).names
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileRejected("文件是压缩包，但不是 Excel 工作簿（缺少 xl/workbook.xml）")


def read_sheet(data: bytes, preferred: str, columns: Sequence[Column]) -> Sheet:
    """The data sheet's rows (at most 5,000 non-empty ones), keyed by the known headers.

    Call check_upload first: it bounds what openpyxl parses here; rows and columns are bounded again
    because openpyxl pads a sheet out to its declared dimension (which may claim a million rows)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileRejected:
        raise
    except Exception:  # openpyxl raises many kinds for a broken workbook
        raise FileRejected("无法读取该 Excel 文件（文件可能已损坏），请用 Excel 打开后重新保存再上传") from None
    try:
        return _rows(book, preferred, columns)
    except FileRejected:
        raise
    except Exception:  # a part that is well-formed XML yet not what openpyxl expects
        raise FileRejected(BAD_XML) from None
    finally:
        book.close()


def _rows(book: Any, preferred: str, columns: Sequence[Column]) -> Sheet:
    names = [n for n in book.sheetnames if n not in (HELP_SHEET, OPTIONS_SHEET)]
    if not names:
        raise FileRejected("文件中没有数据工作表")
    name = preferred if preferred in names else names[0]
    rows = book[name].iter_rows(max_row=MAX_ROW_NUMBER, max_col=READ_COLUMNS, values_only=True)
    header_row = next(rows, None) or ()
    known = {c.header for c in columns}
    headers = {str(v).strip(): i for i, v in enumerate(header_row, start=1) if v is not None
               and str(v).strip() in known}
    sheet = Sheet(name, headers)
    for number, values in enumerate(rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise FileRejected(f"数据超过 {MAX_ROWS} 行，请分批导入")
        sheet.rows.append((number, {h: values[i - 1] if i <= len(values) else None
                                    for h, i in headers.items()}))
    return sheet


def _header(sheet: Worksheet, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True, color="9B1C1C" if column.required else "333333")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def table_workbook(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    """An export: bold frozen header, values neutralised against formula injection."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    _header(sheet, columns)
    for row in rows:
        sheet.append([safe_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_workbook(
    title: str, columns: Sequence[Column], options: dict[str, list[str]], example: Sequence[Any],
    instructions: Sequence[str], rows: Iterable[Sequence[Any]] = (),
) -> bytes:
    """An import template: header, drop-downs from a hidden options sheet, example row, 说明 sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    _header(sheet, columns)
    for index, value in enumerate(example, start=1):
        neutralise(sheet.cell(row=2, column=index, value=value)).fill = EXAMPLE_FILL
    for row in rows:
        sheet.append([safe_cell(sheet, v) for v in row])
    lists = book.create_sheet(OPTIONS_SHEET)
    lists.sheet_state = "hidden"
    for list_index, (key, values) in enumerate(options.items(), start=1):
        letter = get_column_letter(list_index)
        lists.cell(row=1, column=list_index, value=key)
        for row_index, value in enumerate(values, start=2):
            neutralise(lists.cell(row=row_index, column=list_index, value=value))  # sub-groups are typed in
        for col_index, column in enumerate(columns, start=1):
            if column.options != key or not values:
                continue
            validation = DataValidation(
                type="list", formula1=f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${len(values) + 1}",
                allow_blank=not column.required, showErrorMessage=True,
                errorTitle="请从下拉列表中选择", error=f"“{column.header}”只能从下拉列表中选择",
            )
            target = get_column_letter(col_index)
            validation.add(f"{target}2:{target}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    help_sheet = book.create_sheet(HELP_SHEET)
    help_sheet.column_dimensions["A"].width = 100
    for row_index, line in enumerate(instructions, start=1):
        help_sheet.cell(row=row_index, column=1, value=line).alignment = Alignment(wrap_text=True)
    help_sheet["A1"].font = Font(bold=True, size=14)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
