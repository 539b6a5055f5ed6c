"""The demo contest (the city's 2022 contest, as `flask demo load` creates it): its year and name, by which the
demo finds it again and the people pages offer its contestants as an import file."""

from sqlalchemy import select

from app.contests.models import Contest
from app.extensions import db

CONTEST_YEAR = 2022
CONTEST_NAME = "2022年度乡村两级党组织书记抓村级集体经济“大比武”"


def demo_contest() -> Contest | None:
    """The demo's contest, when the database holds it."""
    return db.session.execute(select(Contest).where(
        Contest.year == CONTEST_YEAR, Contest.name == CONTEST_NAME)).scalar_one_or_none()
