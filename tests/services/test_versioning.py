"""The versioning helper on a real history (veto records): numbers, latest, history, a second writer refused."""

import pytest
from sqlalchemy.exc import IntegrityError

from app.adjustments.models import VetoRecord
from app.contests.models import VetoItem
from app.errors import DomainError
from app.extensions import db
from app.versioning import History
from tests.factories import World

VETOES = History(VetoRecord, VetoRecord.version, (VetoRecord.round_id, VetoRecord.entry_id, VetoRecord.item_id))


@pytest.fixture()
def key(world: World) -> tuple[int, int, int]:
    rnd = world.contest.rounds[0]
    rnd.veto_items.append(VetoItem(name="弄虚作假", description="材料或数据造假"))
    db.session.commit()
    return rnd.id, world.entries["pingding"].id, rnd.veto_items[0].id


def veto(world: World, key: tuple[int, int, int], reason: str, state: str = "proposed") -> VetoRecord:
    round_id, entry_id, item_id = key
    return VetoRecord(round_id=round_id, entry_id=entry_id, item_id=item_id, reason=reason, state=state,
                      proposed_by_id=world.users["city_organizer"].id)


def test_a_new_history_starts_at_one(world: World, key: tuple[int, int, int]) -> None:
    assert VETOES.latest_number(*key) == 0
    assert VETOES.next_number(*key) == 1
    assert VETOES.latest(*key) is None
    assert VETOES.history(*key) == []


def test_append_numbers_each_history_on_its_own(world: World, key: tuple[int, int, int]) -> None:
    assert VETOES.append(veto(world, key, "一")) == 1
    assert VETOES.append(veto(world, key, "二", state="confirmed")) == 2
    other = (key[0], world.entries["yuxian"].id, key[2])
    assert VETOES.append(veto(world, other, "别人的")) == 1
    db.session.commit()
    assert VETOES.latest_number(*key) == 2
    assert VETOES.next_number(*key) == 3
    assert [(v.version, v.reason) for v in VETOES.history(*key)] == [(1, "一"), (2, "二")]
    latest = VETOES.latest(*key)
    assert latest is not None and latest.reason == "二"
    first = VETOES.latest(*key, where=[VetoRecord.state == "proposed"])
    assert first is not None and first.reason == "一"
    assert VETOES.latest(*key, where=[VetoRecord.state == "rejected"]) is None


def test_latest_of_rows_read_in_any_order(world: World, key: tuple[int, int, int]) -> None:
    other = (key[0], world.entries["yuxian"].id, key[2])
    for history, reason in ((key, "一"), (other, "甲"), (key, "二"), (key, "三")):
        VETOES.append(veto(world, history, reason))
    db.session.commit()
    rows = list(reversed(VETOES.history(*key))) + VETOES.history(*other)
    assert {k: v.reason for k, v in VETOES.latest_of(rows).items()} == {key: "三", other: "甲"}


def test_latest_numbers_of_many_histories_in_one_query(world: World, key: tuple[int, int, int]) -> None:
    other = (key[0], world.entries["yuxian"].id, key[2])
    for history, state in ((key, "confirmed"), (other, "confirmed"), (key, "proposed"), (other, "rejected")):
        VETOES.append(veto(world, history, "理由", state=state))
    db.session.commit()
    assert sorted(db.session.execute(VETOES.latest_numbers()).tuples()) == [(*key, 2), (*other, 2)]
    confirmed = VETOES.latest_numbers().where(VetoRecord.state == "confirmed")
    assert sorted(db.session.execute(confirmed).tuples()) == [(*key, 1), (*other, 1)]


def test_a_second_writer_of_the_same_number_is_refused(world: World, key: tuple[int, int, int],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    VETOES.append(veto(world, key, "一"))
    db.session.commit()
    # A writer in another process read the same max before the first committed: its number is taken now.
    monkeypatch.setattr(History, "next_number", lambda self, *k: 1)
    with pytest.raises(DomainError) as refused:
        VETOES.append(veto(world, key, "并发"), refused="该记录刚被他人修改，请刷新页面后重试")
    assert refused.value.message == "该记录刚被他人修改，请刷新页面后重试"
    assert [v.reason for v in VETOES.history(*key)] == ["一"]


def test_a_version_stored_since_the_callers_checks_is_not_stacked_on(world: World, key: tuple[int, int, int]) -> None:
    seen = VETOES.latest_number(*key)  # the caller checks the history as it is: empty
    VETOES.append(veto(world, key, "另一位组织者"))  # meanwhile another writer stores version 1
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        VETOES.append(veto(world, key, "我的"), refused="该记录刚被他人修改，请刷新页面后重试", after=seen)
    assert refused.value.message == "该记录刚被他人修改，请刷新页面后重试"
    assert [v.reason for v in VETOES.history(*key)] == ["另一位组织者"]
    assert VETOES.append(veto(world, key, "刷新后"), after=1) == 2


def test_without_a_message_the_integrity_error_reaches_the_caller(world: World, key: tuple[int, int, int],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    VETOES.append(veto(world, key, "一"))
    db.session.commit()
    monkeypatch.setattr(History, "next_number", lambda self, *k: 1)
    with pytest.raises(IntegrityError):
        VETOES.append(veto(world, key, "并发"))
    db.session.rollback()


def test_a_key_of_the_wrong_length_is_a_programming_error(world: World, key: tuple[int, int, int]) -> None:
    with pytest.raises(TypeError) as wrong:
        VETOES.next_number(key[0], key[1])
    assert str(wrong.value) == (f"VetoRecord: a history is named by ['round_id', 'entry_id', 'item_id'], "
                                f"got ({key[0]}, {key[1]})")
