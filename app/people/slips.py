"""Login slips: new activation codes for the accounts of a township, a county or the judges, printed on A4."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from app import rules
from app.accounts.models import User
from app.accounts.passwords import activation_digest, new_activation_code
from app.audit import services as audit
from app.contests.models import Contest
from app.entries.models import Entry, EntryHolder
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.ids import id_of
from app.judges.models import Judge
from app.places.models import County, Township


@dataclass(frozen=True)
class Target:
    value: str  # "county:<id>", "township:<id>" or "judges"
    label: str
    pending: int  # accounts that have not set a password yet


@dataclass(frozen=True)
class Slips:
    title: str
    slips: list[dict[str, str]]


def _pending_secretaries(contest: Contest) -> list[tuple[Entry, User]]:
    """Current secretaries of active entries who have not set a password, in public-number order."""
    rows = db.session.execute(
        select(Entry, User).join(EntryHolder, EntryHolder.entry_id == Entry.id)
        .join(User, User.id == EntryHolder.user_id)
        .where(Entry.contest_id == contest.id, Entry.active, EntryHolder.ended_on.is_(None),
               User.password_hash.is_(None), User.active, User.role == "secretary")
        .order_by(Entry.public_number))
    return list(rows.tuples())


def _pending_judges(actor: User, contest: Contest) -> list[tuple[Judge, User]]:
    query = (select(Judge, User).join(User, User.id == Judge.user_id)
             .where(Judge.contest_id == contest.id, Judge.active, User.password_hash.is_(None), User.active,
                    User.role == "judge")
             .order_by(User.username))
    query = rules.visible(query, Judge.home_county_id, actor)
    return list(db.session.execute(query).tuples())


def targets(actor: User, contest: Contest) -> list[tuple[str, list[Target]]]:
    """What may be printed, by county: the county itself, then each township, with pending counts."""
    pending = _pending_secretaries(contest)
    by_county = Counter(e.county_id for e, _ in pending)
    by_township = Counter(e.township_id for e, _ in pending)
    query = select(County).order_by(County.code)
    query = rules.visible(query, County.id, actor)
    groups: list[tuple[str, list[Target]]] = []
    for county in db.session.execute(query).scalars():
        options = [Target(f"county:{county.id}", f"{county.name}（全县区）", by_county[county.id])]
        options += [Target(f"township:{t.id}", f"{county.name} · {t.name}", by_township[t.id])
                    for t in county.townships]
        groups.append((county.name, options))
    groups.append(("评委", [Target("judges", "本次比武的评委", len(_pending_judges(actor, contest)))]))
    return groups


def issue_slips(actor: User, contest: Contest, target: str) -> Slips:
    """New codes for every account in the target that has not set a password; earlier slips stop working."""
    kind, _, raw_id = target.partition(":")
    if kind == "judges":
        title = "评委"
        people = [(j.unit, u) for j, u in _pending_judges(actor, contest)]
    elif kind in ("county", "township"):
        place_id = id_of(raw_id)  # the form's choices are not validated: "²" or 2^64 must not reach int() or a query
        place: County | Township | None = None if place_id is None else (
            db.session.get(County, place_id) if kind == "county" else db.session.get(Township, place_id))
        if place is None:
            raise NotFoundError("所选范围不存在")
        county_id = place.id if isinstance(place, County) else place.county_id
        if not rules.may_see(actor, county_id):
            raise NotFoundError("所选范围不存在")
        title = place.name if isinstance(place, County) else f"{place.county.name}{place.name}"
        column = Entry.county_id if kind == "county" else Entry.township_id
        wanted = {e.id for e in db.session.execute(select(Entry).where(column == place.id)).scalars()}
        people = [(e.unit_name, u) for e, u in _pending_secretaries(contest) if e.id in wanted]
    else:
        raise DomainError("请选择要打印登录凭条的范围")
    if not people:
        raise DomainError(f"{title}没有需要打印凭条的账号（都已设置了自己的密码）")
    slips = []
    for unit, user in people:
        code = new_activation_code()
        user.activation_digest = activation_digest(code)
        user.must_change_password = True
        if kind != "judges":
            user.end_sessions()  # a session opened with the earlier code ends with it
        # Judges are left signed in: one signed in by card never sets a password, so each judge in the hall is
        # here, and ending their sessions would sign out every phone mid-round. The card is its own credential
        # (revoked on the card board); a session opened with the earlier code can only set a password, which
        # that code no longer allows.
        slips.append({"name": user.display_name, "unit": unit, "username": user.username, "code": code,
                      "role": user.role_label})
    audit.record("login_slips_issued", "contest", contest.id,
                 after={"target": target, "title": title, "count": len(slips), "user_ids": [u.id for _, u in people]})
    db.session.commit()
    return Slips(title, slips)
