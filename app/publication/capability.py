"""Publication as the factory plugs it in: the names of its events and the published versions the audit covers."""

from collections.abc import Hashable, Iterator
from typing import Any

from sqlalchemy import select

from app.audit.covered import Covered, Fields, Row
from app.capabilities import Capability
from app.extensions import db
from app.publication.models import Publication
from scoring import package_hash


def _published(object_id: str, after: Any) -> tuple[Hashable, Fields]:
    return int(object_id), {"scope": after["scope"], "number": int(after["version"]),
                            "package_hash": after["package_hash"], "package": after["package_hash"]}


def _result_rows() -> Iterator[Row]:
    """One package at a time (a year's is ~10 MB): its hash recomputed as the sign-off computed it."""
    query = select(Publication.id, Publication.scope, Publication.number, Publication.package_hash,
                   Publication.package).order_by(Publication.id).execution_options(yield_per=1)
    for v in db.session.execute(query):
        try:
            digest = package_hash(v.package)
        except (KeyError, TypeError, ValueError):
            digest = "（审计包无法解析）"
        yield Row(v.id, v.id, {"scope": v.scope, "number": v.number, "package_hash": v.package_hash,
                               "package": digest})


CAPABILITY = Capability(
    "publication",
    audit_actions={"result_signed_off": "监督员签核成绩", "result_published": "发布成绩"},
    audit_objects={"result_version": "成绩版本"},
    covered=(Covered("result_version", frozenset({"result_version"}), {"result_published": _published}, _result_rows),),
)
