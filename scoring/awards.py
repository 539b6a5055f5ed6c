"""Rule 8: award bands per group (count, share, min_total) and each band's quota check."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal

from .errors import show
from .fields import Fields
from .model import AwardBand, BandTally, GroupAwards
from .numbers import ceiling

BAND_KINDS = ("count", "share", "min_total")


def parse_awards(
    fields: Fields, raw: object, path: str, groups: Collection[str] | None
) -> tuple[GroupAwards, ...] | None:
    """Check the `awards` field; `groups` is None when the contestants are themselves refused."""
    if not isinstance(raw, list):
        fields.fail(path, "应为数组 (array)")
        return None
    entries: list[GroupAwards] = []
    first: dict[str, int] = {}
    ok = True
    for index, raw_entry in enumerate(raw):
        epath = f"{path}[{index}]"
        obj = fields.mapping(raw_entry, epath, ("group", "bands"))
        if obj is None:
            ok = False
            continue
        group = fields.text(obj, "group", epath, nonempty=True)
        if group is not None:
            if group in first:
                fields.fail(f"{epath}.group", f"组别 group {show(group)} 重复 (duplicate)，"
                                              f"首次见 {path}[{first[group]}]")
                group = None
            elif groups is not None and group not in groups:
                fields.fail(f"{epath}.group", f"组别 group {show(group)} 没有参赛人 (no contestant)")
                group = None
            else:
                first[group] = index
        bands = _bands(fields, obj, epath, group)
        if group is None or bands is None:
            ok = False
        else:
            entries.append(GroupAwards(group=group, bands=bands))
    return tuple(entries) if ok else None


def _bands(
    fields: Fields, obj: Mapping[str, object], path: str, group: str | None
) -> tuple[AwardBand, ...] | None:
    raw_list = fields.array(obj, "bands", path)
    if raw_list is None:
        return None
    bands: list[AwardBand] = []
    names: set[str] = set()
    ok = True
    for index, raw in enumerate(raw_list):
        bpath = f"{path}.bands[{index}]"
        bobj = fields.mapping(raw, bpath, ("name",), BAND_KINDS, {"group": group})
        if bobj is None:
            ok = False
            continue
        name = fields.text(bobj, "name", bpath, nonempty=True, context={"group": group})
        context = {"group": group, "band": name}
        if name is not None:
            if name in names:
                fields.fail(f"{bpath}.name", "奖项名称重复 (duplicate band name)", context)
                name = None
            names.add(name or "")
        kinds = [kind for kind in BAND_KINDS if kind in bobj]
        if len(kinds) != 1:
            fields.fail(bpath, "须恰有 count、share、min_total 之一 (exactly one)", context)
            ok = False
            continue
        band = _band(fields, bobj, bpath, kinds[0], name, context)
        if band is None:
            ok = False
        else:
            bands.append(band)
    return tuple(bands) if ok else None


def _band(
    fields: Fields,
    obj: Mapping[str, object],
    path: str,
    kind: str,
    name: str | None,
    context: Mapping[str, object],
) -> AwardBand | None:
    if kind == "count":
        count = fields.integer(obj, "count", path, 1)
        return None if count is None or name is None else AwardBand(name=name, count=count)
    value = fields.decimal(obj, kind, path, context)
    if value is None:
        return None
    if kind == "share":
        if not 0 < value <= 1:
            fields.fail(f"{path}.share", f"比例 share \"{value}\" 应满足 0 < share ≤ 1", context)
            return None
        return None if name is None else AwardBand(name=name, share=value)
    if value < 0:
        fields.fail(f"{path}.min_total", f"最低总分 min_total \"{value}\" 不能为负", context)
        return None
    return None if name is None else AwardBand(name=name, min_total=value)


def band_limit(band: AwardBand, ranked_count: int) -> int | None:
    """A count band's limit is its count; a share band's ⌈share × R⌉; a min_total band has none."""
    if band.count is not None:
        return band.count
    if band.share is not None:
        return ceiling(band.share * ranked_count)
    return None


def assign_awards(
    entries: Sequence[GroupAwards],
    ranked: Mapping[str, Sequence[tuple[str, int, Decimal]]],
) -> tuple[dict[str, str], tuple[BandTally, ...]]:
    """Each ranked contestant's first qualifying band, and every band's tally.

    `ranked[group]` lists `(contestant id, rank, rounded total)` of the group's ranked
    contestants. A band qualifies by rank (count, share) or rounded total (min_total), so
    contestants tied at a boundary all get the higher band and its `given` may pass its `limit`.
    """
    awarded: dict[str, str] = {}
    tallies: list[BandTally] = []
    for entry in entries:
        members = ranked.get(entry.group, ())
        limits = [band_limit(band, len(members)) for band in entry.bands]
        holders = [0] * len(entry.bands)
        for contestant, rank, total in members:
            for position, band in enumerate(entry.bands):
                limit = limits[position]
                qualifies = (total >= band.min_total if band.min_total is not None
                             else limit is not None and rank <= limit)
                if qualifies:
                    awarded[contestant] = band.name
                    holders[position] += 1
                    break
        given = 0
        for position, band in enumerate(entry.bands):
            given += holders[position]
            limit = limits[position]
            tallies.append(BandTally(group=entry.group, band=band.name, limit=limit, given=given,
                                     over_quota=limit is not None and given > limit))
    return awarded, tuple(tallies)
