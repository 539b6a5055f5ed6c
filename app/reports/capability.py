"""The organizers' and supervisors' reports, as the factory plugs them in."""

from app.capabilities import Capability
from app.reports.views import bp, supervise_bp

CAPABILITY = Capability("reports", blueprints=(bp, supervise_bp))
