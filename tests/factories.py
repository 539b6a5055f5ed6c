"""Small hand-built worlds for tests: two real counties, a contest, one account per role."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.accounts.models import User
from app.audit.rules import MODELS, record_rules
from app.contests.models import Contest, Criterion, Group, Round
from app.entries.models import Entry, EntryHolder
from app.extensions import db
from app.judges.models import Judge
from app.places.models import County, Township, Village

PASSWORD = "Passw0rd!"


@dataclass
class World:
    pingding: County
    yuxian: County
    contest: Contest
    users: dict[str, User]
    entries: dict[str, Entry]


def make_user(username: str, role: str, county: County | None = None, name: str | None = None,
              password: str | None = PASSWORD, **fields: object) -> User:
    user = User(username=username, display_name=name or username, role=role, county=county,
                password_hash=generate_password_hash(password, "pbkdf2:sha256:1000") if password else None,
                **fields)
    db.session.add(user)
    return user


def build_world() -> World:
    pingding = County(code="140321", name="平定县")
    yuxian = County(code="140322", name="盂县")
    guanshan = Township(code="140321100", name="冠山镇", kind="township", county=pingding)
    xiushui = Township(code="140322100", name="秀水镇", kind="township", county=yuxian)
    v1 = Village(code="140321100201", name="西关村", township=guanshan)
    v2 = Village(code="140322100201", name="东关村", township=xiushui)
    db.session.add_all([pingding, yuxian, guanshan, xiushui, v1, v2])
    contest = Contest(year=2022, name="2022年度大比武", status="running", tie_break=["results"])
    contest.groups = [Group(code="township", name="乡镇党委书记组", position=1),
                      Group(code="village", name="村党组织书记组", position=2)]
    for position, (code, name, weight, mode) in enumerate(
        [("plan", "年初比规划", "30", "roadshow"), ("service", "年中比服务", "30", "site_visit"),
         ("results", "年末比成效", "40", "exhibition")], start=1):
        rnd = Round(code=code, name=name, position=position, weight=Decimal(weight), mode=mode)
        rnd.criteria = [Criterion(name="发展思路", max_points=Decimal(20), step=Decimal("0.5"), position=1)]
        contest.rounds.append(rnd)
    db.session.add(contest)
    users = {
        "city_organizer": make_user("city", "organizer", name="市组织者"),
        "county_organizer": make_user("pdorg", "organizer", pingding, name="平定组织者"),
        "other_county_organizer": make_user("yxorg", "organizer", yuxian, name="盂县组织者"),
        "clerk": make_user("clerk", "clerk", name="录入员甲"),
        "judge": make_user("judge", "judge", name="评委甲"),
        "secretary": make_user("sec", "secretary", pingding, name="书记甲"),
        "other_secretary": make_user("sec2", "secretary", yuxian, name="书记乙"),
        "supervisor": make_user("sup", "supervisor", name="监督员甲"),
    }
    db.session.flush()
    village = {g.code: g for g in contest.groups}["village"]
    entries = {}
    for key, user, vil in (("pingding", users["secretary"], v1), ("yuxian", users["other_secretary"], v2)):
        entry = Entry(contest_id=contest.id, group=village, public_number=f"V00{len(entries) + 1}",
                      county_id=vil.township.county.id, township=vil.township, village=vil)
        entry.holders = [EntryHolder(user=user, started_on=date(2022, 1, 1))]
        db.session.add(entry)
        entries[key] = entry
    db.session.add(Judge(contest_id=contest.id, user_id=users["judge"].id, unit="市农业农村局", field="agriculture"))
    db.session.commit()
    return World(pingding, yuxian, contest, users, entries)


def record_rules_of_world() -> int:
    """The factory writes rounds, criteria and entries directly: give them the events the app's own paths write,
    for tests that run `flask audit verify` (it covers them). Returns how many rows that is."""
    db.session.flush()
    rows = [row for model in MODELS for row in db.session.execute(select(model)).scalars()]
    record_rules(rows)
    db.session.commit()
    return len(rows)
