"""Paper sheets as the factory plugs them in: pages, event names, covered entries and reconciliations."""

from app.capabilities import Capability
from app.paper.covered import PAPER
from app.paper.views import bp, supervise_bp

CAPABILITY = Capability(
    "paper",
    blueprints=(bp, supervise_bp),
    audit_actions={"paper_entered": "录入纸质评分表", "paper_mismatch": "纸质评分表两次录入不一致",
                   "paper_reconciled": "核对纸质评分表"},
    audit_objects={"paper_sheet": "纸质评分表", "paper_entry": "纸质录入", "paper_reconciliation": "纸质核对"},
    covered=PAPER,
)
