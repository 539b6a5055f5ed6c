"""Downloads: an ASCII name and the RFC 5987 UTF-8 name for every file, and never stored by the browser."""

import pytest
from flask.testing import FlaskClient

from app.downloads import ascii_name, disposition
from tests.conftest import login
from tests.factories import World


@pytest.mark.parametrize(("name", "expected"), [
    ("参赛人名单.xlsx", "attachment; filename=contestants.xlsx; filename*=UTF-8''"
                        "%E5%8F%82%E8%B5%9B%E4%BA%BA%E5%90%8D%E5%8D%95.xlsx"),
    ("ranking-1-city-v2.xlsx", "attachment; filename=ranking-1-city-v2.xlsx"),
    ("Café 2022.pdf", "attachment; filename=Cafe-2022.pdf; filename*=UTF-8''Caf%C3%A9%202022.pdf"),
    ('a";\r\nSet-Cookie: x.pdf', "attachment; filename=a-Set-Cookie-x.pdf; filename*=UTF-8''"
                                 "a%22%3B%0D%0ASet-Cookie%3A%20x.pdf"),
])
def test_a_download_names_its_file_in_ascii_and_in_utf8(name: str, expected: str) -> None:
    assert disposition(name, fallback="contestants") == expected


def test_a_name_with_no_ascii_left_falls_back_to_a_word_not_to_its_extension() -> None:
    assert ascii_name("登录凭条-平定县.pdf") == "download.pdf"
    assert ascii_name("评委名单.xlsx", "judges") == "judges.xlsx"


@pytest.mark.parametrize(("url", "header"), [
    ("/organize/people/contestants/export.xlsx", "attachment; filename=contestants.xlsx; filename*=UTF-8''"
                                                 "%E5%8F%82%E8%B5%9B%E4%BA%BA%E5%90%8D%E5%8D%95.xlsx"),
    ("/organize/people/judges/export.xlsx", "attachment; filename=judges.xlsx; filename*=UTF-8''"
                                            "%E8%AF%84%E5%A7%94%E5%90%8D%E5%8D%95.xlsx"),
    ("/organize/people/template/contestants.xlsx", "attachment; filename=contestants-template.xlsx; "
     "filename*=UTF-8''%E5%8F%82%E8%B5%9B%E4%BA%BA%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"),
])
def test_the_people_files_carry_their_chinese_name_and_are_not_stored(
        client: FlaskClient, world: World, url: str, header: str) -> None:
    login(client, "city")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == header  # was filename=.xlsx beside filename*
    assert response.headers["Cache-Control"] == "no-store"  # was no-cache
