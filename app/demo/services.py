"""`flask demo load`: the real city, the 2022 contest, generated people; idempotent."""

import csv
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.accounts.models import User
from app.audit import services as audit
from app.audit.rules import record_rules
from app.contests.demo import CONTEST_NAME, CONTEST_YEAR, demo_contest
from app.contests.models import AdjustmentItem, Contest, Criterion, Group, Round, VetoItem
from app.demo import cityplan
from app.demo.names import NameMaker
from app.entries.models import Entry, EntryHolder
from app.extensions import db
from app.judges.models import Judge
from app.places.models import County, Township, Village

DATA = Path(__file__).parent / "data" / "yangquan-villages.csv"
SEED = 2022


@dataclass(frozen=True)
class LoadReport:
    created: dict[str, int]

    @property
    def changed(self) -> bool:
        return any(self.created.values())


def township_kind(name: str) -> str:
    if name.endswith("街道"):
        return "street"
    if name.endswith("开发区"):
        return "zone"
    return "township"


def database_is_empty() -> bool:
    return db.session.execute(select(func.count(User.id))).scalar_one() == 0


def load(hash_method: str) -> LoadReport:
    """Create whatever of the demo is missing, in one transaction."""
    created: Counter[str] = Counter()
    _ensure_places(created)
    contest = _ensure_contest(created)
    people = _DemoPeople(hash_method, created)
    people.ensure_staff()
    people.ensure_judges(contest)
    people.ensure_entries(contest)
    people.hash_new_passwords()
    rules = [contest, *contest.rounds, *(c for r in contest.rounds for c in r.criteria),
             *(a for r in contest.rounds for a in r.adjustment_items)] if created["contests"] else []
    record_rules([*rules, *people.new_entries])  # the rules and groups as the app's own paths record them
    if created:
        audit.record("demo_loaded", "contest", contest.id, after=dict(sorted(created.items())))
    db.session.commit()
    return LoadReport(dict(created))


def _ensure_places(created: Counter[str]) -> None:
    counties = {c.code: c for c in db.session.execute(select(County)).scalars()}
    townships = {t.code: t for t in db.session.execute(select(Township)).scalars()}
    villages = set(db.session.execute(select(Village.code)).scalars())
    with DATA.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            county = counties.get(row["county_code"])
            if county is None:
                county = counties[row["county_code"]] = County(code=row["county_code"], name=row["county"])
                db.session.add(county)
                created["counties"] += 1
            township = townships.get(row["township_code"])
            if township is None:
                township = Township(code=row["township_code"], name=row["township"],
                                    kind=township_kind(row["township"]), county=county)
                townships[row["township_code"]] = township
                db.session.add(township)
                created["townships"] += 1
            if row["village_code"] not in villages:
                db.session.add(Village(code=row["village_code"], name=row["village"], township=township))
                villages.add(row["village_code"])
                created["villages"] += 1
    db.session.flush()


def _ensure_contest(created: Counter[str]) -> Contest:
    contest = demo_contest()
    if contest is not None:
        return contest
    contest = Contest(year=CONTEST_YEAR, name=CONTEST_NAME, status="running", places=2,
                      absent_round="zero", ranking="competition", tie_break=["results"])
    contest.groups = [
        Group(code="township", name="乡镇党委书记组", position=1),
        Group(code="village", name="村党组织书记组", position=2),
    ]
    for position, spec in enumerate(cityplan.ROUNDS, start=1):
        code, name, weight, mode, starts, ends, venue, method, trim, trim_from, min_judges, criteria = spec
        rnd = Round(code=code, name=name, position=position, weight=Decimal(weight), mode=mode, starts_on=starts,
                    ends_on=ends, venue=venue, panel_method=method, trim=trim, trim_from=trim_from,
                    min_judges=min_judges, normalize="none", deviation_points=Decimal("15"))
        rnd.criteria = [
            Criterion(name=c_name, guidance=guidance, max_points=Decimal(c_max), step=cityplan.STEP, position=i)
            for i, (c_name, guidance, c_max) in enumerate(criteria, start=1)
        ]
        rnd.adjustment_items = [
            AdjustmentItem(name=a[0], kind=a[1], rule_text=a[2], unit_label=a[3], unit_size=Decimal(a[4]),
                           points_per_unit=Decimal(a[5]), cap=Decimal(a[6]))
            for a in cityplan.ADJUSTMENTS.get(code, [])
        ]
        rnd.veto_items = [VetoItem(name=v[0], description=v[1]) for v in cityplan.VETOES.get(code, [])]
        contest.rounds.append(rnd)
    db.session.add(contest)
    db.session.flush()
    created["contests"] += 1
    return contest


class _DemoPeople:
    """Creates missing demo accounts, judges and entries; hashes new passwords in parallel."""

    def __init__(self, hash_method: str, created: Counter[str]) -> None:
        self.hash_method = hash_method
        self.created = created
        self.names = NameMaker(SEED)
        self.users = {u.username: u for u in db.session.execute(select(User)).scalars()}
        self.counties = {c.code: c for c in db.session.execute(select(County)).scalars()}
        self.new_users: list[User] = []
        self.new_entries: list[Entry] = []

    def user(self, username: str, role: str, county: County | None, unit: str, name: str | None = None) -> User:
        display = name or self.names.name()
        phone = self.names.mobile()  # drawn even for existing users, so a re-run draws the same names
        existing = self.users.get(username)
        if existing is not None:
            return existing
        user = User(username=username, display_name=display, phone=phone, role=role, county=county,
                    unit=unit, is_demo=True, must_change_password=False)
        db.session.add(user)
        self.users[username] = user
        self.new_users.append(user)
        self.created[f"accounts:{role}"] += 1
        return user

    def ensure_staff(self) -> None:
        self.user("admin", "organizer", None, "市委组织部")
        for code, slug in cityplan.COUNTY_USERNAMES.items():
            county = self.counties[code]
            self.user(f"org-{slug}", "organizer", county, f"{county.name}委组织部")
        self.user("clerk1", "clerk", None, "市委组织部")
        self.user("clerk2", "clerk", None, "市委组织部")
        self.user("sup1", "supervisor", None, "市纪委监委派驻组织部纪检监察组")
        self.user("sup2", "supervisor", None, "市纪委监委派驻组织部纪检监察组")

    def ensure_judges(self, contest: Contest) -> None:
        have = set(db.session.execute(select(Judge.user_id).where(Judge.contest_id == contest.id)).scalars())
        number = 0
        for unit, field, count, county_code in cityplan.JUDGE_UNITS:
            county = self.counties[county_code] if county_code else None
            for _ in range(count):
                number += 1
                user = self.user(f"j{number:02d}", "judge", county, unit)
                db.session.flush()
                if user.id not in have:
                    db.session.add(Judge(contest_id=contest.id, user_id=user.id, unit=unit, field=field,
                                         home_county_id=county.id if county else None))
                    self.created["judges"] += 1

    def ensure_entries(self, contest: Contest) -> None:
        groups = {g.code: g for g in contest.groups}
        have = set(db.session.execute(select(Entry.public_number).where(Entry.contest_id == contest.id)).scalars())
        townships = db.session.execute(select(Township).order_by(Township.code)).scalars().all()
        villages = db.session.execute(select(Village).join(Township).order_by(Village.code)).scalars().all()
        plan: list[tuple[str, Group, Township, Village | None, str, str]] = []
        for number, t in enumerate((t for t in townships if t.kind == "township"), start=1):
            plan.append((f"T{number:02d}", groups["township"], t, None, f"t{t.code}", t.name))
        for number, v in enumerate(villages, start=1):
            plan.append((f"V{number:03d}", groups["village"], v.township, v, f"s{v.code}", v.name))
        for public_number, group, township, village, username, unit in plan:
            user = self.user(username, "secretary", township.county, unit)
            if public_number in have:
                continue
            entry = Entry(contest_id=contest.id, group=group, public_number=public_number,
                          county_id=township.county_id, township=township, village=village)
            entry.holders = [EntryHolder(user=user, started_on=date(CONTEST_YEAR, 1, 1))]
            db.session.add(entry)
            self.new_entries.append(entry)
            self.created["entries"] += 1
        db.session.flush()

    def hash_new_passwords(self) -> None:
        """Each account gets its own full-cost hash; the cores share the work."""
        if not self.new_users:
            return
        count = len(self.new_users)
        workers = max(1, min(os.cpu_count() or 1, count // 8 or 1))
        args = ([cityplan.DEMO_PASSWORD] * count, [self.hash_method] * count)
        if workers == 1:
            hashes = list(map(generate_password_hash, *args))
        else:
            with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
                hashes = list(pool.map(generate_password_hash, *args, chunksize=16))
        for user, password_hash in zip(self.new_users, hashes, strict=True):
            user.password_hash = password_hash
        db.session.flush()


def demo_accounts(role: str | None = None) -> list[dict[str, str]]:
    """The demo accounts with their password, for `flask demo accounts`."""
    query = select(User).where(User.is_demo).order_by(User.id)
    if role:
        query = query.where(User.role == role)
    return [
        {"role": u.role_label, "username": u.username, "password": cityplan.DEMO_PASSWORD,
         "name": u.display_name, "scope": u.scope_label or (u.county.name if u.county else "全市"),
         "unit": u.unit or ""}
        for u in db.session.execute(query).scalars()
    ]
