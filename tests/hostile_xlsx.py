"""Crafted xlsx archives an attacker or a broken tool could upload, each with what must be refused."""

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator

from openpyxl import Workbook

from app.ooxml import MAX_CELLS, MAX_ELEMENTS

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
SHEET_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = b"</sheetData></worksheet>"


def _base() -> dict[str, bytes]:
    """The parts of a real one-row contestants workbook."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "参赛人"
    sheet.append(["组别", "县区", "乡镇", "村", "书记姓名", "手机号", "身份证号", "子组别"])
    sheet.append(["村党组织书记组", "平定县", "冠山镇", "南关村", "王建国", "13935300001", "", ""])
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _with(parts: dict[str, Iterator[bytes] | bytes]) -> bytes:
    """The base workbook with some parts replaced or added; iterators are streamed (never whole in memory)."""
    files: dict[str, Iterator[bytes] | bytes] = {**_base(), **parts}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in files.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in content:
                    part.write(chunk)
    return out.getvalue()


def _repeat(head: bytes, unit: bytes, total: int, tail: bytes) -> Iterator[bytes]:
    yield head
    block = unit * (MB // len(unit))
    for _ in range(total // len(block)):
        yield block
    yield tail


def huge_shared_strings(megabytes: int = 150) -> bytes:
    """The issue's file: a shared-strings part that honestly declares `megabytes` of tiny strings."""
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    return _with({STRINGS: _repeat(head, b"<si><t>a</t></si>", megabytes * MB, b"</sst>")})


def zip_bomb(megabytes: int = 1024) -> bytes:
    """One sheet that inflates to `megabytes` of blanks (a few hundred KB on the wire)."""
    return _with({SHEET: _repeat(SHEET_HEAD, b" " * 1024, megabytes * MB, SHEET_TAIL)})


def _raw_zip(name: str, data: bytes, declared: int, flags: int = 0) -> bytes:
    """A one-part archive whose headers declare `declared` bytes whatever `data` really inflates to."""
    packed = zlib.compressobj(1, zlib.DEFLATED, -15)
    body = packed.compress(data) + packed.flush()
    crc = zlib.crc32(data)
    encoded = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, 8, 0, 0, crc, len(body), declared, len(encoded), 0)
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, 8, 0, 0, crc, len(body), declared,
                          len(encoded), 0, 0, 0, 0, 0, 0)
    directory = central + encoded
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(directory), len(local) + len(encoded) + len(body), 0)
    return local + encoded + body + directory + end


def lying_small_size(megabytes: int = 200) -> bytes:
    """A part that declares 1 KB and inflates to `megabytes`: the declared size must not be trusted."""
    return _raw_zip("[Content_Types].xml", b" " * (megabytes * MB), 1024)


def lying_under_the_bound(megabytes: int = 400) -> bytes:
    """A part that declares 15 MB (under the part bound) and inflates to `megabytes`."""
    return _raw_zip("[Content_Types].xml", b" " * (megabytes * MB), 15 * MB)


def encrypted_part() -> bytes:
    """A part flagged as encrypted (zipfile asks for a password)."""
    data = b"<Types/>"
    return _raw_zip("[Content_Types].xml", data, len(data), flags=1)


def lying_huge_size() -> bytes:
    """A 1 KB part that declares almost 4 GB."""
    return _raw_zip("[Content_Types].xml", b"<Types/>" * 128, 0xFFFF_FFF0)


def many_parts(count: int = 5000) -> bytes:
    return _with({f"xl/media/p{n}.bin": b"" for n in range(count)})


def malformed_sheet() -> bytes:
    """A sheet whose XML stops in the middle of a row."""
    head = b'<row r="1"><c r="A1" t="inlineStr"><is><t>head</t></is></c></row>'
    return _with({SHEET: SHEET_HEAD + head + b'<row r="2"><c'})


def wrong_cell_value() -> bytes:
    """Well-formed XML, but a numeric cell holding text (openpyxl fails while reading the rows)."""
    return _with({SHEET: SHEET_HEAD + b'<row r="1"><c r="A1" t="n"><v>not a number</v></c></row>' + SHEET_TAIL})


def entity_expansion() -> bytes:
    """The billion-laughs DTD in the shared strings."""
    lol = b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %c "%s">' % (98 + n, (b"&%c;" % (97 + n)) * 10) for n in range(8)) + b"]>"
    return _with({STRINGS: lol + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                  b"<si><t>&i;</t></si></sst>"})


def million_rows() -> bytes:
    """A sheet whose last row is Excel's last (1,048,576): openpyxl would pad every row in between."""
    return _with({SHEET: SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>head</t></is></c></row>'
                  b'<row r="1048576"><c r="A1048576"/></row>' + SHEET_TAIL})


def million_cells() -> bytes:
    """About a million empty cells in one row, in 4 MB of XML (well under the size bounds)."""
    return _with({SHEET: _repeat(SHEET_HEAD + b'<row r="1">', b"<c/>", 4 * MB, b"</row>" + SHEET_TAIL)})


def broken_after_the_bounds() -> bytes:
    """Just under the bounds of cells and elements, then the XML breaks: the most a refusal has to read."""
    rows = min(MAX_CELLS // 10, MAX_ELEMENTS // 41) - 100  # 10 cells of 4 elements, and the row itself
    cells = b"".join(b'<row r="%d">' % n + b'<c t="inlineStr"><is><t>x</t></is></c>' * 10 + b"</row>"
                     for n in range(1, rows + 1))
    return _with({SHEET: SHEET_HEAD + cells + b"<row"})


def far_column() -> bytes:
    """A cell in column XFD (16,384)."""
    return _with({SHEET: SHEET_HEAD + b'<row r="1"><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>' + SHEET_TAIL})


HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "huge shared strings (150 MB declared)": (huge_shared_strings, "文件解压后过大"),
    "zip bomb (1 GB of blanks)": (zip_bomb, "文件解压后过大"),
    "declares 1 KB, inflates to 200 MB": (lying_small_size, "文件已损坏或不完整"),
    "declares 15 MB, inflates to 400 MB": (lying_under_the_bound, "文件已损坏或不完整"),
    "declares 4 GB": (lying_huge_size, "文件解压后过大"),
    "encrypted part": (encrypted_part, "文件已损坏或不完整"),
    "5,000 parts": (many_parts, "文件内容过多"),
    "malformed sheet XML": (malformed_sheet, "其中的表格数据已损坏"),
    "text in a numeric cell": (wrong_cell_value, "其中的表格数据已损坏"),
    "entity expansion (DTD)": (entity_expansion, "其中的表格数据已损坏"),
    "row 1,048,576": (million_rows, "工作表第 20000 行以后还有内容或格式"),
    "a million cells": (million_cells, "文件内容过多"),
    "column XFD": (far_column, "文件内容过多"),
    "just under the bounds, then broken XML": (broken_after_the_bounds, "其中的表格数据已损坏"),
}
