"""One judge per name and mobile in a contest: the same check (people/duplicates.judge_elsewhere) on add and edit."""

from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.judges.models import Judge
from tests.conftest import csrf_from, login
from tests.factories import World


def post_form(client: FlaskClient, url: str, **data: str) -> tuple[int, str]:
    token = csrf_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, **data})
    return response.status_code, response.get_data(as_text=True)


def judge(client: FlaskClient, name: str, phone: str) -> tuple[int, str]:
    return post_form(client, "/organize/people/judges/new", name=name, phone=phone, unit="市财政局", field="财政金融",
                     home="", id_number="")


def test_a_judge_edited_into_another_judges_name_and_mobile_is_refused(client: FlaskClient, world: World) -> None:
    login(client, "city")
    assert judge(client, "钱评", "13935300031")[0] == 302 and judge(client, "孙评", "13935300032")[0] == 302
    second = db.session.execute(select(Judge).join(Judge.user).where(Judge.unit == "市财政局")
                                .order_by(Judge.id.desc()).limit(1)).scalar_one()
    url = f"/organize/people/judges/{second.id}/edit"
    status, html = post_form(client, url, name="钱评", phone="13935300031", unit="市财政局", field="财政金融", home="",
                             id_number="")
    assert status == 200 and "本次比武已有同名同手机号的评委" in html
    db.session.refresh(second.user)
    assert (second.user.display_name, second.user.phone) == ("孙评", "13935300032")
    # Its own name and mobile are no duplicate of itself.
    status, _ = post_form(client, url, name="孙评", phone="13935300032", unit="市农业农村局", field="农业", home="",
                          id_number="")
    assert status == 302
    db.session.refresh(second)
    assert (second.unit, second.field) == ("市农业农村局", "agriculture")


def test_a_new_judge_with_an_existing_judges_name_and_mobile_is_refused(client: FlaskClient, world: World) -> None:
    login(client, "city")
    assert judge(client, "钱评", "13935300031")[0] == 302
    status, html = judge(client, "钱评", "13935300031")
    assert status == 200 and "本次比武已有同名同手机号的评委" in html
    assert len(db.session.execute(select(Judge.id).where(Judge.unit == "市财政局")).scalars().all()) == 1
