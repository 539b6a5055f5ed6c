"""The demo data as the factory plugs it in: `flask demo …` and the names of its events."""

from app.capabilities import Capability
from app.demo.cli import demo_cli

CAPABILITY = Capability(
    "demo",
    commands=(demo_cli,),
    audit_actions={"demo_loaded": "载入演示数据", "demo_sheets_generated": "生成演示评分"},
)
