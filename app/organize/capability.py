"""The organizers' and clerks' home pages and account lists, as the factory plugs them in."""

from app.capabilities import Capability, MenuEntry
from app.organize.views import bp

CAPABILITY = Capability(
    "organize",
    blueprints=(bp,),
    menu=(
        MenuEntry("首页", "organize.home", "house", frozenset({"organizer"}), 100),
        MenuEntry("账号", "organize.account_list", "people", frozenset({"organizer"}), 700,
                  active_on=("organize.account",)),
        MenuEntry("评分表录入", "organize.clerk_home", "keyboard", frozenset({"clerk"}), 100),
    ),
)
