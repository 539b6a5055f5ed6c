"""Fixed-width text rows for long PDF tables: one text line per row instead of one box per cell.

WeasyPrint lays out every table cell as its own box, which makes a 620-row, 9-column table take
about 5 s; the same table as one monospaced line per row (CJK characters two columns wide,
Noto Sans Mono CJK) takes well under 1 s. Long values wrap inside their column.
"""

import unicodedata
from dataclasses import dataclass
from itertools import zip_longest


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # in half-width character cells
    right: bool = False


def cells(text: str) -> int:
    """Display width: East Asian wide and full-width characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _chunks(text: str, width: int) -> list[str]:
    chunks, current = [], ""
    for char in text:
        if cells(current + char) > width:
            chunks.append(current)
            current = ""
        current += char
    return [*chunks, current]


def _pad(text: str, column: Column) -> str:
    space = " " * max(0, column.width - cells(text))
    return space + text if column.right else text + space


def fixed_row(columns: list[Column], values: list[str]) -> str:
    """One row as text lines (newline-separated), each value padded or wrapped to its column."""
    pieces = [_chunks(value, column.width) for column, value in zip(columns, values, strict=True)]
    lines = [" ".join(_pad(piece or "", column) for column, piece in zip(columns, parts, strict=True)).rstrip()
             for parts in zip_longest(*pieces)]
    return "\n".join(lines)


def header_row(columns: list[Column]) -> str:
    return fixed_row(columns, [c.header for c in columns])
