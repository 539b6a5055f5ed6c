"""The scope and permission rules (app/rules.py): each rule for each role, city and county; and no other module
deciding by the acting account's county itself."""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import column, select, table

from app import rules

ROOT = Path(__file__).resolve().parent.parent
COUNTY = 3  # 平定县, say: any county id
OTHER = 4


@dataclass(frozen=True)
class Account:
    id: int
    role: str
    county_id: int | None


def account(role: str, county_id: int | None = None, id: int = 7) -> Account:
    return Account(id, role, county_id)


# (role, county) -> the county the account is limited to. A supervisor is city-wide even if a row says otherwise.
SCOPES = {
    ("organizer", None): None, ("organizer", COUNTY): COUNTY,
    ("clerk", None): None, ("clerk", COUNTY): COUNTY,
    ("judge", None): None, ("judge", COUNTY): COUNTY,
    ("secretary", None): None, ("secretary", COUNTY): COUNTY,
    ("supervisor", None): None, ("supervisor", COUNTY): None,
}


@pytest.mark.parametrize(("role", "county", "expected"), [(r, c, e) for (r, c), e in SCOPES.items()])
def test_county_of_each_role_city_and_county(role: str, county: int | None, expected: int | None) -> None:
    who = account(role, county)
    assert rules.county_of(who) == expected
    assert rules.is_city_wide(who) is (expected is None)
    assert rules.is_county_scoped(who) is (expected is not None)


def test_a_scope_already_worked_out_is_taken_as_it_is() -> None:
    assert [rules.county_of(None), rules.county_of(COUNTY)] == [None, COUNTY]
    assert [rules.is_city_wide(None), rules.is_city_wide(COUNTY)] == [True, False]


@pytest.mark.parametrize(("role", "county", "own", "other", "no_county"), [
    ("organizer", None, True, True, True),
    ("organizer", COUNTY, True, False, False),
    ("clerk", None, True, True, True),
    ("clerk", COUNTY, True, False, False),
    ("supervisor", None, True, True, True),
    ("supervisor", COUNTY, True, True, True),
    ("judge", COUNTY, True, False, False),
])
def test_may_see_a_row_of_a_county(role: str, county: int | None, own: bool, other: bool, no_county: bool) -> None:
    who = account(role, county)
    assert [rules.may_see(who, COUNTY), rules.may_see(who, OTHER), rules.may_see(who, None)] == [own, other, no_county]


ENTRY = table("entry", column("id"), column("county_id"))


def _where(query: object) -> str:
    clause = query.whereclause  # type: ignore[attr-defined]
    return "" if clause is None else str(clause.compile(compile_kwargs={"literal_binds": True}))


def test_visible_filters_a_county_organizer_to_their_county_only() -> None:
    query = select(ENTRY.c.id)
    assert _where(rules.visible(query, ENTRY.c.county_id, account("organizer", COUNTY))) == "entry.county_id = 3"
    assert _where(rules.visible(query, ENTRY.c.county_id, COUNTY)) == "entry.county_id = 3"


@pytest.mark.parametrize("who", [account("organizer"), account("clerk"), account("supervisor"),
                                 account("supervisor", COUNTY), None])
def test_visible_leaves_the_query_alone_for_the_city_and_supervisors(who: rules.Scope) -> None:
    query = select(ENTRY.c.id)
    assert rules.visible(query, ENTRY.c.county_id, who) is query


def test_visible_widens_a_county_with_also() -> None:
    query = rules.visible(select(ENTRY.c.id), ENTRY.c.county_id, account("clerk", COUNTY),
                          also=lambda county: ENTRY.c.id == county * 100)
    assert _where(query) == "entry.county_id = 3 OR entry.id = 300"
    city = select(ENTRY.c.id)
    assert rules.visible(city, ENTRY.c.county_id, account("clerk"), also=lambda county: ENTRY.c.id == 1) is city


CITY_ORGANIZER_RULES = [rules.can_change_setup, rules.can_open_scoring, rules.can_publish, rules.can_run_notices,
                        rules.can_review_objection, rules.can_finalize]
# (role, county) -> the city organizer's rules, can_sign_off, can_see_scans
ACTIONS = {
    ("organizer", None): (True, False, True),
    ("organizer", COUNTY): (False, False, True),
    ("clerk", None): (False, False, False),
    ("clerk", COUNTY): (False, False, False),
    ("judge", None): (False, False, False),
    ("judge", COUNTY): (False, False, False),
    ("secretary", None): (False, False, False),
    ("secretary", COUNTY): (False, False, False),
    ("supervisor", None): (False, True, True),
}


@pytest.mark.parametrize(("role", "county", "expected"), [(r, c, e) for (r, c), e in ACTIONS.items()])
def test_named_actions_for_each_role_city_and_county(role: str, county: int | None,
                                                     expected: tuple[bool, bool, bool]) -> None:
    who = account(role, county)
    city_organizer, sign_off, scans = expected
    assert [rule(who) for rule in CITY_ORGANIZER_RULES] == [city_organizer] * len(CITY_ORGANIZER_RULES)
    assert rules.can_sign_off(who) is sign_off
    assert rules.can_see_scans(who) is scans


@pytest.mark.parametrize(("role", "county"), [("organizer", None), ("organizer", COUNTY), ("clerk", None),
                                              ("clerk", COUNTY)])
def test_only_a_third_person_reconciles_a_paper_sheet(role: str, county: int | None) -> None:
    who = account(role, county, id=7)
    assert [rules.can_reconcile(who, []), rules.can_reconcile(who, [5, 6]), rules.can_reconcile(who, [5, 7])] == [
        True, True, False]


@pytest.mark.parametrize(("role", "county", "expected"), [
    ("organizer", None, ["organizer", "clerk", "judge", "secretary"]),
    ("organizer", COUNTY, ["clerk", "judge", "secretary"]),
    ("supervisor", None, ["supervisor"]),
    ("clerk", None, []),
    ("clerk", COUNTY, []),
    ("judge", COUNTY, []),
    ("secretary", COUNTY, []),
])
def test_roles_an_account_may_create(role: str, county: int | None, expected: list[str]) -> None:
    assert rules.roles_may_create(account(role, county)) == expected


TARGETS = ["organizer", "clerk", "judge", "secretary", "supervisor"]


@pytest.mark.parametrize(("role", "county", "expected"), [
    ("organizer", None, [True, True, True, True, False]),
    ("organizer", COUNTY, [False, True, True, True, False]),
    ("supervisor", None, [False, False, False, False, True]),
    ("clerk", None, [False, False, False, False, False]),
    ("clerk", COUNTY, [False, False, False, False, False]),
    ("judge", COUNTY, [False, False, False, False, False]),
])
def test_can_manage_account_by_role_and_always_ones_own(role: str, county: int | None,
                                                        expected: list[bool]) -> None:
    actor = account(role, county, id=1)
    assert [rules.can_manage_account(actor, account(target, county, id=2)) for target in TARGETS] == expected
    assert rules.can_manage_account(actor, actor) is True


# Reads of an account's county that are data, not permission: what an account's county is set to, written to the
# audit trail, handed to a rule, and the rule that a supervisor's scope is the whole city (a fact about the account
# being changed, not about who changes it).
ALLOWED = [
    ("app/accounts/services.py", "rules.may_see(actor, user.county_id)"),
    ("app/accounts/services.py", 'if role == "supervisor" and user.county_id is not None:'),
    ("app/accounts/services.py", '"county_id": user.county_id,'),
    ("app/people/records.py", "user.display_name, user.phone, user.unit, user.county_id = "),
]
ACCOUNT_COUNTY = re.compile(r"\b(actor|user|current_user)\.county_id\b")


def test_no_module_but_rules_reads_the_acting_accounts_county() -> None:
    """The county scope is decided in app/rules.py only: elsewhere an account's county_id appears only as data."""
    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name == "app/rules.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ACCOUNT_COUNTY.search(line) and not any(name == f and text in line for f, text in ALLOWED):
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == []


def test_templates_ask_the_rules_not_the_accounts_county() -> None:
    found = [f"{path.relative_to(ROOT).as_posix()}: {line.strip()}"
             for path in sorted((ROOT / "templates").rglob("*.html"))
             for line in path.read_text(encoding="utf-8").splitlines() if "current_user.county_id" in line]
    assert found == []
