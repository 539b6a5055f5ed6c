"""Bounded checks of an uploaded Office Open XML archive (.xlsx) before any parser reads it."""

import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from app.errors import DomainError

# A real 5,000-row import is about 2.5 MB of sheet XML and a few hundred KB else; these leave ample room
# while keeping the work of a hostile file under a second and its memory under 100 MB.
MAX_PARTS = 200
MAX_PART_BYTES = 16 * 1024 * 1024
MAX_TOTAL_BYTES = 32 * 1024 * 1024
MAX_ELEMENTS = 500_000  # XML elements in all parts together (a real 5,000-row import: about 200,000)
MAX_CELLS = 100_000  # 5,000 rows × 20 columns (the templates have 7 or 8)
MAX_ROW_NUMBER = 20_000  # the highest row number any worksheet may use (blank rows included)
MAX_COLUMN_NUMBER = 256  # the highest column any cell may sit in (column IV)
CHUNK = 64 * 1024
XML_PART = re.compile(r"\.(xml|rels|vml)$", re.I)
WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.I)
CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")

BROKEN = "文件已损坏或不完整（不是有效的 xlsx 压缩包），请用 Excel 打开后重新保存再上传"
TOO_BIG = "文件解压后过大（正常的 5000 行名单不超过几 MB），请删除图片等无关内容或分批导入"
TOO_MANY = "文件内容过多（单元格或行数远超 5000 行名单所需），请只保留数据工作表后再上传"
BAD_XML = "无法读取该 Excel 文件：其中的表格数据已损坏，请用 Excel 打开后重新保存再上传"


class FileRejected(DomainError):
    """The upload is not a file we can read, or is too large: nothing was stored."""


@dataclass
class Budget:
    """What the parts of one archive have used so far."""

    inflated: int = 0
    elements: int = 0
    cells: int = 0
    names: set[str] = field(default_factory=set)


def check_archive(data: bytes) -> Budget:
    """Inflate every part with a byte cap (declared sizes are not trusted) and parse each XML part with
    counts, refusing as soon as a bound is passed; a DTD (entity expansion) or malformed XML is refused."""
    budget = Budget()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            budget.names = {i.filename for i in infos}
            if len(infos) > MAX_PARTS:
                raise FileRejected(TOO_MANY)
            if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES or any(i.file_size > MAX_PART_BYTES for i in infos):
                raise FileRejected(TOO_BIG)
            for info in infos:
                _read_part(archive, info, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, ValueError,
            OSError):  # RuntimeError: an encrypted part
        raise FileRejected(BROKEN) from None
    return budget


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget) -> None:
    """Stream one part through its XML parser (if it is XML), counting real bytes, not declared ones."""
    scan = _Scan(budget, info.filename) if XML_PART.search(info.filename) else None
    size = 0
    with archive.open(info) as part:  # zipfile checks the CRC at the end: a lying size fails there
        while chunk := part.read(CHUNK):
            size += len(chunk)
            budget.inflated += len(chunk)
            if size > MAX_PART_BYTES or budget.inflated > MAX_TOTAL_BYTES:
                raise FileRejected(TOO_BIG)
            if scan is not None:
                scan.feed(chunk, final=False)
    if scan is not None:
        scan.feed(b"", final=True)


class _Scan:
    """An expat pass over one part: no DTD, well-formed, elements, cells and row numbers bounded."""

    def __init__(self, budget: Budget, name: str) -> None:
        self.budget = budget
        self.sheet = bool(WORKSHEET.match(name))
        self.row = 0
        self.parser = expat.ParserCreate()
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._doctype
        self.parser.StartElementHandler = self._start

    def feed(self, chunk: bytes, final: bool) -> None:
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError:
            raise FileRejected(BAD_XML) from None

    def _doctype(self, *_: object) -> None:
        raise FileRejected(BAD_XML)

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        budget = self.budget
        budget.elements += 1
        if budget.elements > MAX_ELEMENTS:
            raise FileRejected(TOO_MANY)
        if not self.sheet:
            return
        local = name.rpartition(":")[2]
        if local == "row":
            number = attrs.get("r")
            self.row = int(number) if number is not None and number.isdigit() else self.row + 1
            self._check_row(self.row)
        elif local == "c":
            budget.cells += 1
            if budget.cells > MAX_CELLS:
                raise FileRejected(TOO_MANY)
            ref = CELL_REF.match(attrs.get("r", ""))
            if ref is not None:
                self._check_row(int(ref.group(2)))
                if _column_number(ref.group(1)) > MAX_COLUMN_NUMBER:
                    raise FileRejected(TOO_MANY)

    def _check_row(self, number: int) -> None:
        if number > MAX_ROW_NUMBER:
            raise FileRejected(f"工作表第 {MAX_ROW_NUMBER} 行以后还有内容或格式，请删除多余的行后再上传")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
