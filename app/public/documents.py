"""The 公示 PDFs as files: rendered by a job after a publication commits (or what a notice prints changes), kept
in DOCUMENTS_FOLDER under a name that changes with anything printed, and served from there by the download."""

import hashlib
import os
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy import select

from app import db_setup, jobs, signals
from app.accounts.models import User
from app.extensions import db
from app.notices import services
from app.notices.models import Notice
from app.notices.states import NoticeState
from app.pdf import render_pdf
from app.public import support
from app.publication.models import Publication
from app.qr import public_url, qr_svg

KIND = "notice_documents"  # the job's kind: shared, shown to whoever may open the organizers' notice page
LAYOUT = ("pdf/notice.html", "pdf/base.html")  # a new release's layout names new files
DEFAULT_ROOT = "http://localhost/"  # a command's links: PUBLIC_BASE_URL gives their address, this only the path


def notice_pdf(notice_id: int) -> bytes:
    """The notice's PDF with the current request's links: from memory, else from the store, else rendered here
    and stored (no worker needed); the same bytes whichever of them makes it."""
    notice = services.get_notice(notice_id)
    latest = support.latest_notice(notice)
    url = public_url("public_notices.notice", notice_id=notice_id)
    key = support.pdf_key(notice, url, latest)
    return support.pdf_cache.get(key, lambda: _stored_or_rendered(notice, url, latest, key))


def _render(notice: Notice, url: str, latest: tuple[Notice, int] | None) -> bytes:
    object_url = public_url("public_notices.object_form", notice_id=notice.id)
    return render_pdf("notice.html", **services.pdf_context(notice.id), state=NoticeState(notice.state), url=url,
                      object_url=object_url, qr=qr_svg(object_url) if notice.state == NoticeState.OPEN else None,
                      latest_number=latest[1] if latest else None,
                      latest_url=public_url("public_notices.notice", notice_id=latest[0].id) if latest else None)


def _stored_or_rendered(notice: Notice, url: str, latest: tuple[Notice, int] | None,
                        key: tuple[object, ...]) -> bytes:
    path = stored_path(notice.id, key)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        data = _render(notice, url, latest)
        _store(path, data)
        return data


def stored_path(notice_id: int, key: tuple[object, ...]) -> Path:
    """notice-<id>-<digest>.pdf: the digest covers the key (support.pdf_key: the notice, its state and contact,
    its links, the latest notice) and the layout's templates."""
    text = "\x1f".join(str(part) for part in (*key, _layout_digest()))
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return Path(current_app.config["DOCUMENTS_FOLDER"]) / f"notice-{notice_id}-{digest}.pdf"


def _layout_digest() -> str:
    loader = current_app.jinja_env.loader
    assert loader is not None
    sources = tuple(loader.get_source(current_app.jinja_env, name)[0] for name in LAYOUT)
    return _digest_of(sources)


@cache
def _digest_of(sources: tuple[str, ...]) -> str:
    return hashlib.sha256("\x00".join(sources).encode()).hexdigest()[:16]


def _store(path: Path, data: bytes) -> None:
    """Written beside its place and renamed into it: a reader sees the whole file or none (two writers of one
    name write the same bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def render_notice_documents(progress: jobs.Progress, notice_ids: Sequence[int], root: str) -> jobs.JobResult:
    """The job: each notice's PDF, as a request to `root` (the application's address) would get it, stored
    unless already there."""
    db_setup.reads_only_from_now()
    rendered = 0
    with current_app.test_request_context(base_url=root):  # the links printed are built as in a request
        for done, notice_id in enumerate(notice_ids):
            progress(done, len(notice_ids), f"正在生成第 {done + 1} 份公示文件")
            notice = services.get_notice(notice_id)
            latest = support.latest_notice(notice)
            url = public_url("public_notices.notice", notice_id=notice_id)
            path = stored_path(notice_id, support.pdf_key(notice, url, latest))
            if not path.exists():
                _store(path, _render(notice, url, latest))
                rendered += 1
    progress(len(notice_ids), len(notice_ids))
    return jobs.JobResult(f"已生成 {rendered} 份公示文件（共 {len(notice_ids)} 份）")


def _queue(notice_ids: list[int], actor: Any) -> None:
    """One shared job for the notices (the first one's organizers' page shows it), committed at once. A command
    (the demo's publications) knows the address the links print only from PUBLIC_BASE_URL: without it, nothing
    is queued and the first download renders."""
    if has_request_context():
        root = request.url_root
    elif current_app.config.get("PUBLIC_BASE_URL"):
        root = DEFAULT_ROOT  # only the path of the links comes from it
    else:
        return
    page = current_app.url_map.bind("localhost").build("notices.detail", {"notice_id": notice_ids[0]})
    jobs.enqueue(KIND, render_notice_documents, actor, page=page, shared=True, notice_ids=notice_ids, root=root)
    db.session.commit()


@signals.after_publication_commit.connect
def publication_documents(publication: Publication) -> None:
    """The new notice's PDF, then those of the versions it supersedes (each prints the latest version)."""
    notice_ids = list(db.session.execute(
        select(Notice.id).join(Publication, Publication.id == Notice.version_id)
        .where(Publication.contest_id == publication.contest_id, Publication.scope == publication.scope,
               Publication.number <= publication.number)
        .order_by(Publication.number.desc())).scalars())
    actor = db.session.get(User, publication.published_by_id)
    if notice_ids and actor is not None:
        _queue(notice_ids, actor)


@signals.notice_reprinted.connect
def notice_documents(notice_id: int, actor: Any) -> None:
    _queue([notice_id], actor)
