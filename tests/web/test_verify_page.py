"""证书查验 before any certificate exists: it says so up front, and a number asked for is echoed escaped."""

from flask.testing import FlaskClient

from tests.factories import World


def test_the_verify_page_says_certificates_are_not_issued_yet(client: FlaskClient, world: World) -> None:
    html = client.get("/verify/").get_data(as_text=True)
    assert "证书尚未颁发：证书查验在首批获奖证书颁发后开放。" in html and "无法查验编号" not in html
    asked = client.get("/verify/?number=<b>YQ-2022</b>").get_data(as_text=True)
    assert "尚未颁发任何证书，无法查验编号 <span class=\"font-monospace\">&lt;b&gt;YQ-2022&lt;/b&gt;</span>。" in asked
    assert "首批证书颁发后开放" in client.get("/public/").get_data(as_text=True)
