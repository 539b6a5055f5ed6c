"""Who may see which rows and who may do what: the county scope and the named permission rules, in one place."""

# Plumbing: it imports no capability package. A rule takes the acting account (anything with `id`, `role` and
# `county_id`) and plain values or columns, so that views, services and templates (the `rules` Jinja global) ask
# the same question the same way. Views still declare their roles with `@access`; its `city_only` asks here.

from collections.abc import Callable, Collection
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, or_

from app.roles import ROLES

Q = TypeVar("Q", bound=Select[Any])  # the filter keeps the query's type


class Actor(Protocol):
    """The acting account as the rules see it (app.accounts.models.User in the app)."""

    @property
    def id(self) -> int: ...

    @property
    def role(self) -> str: ...

    @property
    def county_id(self) -> int | None: ...


# A county scope already worked out (int: one county; None: every county), or the account to work it out from.
Scope = Actor | int | None


def county_of(who: Scope) -> int | None:
    """The county an account is limited to: an organizer's or clerk's county; None (the whole city) for city
    staff and supervisors. Judges and secretaries keep their county here, as every scope check always did."""
    if who is None or isinstance(who, int):
        return who
    if who.role == "supervisor":
        return None
    return who.county_id


def is_city_wide(who: Scope) -> bool:
    """Sees and acts for the whole city (city organizers and clerks, supervisors)."""
    return county_of(who) is None


def is_county_scoped(who: Scope) -> bool:
    """Limited to one county: the pages say "本县区" and list that county's rows only."""
    return county_of(who) is not None


def visible(query: Q, column: Any, who: Scope,
            also: Callable[[int], ColumnElement[bool]] | None = None) -> Q:
    """The one query filter: the rows this account may see, by the county in `column` (Entry.county_id,
    Judge.home_county_id, …). `also` widens a county's view with rows it may see for another reason."""
    county = county_of(who)
    if county is None:
        return query
    mine = column == county
    return query.where(mine if also is None else or_(mine, also(county)))


def may_see(who: Scope, county_id: int | None) -> bool:
    """One row of that county (a contestant, a judge, an import, an account) is within the account's scope."""
    county = county_of(who)
    return county is None or county_id == county


def _city_organizer(user: Actor) -> bool:
    return user.role == "organizer" and is_city_wide(user)


def can_change_setup(user: Actor) -> bool:
    """Contests, rounds, criteria, groups, panels and award bands: city organizers; county organizers read."""
    return _city_organizer(user)


def can_open_scoring(user: Actor) -> bool:
    """Open and close scoring windows, accept late sheets, reopen sheets: the city's desk."""
    return _city_organizer(user)


def can_publish(user: Actor) -> bool:
    """Compute, preview and publish results, download their packages: city organizers."""
    return _city_organizer(user)


def can_sign_off(user: Actor) -> bool:
    """Sign off the exact result before it is published (and confirm vetoes): supervisors."""
    return user.role == "supervisor"


def can_run_notices(user: Actor) -> bool:
    """公示 settings, a notice's contact, objections entered by staff: city organizers."""
    return _city_organizer(user)


def can_review_objection(user: Actor) -> bool:
    """复核 of an objection: city organizers (county organizers see their county's objections)."""
    return _city_organizer(user)


def can_finalize(user: Actor) -> bool:
    """End a 公示 and make its version final: city organizers."""
    return _city_organizer(user)


def can_reconcile(user: Actor, typists: Collection[int]) -> bool:
    """Settle a paper sheet's mismatch: a third person, who typed neither entry (`typists`: their ids)."""
    return user.id not in typists


def can_see_scans(user: Actor) -> bool:
    """Scans of paper sheets and the latest entries typed: organizers and supervisors (clerks type, others check)."""
    return user.role in ("organizer", "supervisor")


def roles_may_create(actor: Actor) -> list[str]:
    """Separation of duties: organizers never make supervisors (纪检监督); supervisors make only fellow
    supervisors; a county organizer makes its county's clerks, judges and secretaries."""
    if actor.role == "supervisor":
        return ["supervisor"]
    if actor.role != "organizer":
        return []
    if is_city_wide(actor):
        return [role for role in ROLES if role != "supervisor"]
    return ["clerk", "judge", "secretary"]


def can_manage_account(actor: Actor, user: Actor) -> bool:
    """A county organizer manages the roles they may create (not a fellow organizer of the county); the city
    organizer every account but supervisors; a supervisor only supervisors; anyone their own."""
    return user.id == actor.id or user.role in roles_may_create(actor)
