"""The contestants' feedback pages, as the factory plugs them in."""

from app.capabilities import Capability
from app.feedback.views import bp

CAPABILITY = Capability("feedback", blueprints=(bp,))
