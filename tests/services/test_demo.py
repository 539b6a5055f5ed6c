"""The demo city: the real 31 townships and 620 villages as contestants; a second load changes nothing."""

import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.contests.models import Contest, Group
from app.demo import services as demo
from app.entries.models import Entry, EntryHolder
from app.extensions import db, limiter
from app.judges.models import Judge
from app.places.models import County, Township, Village
from app.validation import normalise_mobile
from tests.conftest import FAST_HASH, empty_tables


@pytest.fixture(scope="module")
def loaded(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        empty_tables()
        limiter.reset()
        demo.load(FAST_HASH)
        yield app
        db.session.remove()


def counts() -> dict[str, int]:
    return {m.__name__: db.session.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (County, Township, Village, Contest, Entry, EntryHolder, Judge, User, AuditEvent)}


def test_the_demo_city_has_31_township_and_620_village_contestants(loaded: Flask) -> None:
    groups = dict(db.session.execute(
        select(Group.code, func.count(Entry.id)).join(Entry.group).group_by(Group.code)).tuples().all())
    assert groups == {"township": 31, "village": 620}


def test_the_places_are_the_real_ones(loaded: Flask) -> None:
    assert counts()["County"] == 5 and counts()["Village"] == 620
    entry = db.session.execute(select(Entry).where(Entry.public_number == "V001")).scalar_one()
    assert (entry.county.name, entry.township.name, entry.village.name) == ("城区", "义井镇", "义井村")
    assert entry.village.code == "140302100200"
    streets = db.session.execute(select(func.count()).select_from(Township).where(Township.kind != "township"))
    assert streets.scalar_one() == 6  # 5 street offices and the development zone: not in the township group


def test_a_second_load_changes_nothing(loaded: Flask) -> None:
    before = counts()
    report = demo.load(FAST_HASH)
    assert report.changed is False
    assert counts() == before


def test_every_secretary_has_a_unique_realistic_name_and_a_valid_mobile(loaded: Flask) -> None:
    users = db.session.execute(select(User).where(User.role == "secretary")).scalars().all()
    assert len(users) == 651
    assert len({u.display_name for u in users}) == 651
    assert all(2 <= len(u.display_name) <= 3 for u in users)
    assert all(normalise_mobile(u.phone or "") == u.phone for u in users)


def test_the_judge_pool_has_about_forty_judges_with_fields_and_home_counties(loaded: Flask) -> None:
    judges = db.session.execute(select(Judge)).scalars().all()
    assert len(judges) == 40
    assert {j.field for j in judges} == {"organization", "agriculture", "finance", "tourism", "grassroots"}
    assert sum(1 for j in judges if j.home_county_id is not None) == 15


def test_rounds_are_weighted_30_30_40_with_criteria_of_100_points(loaded: Flask) -> None:
    contest = db.session.execute(select(Contest)).scalar_one()
    assert [(r.code, r.weight) for r in contest.rounds] == [
        ("plan", Decimal(30)), ("service", Decimal(30)), ("results", Decimal(40))]
    assert [r.max_total for r in contest.rounds] == [Decimal(100)] * 3
    assert [c.name for c in contest.rounds[0].criteria] == ["发展思路", "目标任务", "项目支撑", "保障措施", "路演表现"]


def test_demo_accounts_are_marked_and_need_no_password_change(loaded: Flask) -> None:
    users = db.session.execute(select(User)).scalars().all()
    assert all(u.is_demo and not u.must_change_password and u.password_hash for u in users)
    roles = {r: sum(1 for u in users if u.role == r) for r in {u.role for u in users}}
    assert roles == {"organizer": 6, "clerk": 2, "judge": 40, "secretary": 651, "supervisor": 2}


def test_demo_accounts_prints_json_with_the_password(loaded: Flask) -> None:
    result = loaded.test_cli_runner().invoke(args=["demo", "accounts", "--json", "--role", "organizer"])
    rows = json.loads(result.output)
    assert [(r["username"], r["password"], r["scope"]) for r in rows][:2] == [
        ("admin", "Demo@2022", "全市"), ("org-chengqu", "Demo@2022", "城区")]


def test_the_demo_load_is_one_audit_event(loaded: Flask) -> None:
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "demo_loaded")).scalar_one()
    assert event.after["entries"] == 651
