"""The plug-in declaration (blueprints, menu entries, audit names, covered tables, commands) and its installing."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import click
from flask import Blueprint, Flask, current_app, request, url_for
from flask_login import current_user

from app import rules
from app.roles import ROLES

ANONYMOUS = "anonymous"  # a menu entry's "role" for a visitor who is not signed in
EXTENSION = "capabilities"  # app.extensions key of the installed list


@dataclass(frozen=True)
class MenuEntry:
    """One link of the main menu: shown to the roles named (city-scope staff only when city_only), in `order`."""

    label: str
    endpoint: str
    icon: str  # a Bootstrap Icons name, without "bi-"
    roles: frozenset[str]
    order: int
    city_only: bool = False
    # Endpoint prefixes under which the entry also shows as where the user is (its own section's pages)
    active_on: tuple[str, ...] = ()
    # The staff menus mark the page the user is on for screen readers; the public links never did.
    marks_current: bool = True

    def __post_init__(self) -> None:
        unknown = self.roles - set(ROLES) - {ANONYMOUS}
        if unknown or not self.roles:
            raise ValueError(f"menu entry {self.endpoint}: unknown roles {sorted(unknown)}")

    def visible_to(self, user: Any) -> bool:
        if not user.is_authenticated:
            return ANONYMOUS in self.roles
        return user.role in self.roles and not (self.city_only and rules.is_county_scoped(user))


@dataclass(frozen=True)
class Capability:
    """What a capability plugs into the app; declared in its package's capability.py, listed by the factory."""

    name: str
    blueprints: tuple[Blueprint, ...] = ()  # each mounted at its own url_prefix
    menu: tuple[MenuEntry, ...] = ()
    audit_actions: Mapping[str, str] = field(default_factory=dict)  # action code -> its Chinese name
    audit_objects: Mapping[str, str] = field(default_factory=dict)  # object type -> its Chinese name
    # app.audit.covered.Covered: the tables of scores, money and rules it owns, which `flask audit verify` checks
    # (typed loosely: plumbing cannot name an audit type)
    covered: tuple[Any, ...] = ()
    commands: tuple[click.Command, ...] = ()  # `flask <group> …`


@dataclass(frozen=True)
class MenuItem:
    """A menu entry as base.html prints it for the current request."""

    label: str
    icon: str
    href: str
    active: bool
    current: bool


def install(app: Flask, capabilities: Sequence[Capability]) -> None:
    """Mount each capability's blueprints and commands, in order, and keep the list for the menu."""
    names = [c.name for c in capabilities]
    if len(set(names)) != len(names):
        raise ValueError(f"a capability is listed twice: {names}")
    for capability in capabilities:
        for blueprint in capability.blueprints:
            app.register_blueprint(blueprint)
        for command in capability.commands:
            app.cli.add_command(command)
    missing = sorted(e.endpoint for c in capabilities for e in c.menu if e.endpoint not in app.view_functions)
    if missing:
        raise ValueError(f"menu entries name no view: {missing}")
    app.extensions[EXTENSION] = tuple(capabilities)
    app.jinja_env.globals["menu_items"] = menu_items


def installed() -> tuple[Capability, ...]:
    """The current app's capabilities, in the factory's order."""
    capabilities: tuple[Capability, ...] = current_app.extensions[EXTENSION]
    return capabilities


def compose(capabilities: Sequence[Capability], part: str) -> dict[str, str]:
    """One mapping of names from every capability's `part` (audit_actions, audit_objects); a code named twice
    with two meanings is refused (the same name twice is fine: two capabilities may share an object type)."""
    composed: dict[str, str] = {}
    for capability in capabilities:
        for code, name in getattr(capability, part).items():
            if composed.setdefault(code, name) != name:
                raise ValueError(f"{part}: {code} is named both {composed[code]} and {name} ({capability.name})")
    return composed


def menu_items() -> list[MenuItem]:
    """The current user's menu on the current page: the entries they may see, in order, the current one marked."""
    endpoint = request.endpoint or ""
    entries = sorted((e for c in installed() for e in c.menu if e.visible_to(current_user)), key=lambda e: e.order)
    items = []
    for entry in entries:
        here = endpoint == entry.endpoint
        active = here or any(endpoint.startswith(prefix) for prefix in entry.active_on)
        items.append(MenuItem(entry.label, entry.icon, url_for(entry.endpoint), active, here and entry.marks_current))
    return items
