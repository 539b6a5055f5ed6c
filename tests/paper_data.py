"""A hall for paper entry: two criteria, two judges on the village panel, one judge on no panel, clerks."""

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from sqlalchemy import select

from app.contests.models import Criterion
from app.extensions import db
from app.judges.models import Judge
from app.panels.models import ContestSession, SessionSlot
from app.panels.services import PanelSpec, create_manual
from tests.factories import World, make_user

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.7\n" + b"%" * 200


@dataclass
class Hall:
    world: World
    round_id: int
    criteria: list[int]  # 发展思路 (0–20 by 0.5), 目标任务 (0–20 by 0.5)
    judge_id: int  # 评委甲, on the panel
    judge2_id: int  # 评委乙, on the panel
    outsider_id: int  # 评委丙, on no panel
    entry_id: int  # V001 平定县
    other_entry_id: int  # V002 盂县


def build_hall(world: World) -> Hall:
    rnd = world.contest.rounds[0]
    rnd.criteria.append(Criterion(name="目标任务", max_points=Decimal(20), step=Decimal("0.5"), position=2))
    judge = db.session.execute(select(Judge)).scalar_one()
    extra = []
    for username, name in (("judge2", "评委乙"), ("judge3", "评委丙")):
        user = make_user(username, "judge", name=name)
        db.session.flush()
        extra.append(Judge(contest_id=world.contest.id, user_id=user.id, unit="市财政局", field="finance"))
        db.session.add(extra[-1])
    make_user("clerk2", "clerk", name="录入员乙")
    make_user("clerk3", "clerk", name="录入员丙")
    make_user("pdclerk", "clerk", world.pingding, name="平定录入员")
    db.session.commit()
    group = next(g for g in world.contest.groups if g.code == "village")
    # A session whose running order puts V002 before V001.
    session = ContestSession(round_id=rnd.id, group_id=group.id, name="第一场", held_on=date(2022, 3, 15),
                             starts_at=time(9, 0), venue="市委党校")
    session.slots = [SessionSlot(round_id=rnd.id, entry_id=world.entries["yuxian"].id, position=1),
                     SessionSlot(round_id=rnd.id, entry_id=world.entries["pingding"].id, position=2)]
    db.session.add(session)
    db.session.commit()
    rnd.min_judges = 2
    create_manual(world.users["city_organizer"], PanelSpec(rnd.id, group.id, "路演评委组"), [judge.id, extra[0].id])
    return Hall(world, rnd.id, [c.id for c in rnd.criteria], judge.id, extra[0].id, extra[1].id,
                world.entries["pingding"].id, world.entries["yuxian"].id)
