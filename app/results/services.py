"""Result use cases: preview a result scope, a supervisor signs its hash, an organizer publishes version N."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.adjustments.rules import scoring_text
from app.audit import services as audit
from app.contests.models import Contest
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.publication import services as publication
from app.publication.models import RECOMPUTE, Publication, SignOff
from app.result_scope import ResultScope
from app.results.assemble import build, keep_aliases, parse_scope
from app.results.compare import Comparison, compare
from app.timeutil import chinese_date, local
from scoring import InputError, recompute_with_package_hash

MAX_FINAL_REASON = 300  # 定榜后更正理由


@dataclass(frozen=True)
class Row:
    """One contestant's line of a preview or published ranking."""

    public_number: str
    name: str
    group: str
    rounds: dict[str, str | None]
    total: str
    rank: int | None
    tied: bool
    vetoed: bool
    absent: bool
    award: str | None


@dataclass(frozen=True)
class Extras:
    """What the scoring input holds beside the marks for one contestant: adjustments and vetoes."""

    adjustments: list[tuple[str, str]] = field(default_factory=list)  # (round name, signed sum) when not zero
    vetoes: list[str] = field(default_factory=list)  # veto item names


@dataclass(frozen=True)
class Preview:
    contest: Contest
    scope: ResultScope
    input: dict[str, Any]
    result: dict[str, Any] | None
    package_hash: str | None
    problems: list[str]
    rows: list[Row]
    signoff: SignOff | None
    versions: list[Publication]
    group_names: dict[str, str]
    extras: dict[str, Extras]
    comparison: Comparison | None  # against the latest published version, when the result differs

    @property
    def signed(self) -> bool:
        return self.signoff is not None and self.signoff.package_hash == self.package_hash

    @property
    def published_as(self) -> Publication | None:
        """The latest published version when it is exactly the current result."""
        latest = self.versions[-1] if self.versions else None
        return latest if latest is not None and latest.package_hash == self.package_hash else None

    @property
    def unscored_rounds(self) -> set[str]:
        """Rounds of the scope with no counted mark at all: not yet scored, which is not the same as absent."""
        return {rnd["id"] for rnd in self.input["rounds"] if not rnd["marks"]}

    @property
    def publishable(self) -> bool:
        return self.result is not None and not self.problems and self.signed and self.published_as is None


def get_contest(contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise NotFoundError("比武不存在")
    return contest


def rows_of(input_: dict[str, Any], result: dict[str, Any]) -> list[Row]:
    """Ranked first within each group, then the contestants out of the ranking."""
    names = {c["id"]: c.get("name", "") for c in input_["contestants"]}
    rows = [Row(c["id"], names.get(c["id"], ""), c["group"], c["rounds"], c["total"], c["rank"], c["tied"],
                c["vetoed"], c["absent"], c.get("award")) for c in result["contestants"]]
    return sorted(rows, key=lambda r: (r.group, r.rank is None, r.rank or 0, r.public_number))


def extras_of(input_: dict[str, Any], round_names: dict[str, str]) -> dict[str, Extras]:
    """Each contestant's adjustments summed per round (as signed points) and veto item names, by public number."""
    places = input_["places"]
    sums: dict[str, dict[str, Decimal]] = {}
    vetoes: dict[str, list[str]] = {}
    for rnd in input_["rounds"]:
        for adjustment in rnd["adjustments"]:
            per_round = sums.setdefault(adjustment["contestant"], {})
            per_round[rnd["id"]] = per_round.get(rnd["id"], Decimal(0)) + Decimal(adjustment["value"])
        for veto in rnd["vetoes"]:
            names = vetoes.setdefault(veto["contestant"], [])
            if veto["reason"] not in names:
                names.append(veto["reason"])
    extras = {}
    for number in sums.keys() | vetoes.keys():
        shown = [(round_names.get(code, code), ("+" if value > 0 else "") + scoring_text(value, places))
                 for code, value in sums.get(number, {}).items() if value != 0]
        extras[number] = Extras(shown, vetoes.get(number, []))
    return extras


def preview(contest_id: int, scope_key: str, compare_last: bool = True, keep_pseudonyms: bool = False) -> Preview:
    """Compute the scope now, from the counted sheets, with the scoring core.

    Reads only, unless `keep_pseudonyms` (sign-off, publication): then judges new to the scope keep the
    pseudonyms the result was computed with, in the caller's transaction."""
    contest = get_contest(contest_id)
    scope = parse_scope(contest, scope_key)
    assembled = build(contest, scope)
    if keep_pseudonyms:
        keep_aliases(assembled)
    problems = list(assembled.problems)
    result: dict[str, Any] | None = None
    digest = None
    try:  # the package hash from the input's canonical JSON the core makes anyway (the same hash, made once)
        result, digest = recompute_with_package_hash(assembled.input)
    except InputError as error:
        problems.extend(f"计算未通过：{message}" for message in error.messages[:20])
    signoff = db.session.execute(select(SignOff).where(SignOff.contest_id == contest.id, SignOff.scope == scope.key)
                                 .order_by(SignOff.id.desc()).limit(1)).scalar_one_or_none()
    versions = publication.history(contest.id, scope.key)
    comparison = None
    # Comparing parses the last published package (~10 MB for a year): only the pages show it, not sign-off or publish.
    if compare_last and result is not None and versions and versions[-1].package_hash != digest:
        names = {c["id"]: c.get("name", "") for c in assembled.input["contestants"]}
        comparison = compare(versions[-1].package["result"], result, names, versions[-1].number)
    return Preview(contest, scope, assembled.input, result, digest, problems,
                   rows_of(assembled.input, result) if result else [], signoff, versions,
                   {g.code: g.name for g in contest.groups if g.parent_id is None},
                   extras_of(assembled.input, {r.code: r.name for r in scope.rounds(contest)}), comparison)


def sign_off(supervisor: User, contest_id: int, scope_key: str, expected_hash: str, note: str) -> SignOff:
    """The supervisor signs exactly the result they saw: the hash must still be the current one."""
    current = preview(contest_id, scope_key, compare_last=False, keep_pseudonyms=True)
    if current.package_hash is None or current.problems:
        raise DomainError("结果尚不完整，不能签核：" + "；".join(current.problems[:3]))
    if expected_hash != current.package_hash:
        raise DomainError("结果在您查看后已发生变化，请刷新页面核对新的结果后再签核")
    if current.published_as is not None:
        raise DomainError(f"结果与第 {current.published_as.number} 版相同，该版已发布，无需再签核")
    signoff = SignOff(contest_id=contest_id, scope=current.scope.key, package_hash=current.package_hash,
                      supervisor_id=supervisor.id, note=note.strip()[:300])
    db.session.add(signoff)
    db.session.flush()
    audit.record("result_signed_off", "result", f"{contest_id}:{current.scope.key}",
                 after={"package_hash": current.package_hash, "note": signoff.note})
    db.session.commit()
    return signoff


def finalized_on(version: Publication) -> str:
    """The Chinese date a version was finalized (定榜), as the publish form and its refusal say it."""
    when = local(version.finalized_at)
    return chinese_date(when.date()) if when else ""


def _after_final_reason(latest: Publication, confirmed: bool, reason: str) -> str:
    """Replacing a finalized result is deliberate: the organizer ticks the confirmation and says why."""
    text = reason.replace("\r\n", "\n").strip()
    missing = []
    if not confirmed:
        missing.append("勾选“确认更正已定榜的成绩”")
    if not text:
        missing.append(f"填写定榜后更正理由（不超过 {MAX_FINAL_REASON} 字）")
    elif len(text) > MAX_FINAL_REASON:
        missing.append(f"将定榜后更正理由缩短到 {MAX_FINAL_REASON} 字以内（现有 {len(text)} 字）")
    if missing:
        raise DomainError(f"第 {latest.number} 版已于{finalized_on(latest)}定榜，成绩为最终结果；发布新版本将取代"
                          f"最终成绩并重新公示。请{'并'.join(missing)}后再发布。")
    return text


def publish(actor: User, contest_id: int, scope_key: str, expected_hash: str, confirm_after_final: bool = False,
            final_reason: str = "") -> Publication:
    """Store version N of the scope exactly as signed (never changed afterwards), in one transaction whose
    `published` event opens its 公示 (app.notices) and stores the causes since N-1; the input is built once.

    When version N-1 is finalized, N replaces the final result: only with the organizer's confirmation and
    reason, kept in the audit; the public causes carry the flag `after_final` alone."""
    with collector_paused():
        return _publish(actor, contest_id, scope_key, expected_hash, confirm_after_final, final_reason)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection for the span of one compute-and-publish.

    A year's publication allocates millions of small objects (the input's ~150,000 marks, the package's JSON),
    none of them cyclic garbage, and each full collection it triggers walks the whole heap, the package cache's
    parsed packages included: 0.15 s of a 1.1 s publication. Reference counting still frees everything; the
    collector resumes afterwards (even on a refusal), unless something else had paused it already."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _publish(actor: User, contest_id: int, scope_key: str, expected_hash: str, confirm_after_final: bool,
             final_reason: str) -> Publication:
    current = preview(contest_id, scope_key, compare_last=False, keep_pseudonyms=True)
    if current.problems:
        raise DomainError("结果尚不完整，不能发布：" + "；".join(current.problems[:3]))
    if expected_hash != current.package_hash:
        raise DomainError("结果在您查看后已发生变化，请刷新页面核对")
    if current.published_as is not None:
        raise DomainError(f"结果与第 {current.published_as.number} 版相同，无需重新发布")
    if not current.signed or current.signoff is None:
        raise DomainError("发布前须由监督员签核本结果（审计包哈希须一致）")
    latest = current.versions[-1] if current.versions else None
    final = latest if latest is not None and latest.finalized_at is not None else None
    reason = _after_final_reason(final, confirm_after_final, final_reason) if final is not None else None
    content = {"kind": RECOMPUTE, "input": current.input, "result": current.result}
    return publication.publish(RECOMPUTE, contest_id, current.scope.key, content, current.package_hash or "",
                               actor, current.signoff, final_reason=reason)


def get_version(contest_id: int, scope_key: str, number: int) -> Publication:
    return publication.get(contest_id, scope_key, number)
