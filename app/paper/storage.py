"""Scans of signed paper sheets: checked by content and size, stored by hash outside static/."""

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.errors import DomainError

SCAN_LIMIT = 10 * 1024 * 1024  # 10 MB
# The file's first bytes decide its type; the name and the browser's mimetype are never trusted.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
EXTENSIONS = {mime: ext for _, mime, ext in SIGNATURES}


@dataclass(frozen=True)
class Scan:
    """A checked scan, not yet written: its bytes, type and hash."""

    data: bytes
    mime: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def name(self) -> str:
        return self.sha256 + EXTENSIONS[self.mime]


def check(data: bytes) -> Scan:
    """The scan if it is a JPEG, PNG or PDF of at most 10 MB; otherwise a clear refusal."""
    if not data:
        raise DomainError("请上传签字后的纸质评分表照片或扫描件（JPEG、PNG 或 PDF）")
    if len(data) > SCAN_LIMIT:
        raise DomainError(f"扫描件不能超过 {SCAN_LIMIT // (1024 * 1024)} MB，请压缩或降低分辨率后重新上传")
    mime = next((m for magic, m, _ in SIGNATURES if data.startswith(magic)), None)
    if mime is None:
        raise DomainError("扫描件须为 JPEG、PNG 或 PDF 文件（按文件内容识别，与扩展名无关）")
    return Scan(data, mime, hashlib.sha256(data).hexdigest())


def folder() -> Path:
    """Where scans live: PAPER_UPLOAD_DIR, by default <instance>/uploads/paper/ (created if missing)."""
    path = Path(current_app.config.get("PAPER_UPLOAD_DIR") or os.path.join(current_app.instance_path,
                                                                            "uploads", "paper"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def write(scan: Scan) -> bool:
    """Store the scan under its hash; True when this call created the file (so a failed commit removes it)."""
    target = folder() / scan.name
    if target.exists():
        return False
    partial = target.with_name(f"{scan.name}.{secrets.token_hex(6)}.part")
    partial.write_bytes(scan.data)
    os.replace(partial, target)
    return True


def remove(name: str) -> None:
    """Undo write() after the transaction that was to reference the file failed."""
    (folder() / name).unlink(missing_ok=True)


def path_of(name: str) -> Path:
    """The stored file of a scan name kept in the database (a bare file name, never a path)."""
    if os.path.basename(name) != name or not name:
        raise DomainError("扫描件路径无效")
    return folder() / name
