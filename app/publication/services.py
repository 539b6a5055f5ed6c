"""Publication use cases: publish version N of a package in one transaction, attach its 公示 terms, finalize it.

The one writer of result_version. Publishing fires app.signals.published inside the transaction (the 公示
opens in it) and app.signals.after_publication_commit after the single commit.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from app import signals
from app.accounts.models import User
from app.audit import services as audit
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.publication.models import RECOMPUTE, Publication, SignOff
from app.publication.states import PublicationState
from app.timeutil import utcnow
from app.versioning import History

FINAL_CORRECTION = "final_result_corrected"  # the audit action holding why a finalized version was replaced


# Version N of a (contest, scope): numbered, latest and history through the one versioning helper.
PUBLICATIONS = History(Publication, Publication.number, (Publication.contest_id, Publication.scope))


def history(contest_id: int, scope: str) -> list[Publication]:
    """Every published version of the scope, version 1 first."""
    return PUBLICATIONS.history(contest_id, scope)


def latest(contest_id: int, scope: str) -> Publication | None:
    return PUBLICATIONS.latest(contest_id, scope)


def get(contest_id: int, scope: str, number: int) -> Publication:
    publication = db.session.execute(select(Publication).where(
        Publication.contest_id == contest_id, Publication.scope == scope,
        Publication.number == number)).scalar_one_or_none()
    if publication is None:
        raise NotFoundError("该版本不存在")
    return publication


def previous(publication: Publication) -> Publication | None:
    """Version N-1 of the same scope, if any."""
    return db.session.execute(select(Publication).where(
        Publication.contest_id == publication.contest_id, Publication.scope == publication.scope,
        Publication.number == publication.number - 1)).scalar_one_or_none()


def publish(kind: str, contest_id: int, scope: str, content: Mapping[str, Any], package_hash: str, actor: User,
            signoff: SignOff, final_reason: str | None = None) -> Publication:
    """Store version N of the scope: `content` ({"kind", "input", "result"}, hashed as `package_hash`) with the
    publication time and number, exactly as signed; then fire `published` and commit once.

    Replacing a finalized version N-1 needs the caller's checked `final_reason`, kept in the audit only."""
    # Results only for now: a fund allocation (ALLOCATE) brings its own audit action and label with its capability.
    if kind != RECOMPUTE or content.get("kind") != kind:
        raise DomainError("发布内容的类型无效")
    if signoff.package_hash != package_hash or signoff.contest_id != contest_id or signoff.scope != scope:
        raise DomainError("发布前须由监督员签核本结果（审计包哈希须一致）")
    before = latest(contest_id, scope)
    final = before if before is not None and before.state is PublicationState.FINALIZED else None
    if final is not None and final_reason is None:
        raise DomainError(f"第 {final.number} 版已定榜，发布新版本须说明更正理由")
    number = (before.number if before is not None else 0) + 1
    now = utcnow()
    package = dict(content) | {"published_at": now.isoformat() + "Z", "version": number}
    publication = Publication(contest_id=contest_id, kind=kind, scope=scope, number=number, package=package,
                              package_hash=package_hash, published_at=now, published_by_id=actor.id,
                              signoff_id=signoff.id, causes=None)
    PUBLICATIONS.append(publication, after=number - 1)  # the number the package names, or IntegrityError
    audit.record("result_published", "result_version", publication.id,
                 after={"scope": scope, "version": number, "package_hash": package_hash,
                        "signoff_id": signoff.id} | ({"after_final": final.number} if final else {}))
    if final is not None and final.finalized_at is not None:
        audit.record(FINAL_CORRECTION, "result_version", publication.id,
                     before={"version": final.number, "finalized_at": final.finalized_at.isoformat() + "Z",
                             "finalized_by_id": final.finalized_by_id},
                     after={"version": number, "reason": final_reason})
    signals.published.send(publication, previous=before)  # the 公示 opens in this transaction
    db.session.commit()
    signals.after_publication_commit.send(publication)
    return publication


def attach_notice(publication: Publication, causes: dict[str, Any] | None, starts_on: date, ends_on: date) -> None:
    """What the 公示 opened for a just-published version records on it: the causes since N-1 and the period."""
    if causes is not None:
        publication.causes = causes
    publication.notice_starts_on, publication.notice_ends_on = starts_on, ends_on


def finalize(actor: User, publication: Publication) -> Publication:
    """定榜: the version becomes the final result (its 公示 ended without a correction; checked by the caller)."""
    PublicationState.check_transition(publication.state, PublicationState.FINALIZED)
    publication.finalized_at, publication.finalized_by_id = utcnow(), actor.id
    return publication
