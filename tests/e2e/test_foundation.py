"""A newcomer opens the login page, signs in as the README's organizer, and each role sees its home."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot, sign_in


def test_the_login_page_is_chinese_and_styled_by_the_vendored_bootstrap(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    expect(page).to_have_title("登录 · 大比武评分系统")
    # Bootstrap from static/vendor is applied: the primary button is not the browser's default grey.
    colour = page.eval_on_selector("button[type=submit]", "b => getComputedStyle(b).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "rgb(239, 239, 239)")
    shot(page, "login")


@pytest.mark.parametrize(("username", "heading"), [
    ("admin", "组织者首页"), ("org-pingding", "组织者首页"), ("j01", "我的评分"), ("s140302100200", "我的比武"),
    ("sup1", "监督"), ("clerk1", "录入"),
])
def test_each_demo_role_signs_in_and_lands_on_its_home(page: Page, base_url: str, username: str,
                                                       heading: str) -> None:
    sign_in(page, base_url, username)
    expect(page.locator("h1").first).to_contain_text(heading)
    shot(page, f"home-{username}")
