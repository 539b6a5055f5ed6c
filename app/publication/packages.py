"""Published packages parsed once per process: a published version never changes, so neither does its package."""

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Mapper

from app.errors import NotFoundError
from app.extensions import db
from app.lru import LruCache
from app.publication.models import Publication

# A round's package parses to ~20 MB of Python objects (3.8 MB of JSON), a year's to ~55 MB: six covers a
# secretary's feedback (three rounds and the year) with a diff page's two versions beside it, and bounds a
# worker's memory to a few hundred MB at most.
CACHE_SIZE = 6

# (id, package hash, published at, number): the hash covers kind, input and result, and the package's other two
# fields are the publication time and the number, so a hit is the same package even for a reused id (a database
# reloaded under a running process, or emptied between tests).
Key = tuple[int, str, datetime, int]

package_cache: LruCache[Key, Mapping[str, Any]] = LruCache(CACHE_SIZE)


def _load(version_id: int) -> Mapping[str, Any]:
    # The column alone: the 10 MB value is not also kept on the session's Publication.
    package = db.session.execute(select(Publication.package).where(Publication.id == version_id)).scalar_one()
    return MappingProxyType(package)


def published_package(version_id: int) -> Mapping[str, Any]:
    """The package of a published version, shared by every request of this process: read it, never change it.

    The top level is a read-only view; what lies below (input, result, contestants…) is the shared parsed
    JSON itself, not a copy, because copying it per request would cost what the cache saves. Callers only
    read it (tests/web/test_queries_notices.py checks that the 公示 pages leave it unchanged); one that must
    change something copies that part first. `json.dumps` needs `dict(package)`."""
    version = db.session.get(Publication, version_id)  # no query when the caller already holds the row
    if version is None:
        raise NotFoundError("该版本不存在")
    key = (version.id, version.package_hash, version.published_at, version.number)
    return package_cache.get(key, lambda: _load(version.id))


@event.listens_for(Publication, "after_insert")
def _keep_published(_mapper: Mapper[Publication], _connection: Connection, version: Publication) -> None:
    """A version just stored is what is read next (its 公示 page, the next version's causes): keep the package it
    was stored from, which is what parsing the stored column gives back (plain JSON values throughout; a test
    checks they are equal). Parsing a year's package again costs ~0.1–0.2 s. Should the transaction roll back,
    the entry only waits to be evicted: its key names this package's hash and publication time, so it can never
    answer for another package stored later under the same id."""
    package = version.package
    if package is not None and version.published_at is not None:
        key = (version.id, version.package_hash, version.published_at, version.number)
        package_cache.get(key, lambda: MappingProxyType(package))
