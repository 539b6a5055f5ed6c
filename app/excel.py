"""Excel exports with openpyxl: Chinese headers, frozen header, print set-up, formula injection neutralised."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(cell: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula stays a text cell with Excel's quote prefix: shown and
    read back exactly as written (a prepended apostrophe was visible, and a re-import stored it)."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl typed it "f" (formula) from the leading "="
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def safe_cell(sheet: Any, value: object) -> object:
    """A value for sheet.append: formula-like text as a neutralised cell, anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return neutralise(Cell(sheet, value=value))
    return value


def number_format(places: int) -> str:
    """Excel's format for exactly `places` decimals: 0 → "0", 2 → "0.00"."""
    return "0." + "0" * places if places > 0 else "0"


def places_of(*values: Decimal) -> int:
    """Decimals needed to show every value exactly: a step of 0.5 → 1, 0.25 → 2, 1 → 0."""
    return max((max(0, -int(v.normalize().as_tuple().exponent)) for v in values), default=0)


@dataclass(frozen=True)
class Number:
    """A decimal written as an Excel number shown with exactly `places` decimals.

    Under the General format a published "81.50" would show as 81.5; the format keeps the figure as
    published while the cell stays a number (sortable, summable).
    """

    value: Decimal
    places: int


@dataclass(frozen=True)
class SheetSpec:
    """One worksheet of a workbook: title, optional caption rows above the header, header, rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Sequence[int] | None = None
    caption: Sequence[str] = ()


def workbook(sheets: Sequence[SheetSpec]) -> bytes:
    """Several sheets, each print-ready: caption lines, then a bold header row repeated on every printed
    page, frozen below the header, fit to width, A4 landscape; every text cell neutralised."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for spec in sheets:
        _fill(book.create_sheet(spec.title[:31]), spec)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append(sheet: Any, line: int, row: Sequence[object]) -> None:
    """Append row number `line` (passed in: sheet.max_row scans every cell, far too slow per row)."""
    sheet.append([v.value if isinstance(v, Number) else safe_cell(sheet, v) for v in row])
    for column, value in enumerate(row, start=1):
        if isinstance(value, Number):
            sheet.cell(row=line, column=column).number_format = number_format(value.places)


def _fill(sheet: Any, spec: SheetSpec) -> None:
    for line in spec.caption:
        sheet.append([safe_cell(sheet, line)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    header_row = len(spec.caption) + 1
    sheet.append([safe_cell(sheet, h) for h in spec.headers])
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, row in enumerate(spec.rows, start=header_row + 1):
        _append(sheet, number, row)
    for index, width in enumerate(spec.widths or [14] * len(spec.headers), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def table_workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]],
                   widths: Sequence[int] | None = None) -> bytes:
    """One sheet: bold header row repeated on every printed page, frozen, fit to width, A4 landscape."""
    return workbook([SheetSpec(title, headers, rows, widths)])
