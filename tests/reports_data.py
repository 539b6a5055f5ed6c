"""A small published world for the report tests: four villages in three townships, four judges, plan round v1."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.contests.models import Criterion
from app.entries.models import Entry, EntryHolder
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import ScoreSheet, SheetVersion
from app.judging.sheets import StoreOptions, store_version
from app.panels.services import PanelSpec, create_manual
from app.places.models import Township, Village
from app.publication.models import Publication
from app.results import services as results
from app.results.models import AwardBand
from tests.factories import World, make_user

MALICIOUS = '<img src="file:///etc/passwd">'
# judge -> V001..V004 marks of criterion 1 (发展思路, max 20); criterion 2 (产业带动, max 10) is 5 for all.
# 评委丁 ranks the villages almost in reverse: the outlier (bias 0.58 > 2 × median 0.25, spearman < 0.3).
MARKS = {
    "judge": ("18", "15", "16", "12"),
    "judge2": ("17.5", "15.5", "16", "12.5"),
    "judge3": ("18.5", "14.5", "16.5", "12"),
    "judge4": ("10", "20", "11", "18"),
}
NAMES = {"judge": "评委甲", "judge2": "评委乙", "judge3": "评委丙", "judge4": "@评委丁"}


@dataclass
class Published:
    world: World
    version: Publication
    judges: dict[str, Judge]
    entries: dict[str, Entry]


def _village_entry(world: World, number: str, township: Township, village_name: str, code: str,
                   holder_name: str) -> Entry:
    village = Village(code=code, name=village_name, township=township)
    db.session.add(village)
    user = make_user(f"sec{number}", "secretary", township.county, name=holder_name)
    group = next(g for g in world.contest.groups if g.code == "village")
    entry = Entry(contest_id=world.contest.id, group=group, public_number=number, county_id=township.county.id,
                  township=township, village=village)
    entry.holders = [EntryHolder(user=user, started_on=date(2022, 1, 1))]
    db.session.add(entry)
    return entry


def build(world: World) -> Published:
    """V001 平定县冠山镇西关村, V002 盂县秀水镇东关村, V003 平定县冠山镇南关村, V004 平定县娘子关镇河北村;
    bands 一等奖 top 1, 二等奖 top 2, 优秀奖 ≥ 19; one sheet corrected before and one after publication."""
    contest = world.contest
    rnd = contest.rounds[0]
    rnd.criteria.append(Criterion(name="产业带动", max_points=Decimal(10), step=Decimal("0.5"), position=2))
    guanshan = db.session.execute(select(Township).where(Township.name == "冠山镇")).scalar_one()
    niangziguan = Township(code="140321101", name="娘子关镇", kind="township", county=world.pingding)
    db.session.add(niangziguan)
    entries = {"V001": world.entries["pingding"], "V002": world.entries["yuxian"],
               "V003": _village_entry(world, "V003", guanshan, "南关村", "140321100202", MALICIOUS),
               "V004": _village_entry(world, "V004", niangziguan, "河北村", "140321101201", "王五")}
    village = next(g for g in contest.groups if g.code == "village")
    for position, (name, kind, value) in enumerate([("一等奖", "count", "1"), ("二等奖", "count", "2"),
                                                     ("优秀奖", "min_total", "19")], start=1):
        db.session.add(AwardBand(contest_id=contest.id, group_id=village.id, position=position, name=name,
                                 kind=kind, value=value))
    judges = {"judge": db.session.execute(select(Judge)).scalar_one()}
    judges["judge"].user.display_name = NAMES["judge"]
    for key in ("judge2", "judge3", "judge4"):
        user = make_user(key, "judge", name=NAMES[key])
        db.session.flush()
        judges[key] = Judge(contest_id=contest.id, user_id=user.id, unit="市财政局", field="finance")
        db.session.add(judges[key])
    db.session.commit()
    create_manual(world.users["city_organizer"], PanelSpec(rnd.id, village.id, "村组"),
                  [j.id for j in judges.values()])
    first, second = (c.id for c in rnd.criteria)
    for key, values in MARKS.items():
        for number, value in zip(entries, values, strict=True):
            mark = "10" if (key, number) == ("judge2", "V004") else value  # corrected below to 12.5
            _store(None, rnd.id, entries[number], judges[key], {first: Decimal(mark), second: Decimal(5)}, "1")
    _correct(rnd.id, entries["V004"], judges["judge2"], {first: Decimal("12.5"), second: Decimal(5)}, "2")
    db.session.commit()
    digest = results.preview(contest.id, "round:plan").package_hash or ""
    results.sign_off(world.users["supervisor"], contest.id, "round:plan", digest, "核对无误")
    version = results.publish(world.users["city_organizer"], contest.id, "round:plan", digest)
    later = _correct(rnd.id, entries["V004"], judges["judge2"], {first: Decimal("13"), second: Decimal(5)}, "3")
    later.confirmed_at = version.published_at + timedelta(minutes=5)  # after publication: not in v1's matrix
    db.session.commit()
    return Published(world, version, judges, entries)


def _store(sheet: ScoreSheet | None, round_id: int, entry: Entry, judge: Judge, marks: dict[int, Decimal],
           tag: str) -> SheetVersion:
    return store_version(sheet, round_id, entry.id, judge.id, marks, "",
                         StoreOptions(client_token=f"r-{judge.id}-{entry.id}-{tag}", source="phone",
                                      entered_by_id=judge.user_id))


def _correct(round_id: int, entry: Entry, judge: Judge, marks: dict[int, Decimal], tag: str) -> SheetVersion:
    sheet = db.session.execute(select(ScoreSheet).where(ScoreSheet.entry_id == entry.id,
                                                        ScoreSheet.judge_id == judge.id)).scalar_one()
    sheet.correction_reason = "更正"
    return _store(sheet, round_id, entry, judge, marks, tag)
