"""The supervisors' home, sheets, audit log and accounts, as the factory plugs them in."""

from app.capabilities import Capability, MenuEntry
from app.supervise.views import bp

SUPERVISOR = frozenset({"supervisor"})

CAPABILITY = Capability(
    "supervise",
    blueprints=(bp,),
    menu=(
        MenuEntry("首页", "supervise.home", "house", SUPERVISOR, 100),
        MenuEntry("评分表", "supervise.sheets", "clipboard-data", SUPERVISOR, 300),
        MenuEntry("审计日志", "supervise.audit_log", "journal-check", SUPERVISOR, 400),
        MenuEntry("监督员账号", "supervise.account_list", "people", SUPERVISOR, 500,
                  active_on=("supervise.account",)),
    ),
)
