"""Besides the use cases, the public 公示 pages need: the scoring core as a zip, the cached PDF, the newest notice."""

import hashlib
import io
import zipfile
from functools import cache
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.lru import LruCache
from app.notices.models import Notice
from app.publication.models import Publication

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: the same bytes on every machine and every day
SPEC_PLACES = ("SCORING.md", "docs/SCORING.md")  # the rules, shipped with the core when the repository has them
PDF_CACHE_SIZE = 8


def project_root() -> Path:
    return Path(current_app.root_path).resolve().parent


def scoring_files(root: Path) -> list[tuple[str, Path]]:
    """(name in the zip, file): every .py of scoring/, then SCORING.md if the repository has it; sorted by name."""
    files = [(path.relative_to(root).as_posix(), path) for path in (root / "scoring").rglob("*.py")
             if "__pycache__" not in path.parts]
    spec = next((root / place for place in SPEC_PLACES if (root / place).is_file()), None)
    if spec is not None:
        files.append(("SCORING.md", spec))
    return sorted(files)


def build_zip(files: list[tuple[str, Path]]) -> bytes:
    """A deterministic zip: fixed timestamps and permissions, names in order, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, path in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the server runs on
            info.external_attr = 0o100644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


@cache
def _zip_of(root: str) -> tuple[bytes, str, tuple[str, ...]]:
    files = scoring_files(Path(root))
    data = build_zip(files)
    return data, hashlib.sha256(data).hexdigest(), tuple(name for name, _ in files)


def scoring_zip() -> tuple[bytes, str, tuple[str, ...]]:
    """The scoring core as served at /public/scoring.zip: (bytes, SHA-256, names), built once per process."""
    return _zip_of(str(project_root()))


def latest_notice(notice: Notice) -> tuple[Notice, int] | None:
    """The newest notice of the same contest and scope, with its version number, when it is not this one."""
    version = db.session.get(Publication, notice.version_id)
    if version is None:
        return None
    newest = db.session.execute(
        select(Notice, Publication.number).join(Publication, Publication.id == Notice.version_id)
        .where(Publication.contest_id == version.contest_id, Publication.scope == version.scope)
        .order_by(Publication.number.desc()).limit(1)).tuples().first()
    if newest is None or newest[0].id == notice.id:
        return None
    return newest[0], newest[1]


def pdf_key(notice: Notice, url: str, latest: tuple[Notice, int] | None) -> tuple[object, ...]:
    """Everything a notice's PDF shows that can differ between two requests. The version's hash and the
    notice's creation time keep a reused id (a database reloaded under a running process) from matching."""
    version = db.session.get(Publication, notice.version_id)
    return (notice.id, version.package_hash if version else "", notice.created_at, notice.state, notice.contact,
            notice.issuing_body, notice.starts_on, notice.ends_on, url, latest[1] if latest else None)


class PdfCache(LruCache[tuple[object, ...], bytes]):
    """Rendered notice PDFs in process memory, least recently used out first. WeasyPrint takes seconds for
    a city's ranking and the PDF is public; what changes a notice's PDF is part of the key."""

    def __init__(self, size: int = PDF_CACHE_SIZE) -> None:
        super().__init__(size)


pdf_cache = PdfCache()
