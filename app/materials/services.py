"""Material use cases: a secretary uploads or replaces until the round starts; judges and staff read it."""

import hashlib
import os
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import rules
from app.accounts.models import User
from app.audit import services as audit
from app.contests import current as contests
from app.contests.models import Round
from app.contests.rounds import get_round
from app.entries.models import Entry, EntryHolder
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.materials.models import Material
from app.timeutil import chinese_date, format_local, today

LIMIT = 20 * 1024 * 1024
TOO_BIG = "文件超过 20 MB，请压缩后重新上传（如降低图片分辨率后另存为 PDF）"
NOT_PDF = "文件不是有效的 PDF（请用 WPS 或 Word “另存为 PDF”后上传）"
TARGET_MAX = Decimal("1e12")


class TooLargeError(DomainError):
    status = 413


def materials_dir() -> str:
    return str(current_app.config.get("MATERIALS_DIR") or os.path.join(current_app.instance_path, "uploads",
                                                                         "materials"))


def is_open(rnd: Round) -> bool:
    """Uploads and replacements are taken until the round's first day (Asia/Shanghai), while the contest takes
    writes: a round without dates never starts, and the income target is money."""
    return contests.accepts_writes(rnd.contest) and (rnd.starts_on is None or today() < rnd.starts_on)


def closed_message(rnd: Round) -> str:
    if not contests.accepts_writes(rnd.contest):
        return contests.closed_message(rnd.contest)
    assert rnd.starts_on is not None
    return f"{rnd.name}已于{chinese_date(rnd.starts_on)}开始，材料不能再上传或更换。如需更正，请联系组织者。"


def needs_target(rnd: Round) -> bool:
    """The plan round (年初比规划) records the year's income target (建账)."""
    return rnd.code == "plan"


def held_entries(actor: User) -> list[Entry]:
    return list(db.session.execute(select(Entry).join(EntryHolder).where(
        EntryHolder.user_id == actor.id, EntryHolder.ended_on.is_(None)).order_by(Entry.public_number)).scalars())


def held_entry(actor: User, entry_id: int) -> Entry:
    """An entry the secretary currently holds; any other is unknown to them."""
    entry = next((e for e in held_entries(actor) if e.id == entry_id), None)
    if entry is None:
        raise NotFoundError("参赛信息不存在")
    return entry


def entry_round(entry: Entry, round_id: int) -> Round:
    rnd = db.session.get(Round, round_id)
    if rnd is None or rnd.contest_id != entry.contest_id:
        raise NotFoundError("轮次不存在")
    return rnd


def rounds_of(entry: Entry) -> list[Round]:
    return list(db.session.execute(select(Round).where(Round.contest_id == entry.contest_id)
                                   .order_by(Round.position)).scalars())


def versions(round_id: int, entry_id: int) -> list[Material]:
    """Every upload, newest first."""
    return list(db.session.execute(select(Material).where(Material.round_id == round_id, Material.entry_id == entry_id)
                                   .order_by(Material.version.desc())).scalars())


def current(round_id: int, entry_id: int) -> Material | None:
    """The latest upload only: this runs on every sheet page a judge opens."""
    return db.session.execute(select(Material).where(Material.round_id == round_id, Material.entry_id == entry_id)
                              .order_by(Material.version.desc()).limit(1)).scalar_one_or_none()


def check_pdf(content: bytes) -> None:
    """A PDF by its content: the %PDF- header and an %%EOF marker near the end."""
    if len(content) > LIMIT:
        raise TooLargeError(TOO_BIG)
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-1024:]:
        raise DomainError(NOT_PDF)


def check_target(rnd: Round, target: Decimal | None) -> Decimal | None:
    if not needs_target(rnd):
        return None
    if target is None:
        raise DomainError("请填写本年度村集体经济收入目标（元）")
    if not target.is_finite() or target <= 0:
        raise DomainError("收入目标须大于 0（单位为元）")
    if target.as_tuple().exponent < -2:  # type: ignore[operator]
        raise DomainError("收入目标最多保留 2 位小数（元、角、分）")
    if target >= TARGET_MAX:
        raise DomainError("收入目标过大，请核对（单位为元）")
    return target.quantize(Decimal("0.01"))


def _store(content: bytes, digest: str) -> str:
    """Write the file once under its hash (atomically); the same content is stored once."""
    folder = materials_dir()
    os.makedirs(folder, exist_ok=True)
    name = f"{digest}.pdf"
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        handle, temp = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temp, path)
    return name


def material_fields(m: Material) -> dict[str, Any]:
    return {"round": m.round_id, "entry": m.entry_id, "version": m.version, "sha256": m.sha256, "size": m.size,
            "original_name": m.original_name,
            "income_target": None if m.income_target is None else str(m.income_target)}


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes
    income_target: Decimal | None


def upload(actor: User, entry_id: int, round_id: int, data: Upload) -> Material:
    """Store a secretary's material of a round as a new version; nothing is written when it is refused."""
    entry = held_entry(actor, entry_id)
    rnd = entry_round(entry, round_id)
    contests.require_writable(rnd)
    if not is_open(rnd):
        raise DomainError(closed_message(rnd))
    check_pdf(data.content)
    target = check_target(rnd, data.income_target)
    digest = hashlib.sha256(data.content).hexdigest()
    previous = current(rnd.id, entry.id)
    original = os.path.basename(data.filename.replace("\\", "/")).strip()[:200] or "材料.pdf"
    material = Material(round_id=rnd.id, entry_id=entry.id, version=previous.version + 1 if previous else 1,
                        supersedes_id=previous.id if previous else None, stored_name=_store(data.content, digest),
                        size=len(data.content), sha256=digest, original_name=original, income_target=target,
                        uploaded_by_id=actor.id)
    db.session.add(material)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError("材料刚刚已被更新，请刷新页面后查看") from None
    audit.record("material_replaced" if previous else "material_uploaded", "material", material.id,
                 before=material_fields(previous) if previous else None, after=material_fields(material))
    db.session.commit()
    return material


def path_of(material: Material | None) -> str:
    if material is None:
        raise NotFoundError("参赛人尚未上传材料")
    path = os.path.join(materials_dir(), material.stored_name)
    if not os.path.exists(path):
        raise NotFoundError("材料文件缺失，请联系管理员")
    return path


def download_name(material: Material) -> str:
    return f"{material.entry.public_number}-{material.round.code}-v{material.version}.pdf"


def current_file(round_id: int, entry_id: int) -> Material:
    """The current material with its file present (404 otherwise); whether the reader may see it is checked first,
    by the reader's side (a judge's assignment: judging/views.py)."""
    material = current(round_id, entry_id)
    path_of(material)
    assert material is not None
    return material


def for_staff(actor: User, round_id: int, entry_id: int) -> Material:
    """The current material for an organizer (county organizers: their county) or a supervisor."""
    entry = db.session.get(Entry, entry_id)
    if entry is None or not rules.may_see(actor, entry.county_id):
        raise NotFoundError("参赛人不存在")
    entry_round(entry, round_id)
    material = current(round_id, entry_id)
    path_of(material)
    assert material is not None
    return material


def for_secretary(actor: User, material_id: int) -> Material:
    """Any version of a material of an entry the secretary holds."""
    material = db.session.get(Material, material_id)
    if material is None:
        raise NotFoundError("材料不存在")
    held_entry(actor, material.entry_id)
    path_of(material)
    return material


def material_for(round_id: int, entry_id: int) -> dict[str, Any] | None:
    """Plain values for the judge's sheet: where to read the material, when it came, its size and target."""
    material = current(round_id, entry_id)
    if material is None:
        return None
    return {"url": url_for("judging.material", round_id=round_id, entry_id=entry_id),
            "uploaded_at": format_local(material.uploaded_at), "size": material.size_label,
            "version": material.version,
            "income_target": None if material.income_target is None else str(material.income_target)}


@dataclass
class RoundMaterial:
    round: Round
    current: Material | None
    open: bool
    needs_target: bool


def entry_overview(entry: Entry) -> list[RoundMaterial]:
    return [RoundMaterial(rnd, current(rnd.id, entry.id), is_open(rnd), needs_target(rnd)) for rnd in rounds_of(entry)]


def staff_rows(actor: User, round_id: int) -> tuple[Round, list[tuple[Entry, Material | None]]]:
    """A round's contestants in the actor's scope with their current material."""
    rnd = get_round(round_id)
    # The page prints each unit name (county + township + village): load them with the entries.
    query = (select(Entry).where(Entry.contest_id == rnd.contest_id, Entry.active).order_by(Entry.public_number)
             .options(selectinload(Entry.county), selectinload(Entry.township), selectinload(Entry.village)))
    query = rules.visible(query, Entry.county_id, actor)
    latest: dict[int, Material] = {}
    for m in db.session.execute(select(Material).where(Material.round_id == rnd.id)
                                .order_by(Material.version)).scalars():
        latest[m.entry_id] = m
    return rnd, [(e, latest.get(e.id)) for e in db.session.execute(query).scalars()]
