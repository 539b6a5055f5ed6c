"""A secretary's material upload on a phone: a file over 20 MB is refused before it is sent, nothing typed lost."""

import threading
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import update
from werkzeug.serving import make_server

from app import create_app
from app.contests.models import Round
from app.demo import services as demo
from app.extensions import db
from tests.conftest import FAST_HASH
from tests.e2e.conftest import shot, sign_in


@pytest.fixture(scope="module")
def open_uploads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo with its plan round not yet begun, so secretaries may still upload (and give the target)."""
    path = tmp_path_factory.mktemp("materials") / "demo.sqlite3"
    app: Flask = create_app({"SECRET_KEY": "e2e-materials", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                             "PASSWORD_HASH_METHOD": FAST_HASH, "MATERIALS_DIR": str(path.parent / "materials")})
    with app.app_context():
        db.create_all()
        demo.load(FAST_HASH)
        db.session.execute(update(Round).where(Round.code == "plan").values(starts_on=date(2099, 3, 1)))
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_file_over_the_limit_is_refused_on_the_phone_and_the_typed_target_stays(page: Page,
                                                                                  open_uploads: str) -> None:
    sign_in(page, open_uploads, "s140302100200")
    page.goto(f"{open_uploads}/me/materials/")
    page.locator("a[href$='/rounds/1']").first.click()
    file_input = page.locator("input[type=file]")
    expect(file_input).to_have_attribute("data-max-bytes", "20971520")
    page.fill("input[name=income_target]", "1200000")
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024)
    file_input.set_input_files({"name": "规划.pdf", "mimeType": "application/pdf", "buffer": big})
    expect(page.get_by_role("alert")).to_have_text(
        "文件超过 20 MB，未选用。请压缩后重新选择（如降低图片分辨率后另存为 PDF）")
    assert file_input.evaluate("input => input.files.length") == 0
    expect(page.locator("input[name=income_target]")).to_have_value("1200000")
    shot(page, "materials-too-big")
    file_input.set_input_files({"name": "规划.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"})
    expect(page.get_by_role("alert")).to_have_count(0)
