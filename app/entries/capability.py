"""Entries as the factory plugs them in: who competes in which group, a rule the audit log covers."""

from app.audit.covered import rules
from app.capabilities import Capability
from app.entries import answers  # noqa: F401 (answers connects)
from app.entries.models import Entry

CAPABILITY = Capability(
    "entries",
    audit_actions={"entry_recorded": "记录参赛人组别"},
    audit_objects={"entry": "参赛人"},
    covered=(rules("entry", Entry, ("contest_id", "group_id", "subgroup_id", "active"),
                   actions=("entry_created", "entry_edited", "entry_holder_changed", "entry_activated",
                            "entry_deactivated")),),
)
