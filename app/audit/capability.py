"""The audit log as the factory plugs it in: `flask audit …` (its names and covered tables come from the others)."""

from app.audit.cli import audit_cli
from app.capabilities import Capability

CAPABILITY = Capability("audit", commands=(audit_cli,))
