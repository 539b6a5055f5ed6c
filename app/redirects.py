"""Where a user-supplied target (`next`, `back`) may send the browser: a path of this site, and nothing else."""

from urllib.parse import urlsplit

LONGEST = 2000  # a path of ours is far shorter; a longer one is refused before it is looked at


def same_site_path(target: str | None, under: str = "/") -> str | None:
    """`target` when it is a path of this site under `under`, else None.

    Browsers drop tabs and line breaks inside a URL and read a backslash as a slash, so "/\\t/evil.example"
    and "/\\\\evil.example" reach another host: any control character, space or backslash refuses the target
    (a line break would also break the Location header), and what remains must parse with no scheme and no host.
    """
    if not target or len(target) > LONGEST or not target.startswith(under):
        return None
    if not target.isprintable() or " " in target or "\\" in target:  # controls, every kind of space
        return None
    if target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
