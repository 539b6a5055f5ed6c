"""Judge panels, sessions and running orders, as the factory plugs them in."""

from app.capabilities import Capability, MenuEntry
from app.panels.views import bp

CAPABILITY = Capability(
    "panels",
    blueprints=(bp,),
    menu=(MenuEntry("分组与场次", "panels.index", "diagram-3", frozenset({"organizer"}), 500,
                    active_on=("panels.",)),),
    audit_actions={
        "panel_created": "新建评委组", "panel_deleted": "删除评委组", "panel_drawn": "抽取评委组",
        "recusal_added": "登记回避",
        "session_created": "新建场次", "sessions_filled": "编排场次", "running_order_drawn": "抽签出场顺序",
        "running_order_set": "设定出场顺序",
    },
    audit_objects={"panel": "评委组", "recusal": "回避", "session": "场次"},
)
