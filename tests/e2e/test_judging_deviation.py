"""The deviation question on a phone: asked once, after the PIN, on the same page; the next confirmation stores."""

from decimal import Decimal

from flask import Flask
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.contests.models import Round
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import ScoreSheet
from app.judging.sheets import StoreOptions, store_version
from tests.e2e.conftest import JudgingStage
from tests.e2e.test_judging_phone import contexts, mark, opened, sign_in_by_card, versions_of

__all__ = ["contexts"]  # the fixture, used by name


def others_score(live_app: Flask, round_id: int, entry_id: int) -> None:
    """Two other judges' sheets of 90 for the contestant (the demo's plan round flags more than 15 points off)."""
    with live_app.app_context():
        rnd = db.session.get_one(Round, round_id)
        admin = db.session.execute(select(User).where(User.username == "admin")).scalar_one()
        for username in ("j03", "j04"):
            judge = db.session.execute(select(Judge).join(User).where(User.username == username)).scalar_one()
            store_version(None, round_id, entry_id, judge.id, {c.id: Decimal(18) for c in rnd.criteria}, "",
                          StoreOptions(client_token=f"e2e-dev-{username}-{entry_id}", source="paper",
                                       entered_by_id=admin.id))
        db.session.commit()
        db.session.remove()


def prompts(live_app: Flask, round_id: int, entry_id: int) -> list[int]:
    """The versions j01 was asked to look again at, from the audit log."""
    with live_app.app_context():
        sheet_id = db.session.execute(select(ScoreSheet.id).join(Judge, Judge.id == ScoreSheet.judge_id).where(
            ScoreSheet.round_id == round_id, ScoreSheet.entry_id == entry_id,
            Judge.user.has(username="j01"))).scalar_one()
        found = [e.after["version"] for e in db.session.execute(select(AuditEvent).where(
            AuditEvent.action == "sheet_deviation_prompted", AuditEvent.object_type == "score_sheet",
            AuditEvent.object_id == str(sheet_id)).order_by(AuditEvent.id)).scalars()]
        db.session.remove()
    return found


def test_a_sheet_far_from_the_others_is_questioned_once_then_stored_with_its_flag(
        contexts: dict[str, BrowserContext], base_url: str, live_app: Flask, judging_stage: JudgingStage) -> None:
    stage, csp_errors = judging_stage, list[str]()
    entry_id = stage.entry_ids[2]
    others_score(live_app, stage.round_id, entry_id)
    judge = opened(contexts["j01"], csp_errors)
    sign_in_by_card(judge, base_url, stage.cards["j01"])
    judge.goto(f"{base_url}/judge/r/{stage.round_id}/e/{entry_id}")
    expect(judge.locator("#sheet-form[data-ready='1']")).to_have_count(1)
    for position in range(5):
        mark(judge, position).fill("10")
    expect(judge.locator("#sheet-total")).to_have_text("50")
    judge.get_by_role("button", name="核对并提交").click()
    expect(judge.locator("#deviation-alert")).to_be_hidden()
    judge.fill("#pin", stage.cards["j01"][1])
    judge.get_by_role("button", name="确认提交（提交后锁定）").click()
    # The question, on the same page: the PIN field emptied for the confirmation that stores.
    expect(judge.locator("#deviation-alert")).to_be_visible()
    expect(judge.locator("#deviation-alert")).to_contain_text("再次确认即提交，不再提示")
    expect(judge.locator("#pin")).to_have_value("")
    assert prompts(live_app, stage.round_id, entry_id) == [1]
    judge.fill("#pin", stage.cards["j01"][1])
    judge.get_by_role("button", name="确认无误，按原分提交").click()
    expect(judge.locator("h1")).to_have_text("我的评分")
    assert versions_of(live_app, "j01", stage.round_id, entry_id) == [(1, Decimal("50.0"), "")]
    assert prompts(live_app, stage.round_id, entry_id) == [1]
    assert csp_errors == []
