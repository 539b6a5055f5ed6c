"""Chinese names of audit actions and object types for the supervisors' log, each capability naming its own."""

from collections.abc import Sequence

from app.capabilities import Capability
from app.capabilities import compose as names_of

ACTIONS: dict[str, str] = {}
OBJECTS: dict[str, str] = {}


def compose(capabilities: Sequence[Capability]) -> None:
    """Fill ACTIONS and OBJECTS from the capabilities' names (in place: the log's views hold these dicts)."""
    actions, objects = names_of(capabilities, "audit_actions"), names_of(capabilities, "audit_objects")
    ACTIONS.clear()
    ACTIONS.update(actions)
    OBJECTS.clear()
    OBJECTS.update(objects)
