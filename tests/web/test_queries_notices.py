"""公示 and queries: a published package parsed once per process, never changed by a page; causes in fixed queries."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from app.accounts.models import User
from app.extensions import db
from app.judges.models import Judge
from app.judging.corrections import accept_late
from app.judging.models import ScoreSheet
from app.judging.sheets import StoreOptions, store_version
from app.notices import services
from app.notices.lifecycle import causes_for
from app.notices.models import Notice, Objection
from app.publication.models import Publication
from app.publication.packages import package_cache, published_package
from app.results.models import JudgeAlias
from app.timeutil import utcnow
from tests.conftest import login
from tests.factories import World, make_user
from tests.web.query_count import counted_get, statements
from tests.web.test_notices import notice, scored
from tests.web.test_notices_versions import corrected_after_an_objection

__all__ = ["notice", "scored"]  # fixtures shared with the notice tests

PACKAGE_READ = re.compile(r"^SELECT .*result_version\.[`\"]?package\b")  # the column (quoted on MariaDB), not the hash


def _fresh(version_id: int) -> Any:
    """The package as stored, parsed anew (a query of the column alone returns a new object each time)."""
    return db.session.execute(select(Publication.package).where(Publication.id == version_id)).scalar_one()


def _package_reads(client: FlaskClient, url: str) -> int:
    return sum(1 for statement in counted_get(client, url)[0] if PACKAGE_READ.match(statement))


def test_the_public_page_reads_and_parses_the_package_once_per_process(client: FlaskClient, notice: Notice) -> None:
    package_cache.clear()
    url = f"/public/notices/{notice.id}"
    assert _package_reads(client, url) == 1
    assert _package_reads(client, url) == 0  # was 1 on every request: the column is ~4 MB for a round
    assert _package_reads(client, f"{url}?q=V002") == 0
    assert _package_reads(client, f"{url}/package.json") == 0


def test_no_page_changes_the_shared_package(client: FlaskClient, scored: World, notice: Notice) -> None:
    """Callers get the cached package itself (read-only at the top only): after every page that reads one, it is
    still the same object and still equal to what is stored."""
    second, objection = corrected_after_an_objection(client, scored, notice)
    ids = [notice.version_id, second.version_id]
    shared = {version_id: published_package(version_id) for version_id in ids}
    public = client.application.test_client()
    for url in (f"/public/notices/{notice.id}", f"/public/notices/{second.id}", f"/public/notices/{second.id}?q=V0",
                f"/public/notices/{second.id}/object", f"/public/notices/{second.id}/diff",
                f"/public/notices/{notice.id}/package.json", f"/public/objections/{objection.receipt}"):
        assert public.get(url).status_code == 200, url
    for username, prefix in (("city", "/organize/notices"), ("pdorg", "/organize/notices"),
                             ("sup", "/supervise/notices")):
        staff = client.application.test_client()
        login(staff, username)
        for url in (f"{prefix}/{second.id}", f"{prefix}/{second.id}/diff"):
            assert staff.get(url).status_code == 200, url
    assert services.pdf_context(second.id)["groups"]
    for version_id in ids:
        assert published_package(version_id) is shared[version_id]
        assert published_package(version_id) == _fresh(version_id)
    with pytest.raises(TypeError):
        shared[ids[0]]["version"] = 9  # type: ignore[index]


def test_a_reused_id_with_another_package_is_read_again(notice: Notice) -> None:
    """A database reloaded under a running process may give another package the same id: the key has its hash."""
    version_id = notice.version_id
    first = published_package(version_id)
    assert published_package(version_id) is first
    other = dict(_fresh(version_id), version=7)
    db.session.execute(update(Publication).where(Publication.id == version_id)
                       .values(package=other, package_hash="f" * 64))
    db.session.commit()
    assert published_package(version_id)["version"] == 7 and first["version"] == 1


@dataclass(frozen=True)
class Plan:
    """The plan round's ids, kept as plain values: counting statements detaches the rows loaded before."""

    contest_id: int
    round_id: int
    criterion_id: int
    organizer_id: int
    entries: dict[str, tuple[int, str]]  # key -> (entry id, public number)


def _correct(plan: Plan, sheet_id: int, value: str) -> None:
    sheet = db.session.get(ScoreSheet, sheet_id)
    assert sheet is not None
    sheet.correction_reason = f"更正 {sheet_id}"
    store_version(sheet, plan.round_id, sheet.entry_id, sheet.judge_id, {plan.criterion_id: Decimal(value)}, "",
                  StoreOptions(client_token=f"fix-{sheet_id}", source="paper", entered_by_id=plan.organizer_id))
    db.session.commit()


def _accept_late(plan: Plan, judge_id: int, entry_key: str) -> None:
    judge = db.session.get(Judge, judge_id)
    assert judge is not None
    late = store_version(None, plan.round_id, plan.entries[entry_key][0], judge_id,
                         {plan.criterion_id: Decimal("17")}, "",
                         StoreOptions(client_token=f"late-{judge_id}-{entry_key}", source="offline",
                                      entered_by_id=judge.user_id, late=True))
    db.session.commit()
    organizer = db.session.get(User, plan.organizer_id)
    assert organizer is not None
    accept_late(organizer, late.id, f"迟交 {judge_id} {entry_key}")


def _causes(plan: Plan, since: datetime) -> tuple[int, dict[str, Any]]:
    version = Publication(contest_id=plan.contest_id, scope="round:plan", number=2)
    with statements() as seen:
        causes = causes_for(version, since)
    return len(seen), causes


def test_the_causes_of_two_sheets_and_of_six_cost_the_same_queries(scored: World, notice: Notice) -> None:
    since = utcnow() - timedelta(seconds=1)
    rnd = scored.contest.rounds[0]
    plan = Plan(scored.contest.id, rnd.id, rnd.criteria[0].id, scored.users["city_organizer"].id,
                {key: (e.id, e.public_number) for key, e in scored.entries.items()})
    sheets = db.session.execute(select(ScoreSheet.id, ScoreSheet.entry_id, ScoreSheet.judge_id)
                                .order_by(ScoreSheet.id).limit(3)).tuples().all()
    judges = []
    for name in ("judge4", "judge5"):
        user = make_user(name, "judge", name=f"评委{name[-1]}")
        db.session.flush()
        judges.append(Judge(contest_id=plan.contest_id, user_id=user.id, unit="市统计局", field="finance"))
    db.session.add_all(judges)
    db.session.commit()
    late_judges = [j.id for j in judges]
    _correct(plan, sheets[0][0], "19")
    _accept_late(plan, late_judges[0], "pingding")
    two, causes = _causes(plan, since)
    assert (len(causes["corrections"]), len(causes["late_accepted"])) == (1, 1)
    for (sheet_id, _, _), value in zip(sheets[1:], ("16", "17.5"), strict=True):
        _correct(plan, sheet_id, value)
    _accept_late(plan, late_judges[0], "yuxian")
    _accept_late(plan, late_judges[1], "pingding")
    six, causes = _causes(plan, since)
    assert two == six, (two, six)  # was an entry, an alias (and for a late sheet its version) query per row
    aliases = dict(db.session.execute(select(JudgeAlias.judge_id, JudgeAlias.alias).where(
        JudgeAlias.scope == "round:plan")).tuples().all())
    numbers = dict(plan.entries.values())
    assert causes["corrections"] == [
        {"public_number": numbers[entry_id], "judge": aliases[judge_id], "round": "plan", "version": 2,
         "reason": f"更正 {sheet_id}"} for sheet_id, entry_id, judge_id in sheets]
    late = ((late_judges[0], "pingding"), (late_judges[0], "yuxian"), (late_judges[1], "pingding"))
    assert causes["late_accepted"] == [
        {"public_number": plan.entries[key][1], "judge": "", "round": "plan", "version": 1,
         "reason": f"迟交 {judge_id} {key}"} for judge_id, key in late]
    assert causes["objections"] == [] and db.session.execute(select(Objection)).first() is None
