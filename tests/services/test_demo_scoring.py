"""The demo's plan round: 15 judges a contestant, every sheet generated, signed off and published as version 1."""

import random
from collections.abc import Iterator
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.audit import integrity
from app.audit import services as audit
from app.audit.models import AuditEvent
from app.contests.models import Group
from app.demo import services as demo
from app.demo.scoring import DemoPublication, generate_marks, publish_demo_plan_round
from app.entries.models import Entry
from app.extensions import db, limiter
from app.judging.models import Mark, ScoreSheet, SheetVersion
from app.notices.models import Notice
from app.panels.models import Assignment, Panel, PanelMember
from app.publication.models import Publication, SignOff
from scoring import verify_package
from tests.conftest import FAST_HASH, empty_tables


@pytest.fixture(scope="module")
def published(app: Flask) -> Iterator[DemoPublication]:
    with app.app_context():
        empty_tables()
        limiter.reset()
        demo.load(FAST_HASH)
        yield publish_demo_plan_round()
        db.session.remove()


def count(model: type) -> int:
    return int(db.session.execute(select(func.count()).select_from(model)).scalar_one())


def test_every_contestant_has_fifteen_sheets_of_five_marks(published: DemoPublication) -> None:
    assert (published.changed, published.panels, published.sheets, published.marks) == (True, 2, 9765, 48825)
    assert (count(ScoreSheet), count(SheetVersion), count(Mark)) == (31 * 15 + 620 * 15, 9765, 9765 * 5)
    per_group = dict(db.session.execute(
        select(Group.code, func.count(ScoreSheet.id)).join(Entry, Entry.id == ScoreSheet.entry_id)
        .join(Group, Group.id == Entry.group_id).group_by(Group.code)).tuples().all())
    assert per_group == {"township": 465, "village": 9300}
    assert (count(Panel), count(PanelMember), count(Assignment)) == (2, 30, 9765)


def test_marks_are_on_the_half_point_step_within_range(published: DemoPublication) -> None:
    low, high, off_step = db.session.execute(select(
        func.min(Mark.value), func.max(Mark.value),
        func.sum((Mark.value * 2 != func.round(Mark.value * 2)).cast(db.Integer)))).one()
    assert Decimal(0) <= low and high <= Decimal(20) and not off_step


def test_about_a_third_of_the_sheets_carry_a_comment(published: DemoPublication) -> None:
    commented = db.session.execute(select(func.count(SheetVersion.id)).where(SheetVersion.comment != "")).scalar_one()
    assert 0.28 < commented / 9765 < 0.38


def test_version_one_is_published_with_sup1s_sign_off_and_verifies(published: DemoPublication) -> None:
    version = db.session.execute(select(Publication)).scalar_one()
    signoff = db.session.get(SignOff, version.signoff_id)
    assert (version.scope, version.number, published.version) == ("round:plan", 1, 1)
    assert signoff is not None and signoff.package_hash == version.package_hash
    check = verify_package(version.package)
    assert check.identical is True
    ranked = [c for c in version.package["result"]["contestants"] if c["rank"] is not None]
    assert len(ranked) == 651 and {c["judges"]["plan"] for c in ranked} == {15}


def test_the_demo_notice_carries_the_contact_lines_for_objections(published: DemoPublication) -> None:
    notice = db.session.execute(select(Notice)).scalar_one()
    assert (notice.period_days, notice.issuing_body) == (5, "中共阳泉市委组织部")
    assert notice.contact.splitlines() == [
        "联系电话：0353-2022100（工作日 8:30—12:00，14:30—17:30；演示号码）",
        "来信地址：阳泉市委组织部组织一科（邮编 045000），信封请注明“大比武公示异议”",
    ]


def test_each_generated_version_has_its_event_and_the_demo_verifies(published: DemoPublication) -> None:
    events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "demo_sheets_generated")).scalars().all()
    assert len(events) == 1
    summary = events[0].after
    assert (summary["sheets"], summary["marks"], len(summary["marks_sha256"])) == (9765, 48825, 64)
    submitted = db.session.execute(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "sheet_submitted")).scalar_one()
    assert submitted == 9765
    assert audit.verify().first_break is None
    report = integrity.verify()
    # the versions, the publication, and the rules: the contest, 3 rounds, 15 criteria, 2 adjustment items, 651 entries
    assert (report.ok, report.rows, report.mismatches) == (True, 9765 + 1 + 1 + 3 + 15 + 2 + 651, 0)


def test_a_second_call_changes_nothing(published: DemoPublication) -> None:
    before = {m.__name__: count(m) for m in (ScoreSheet, SheetVersion, Mark, Panel, Publication, SignOff, AuditEvent)}
    again = publish_demo_plan_round()
    assert (again.changed, again.sheets, again.version) == (False, 0, 1)
    assert {m.__name__: count(m) for m in (ScoreSheet, SheetVersion, Mark, Panel, Publication, SignOff,
                                           AuditEvent)} == before


def test_generated_marks_follow_quality_and_stay_on_the_step() -> None:
    marks = generate_marks(random.Random(1), {1: 1.5, 2: -1.5}, {10: 0.0}, [(1, 10, "village"), (2, 10, "village")], 5)
    good, weak = sum(marks[(1, 10)]), sum(marks[(2, 10)])
    assert good > weak
    assert all(v * 2 == int(v * 2) and 6 <= v <= 20 for values in marks.values() for v in values)
