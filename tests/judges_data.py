"""Judges for the sign-in tests: one per county and one city-wide, and cards issued to them."""

from app.accounts.models import User
from app.extensions import db
from app.judges import services
from app.judges.models import Judge
from app.judges.services import Credential
from app.places.models import County
from tests.factories import World, make_user


def add_judge(world: World, username: str, name: str, county: County | None = None,
              unit: str = "市财政局", field: str = "finance") -> Judge:
    user = make_user(username, "judge", name=name)
    db.session.flush()
    judge = Judge(contest_id=world.contest.id, user_id=user.id, unit=unit, field=field,
                  home_county_id=county.id if county else None)
    db.session.add(judge)
    db.session.commit()
    return judge


def city_judge(world: World) -> Judge:
    """The world's own judge (评委甲, 市农业农村局, no home county)."""
    return db.session.query(Judge).filter_by(user_id=world.users["judge"].id).one()


def issue(world: World, judge: Judge, actor: User | None = None) -> Credential:
    return services.issue_cards(actor or world.users["city_organizer"], judge.id)[0]
