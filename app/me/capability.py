"""The secretaries' own pages, as the factory plugs them in."""

from app.capabilities import Capability, MenuEntry
from app.me.views import bp

CAPABILITY = Capability(
    "me",
    blueprints=(bp,),
    menu=(MenuEntry("我的比武", "me.home", "person-badge", frozenset({"secretary"}), 100, active_on=("me.",)),),
)
