"""The public pages (公示, certificate check, hall screen, health), as the factory plugs them in."""

from app.capabilities import ANONYMOUS, Capability, MenuEntry
from app.public.notices import public_bp as notices_bp
from app.public.views import bp, health_bp, screen_bp, verify_bp

# Staff menus are long: the public pages stay one click away from the staff's home pages instead.
VISITORS = frozenset({ANONYMOUS, "secretary", "judge"})

CAPABILITY = Capability(
    "public",
    blueprints=(bp, verify_bp, screen_bp, health_bp, notices_bp),
    menu=(
        MenuEntry("公示", "public.home", "megaphone", VISITORS, 900, marks_current=False),
        MenuEntry("证书查验", "verify.home", "patch-check", VISITORS, 910, marks_current=False),
    ),
)
