"""PDF rendering with WeasyPrint: plain-value contexts in, bytes out; only our own static files load."""

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template

# WeasyPrint resolves relative URLs against this fake origin; the fetcher maps it to static/.
PDF_ORIGIN = "https://pdf.dabiwu.invalid/"
STATIC_PREFIX = PDF_ORIGIN + "static/"


class RefusedURL(ValueError):
    """A URL outside the project's own static files (file://, remote, or escaping static/)."""


def static_only_fetcher(url: str, timeout: int = 10, ssl_context: Any = None, **_: Any) -> dict[str, Any]:
    """Serve only files under static/; refuse everything else."""
    if not url.startswith(STATIC_PREFIX):
        raise RefusedURL(f"refused URL in PDF: {url[:80]}")
    root = Path(current_app.static_folder or "").resolve()
    relative = unquote(urlsplit(url).path)[len("/static/"):]
    target = (root / relative).resolve()
    if root not in target.parents or not target.is_file():
        raise RefusedURL(f"refused URL in PDF: {url[:80]}")
    mime, _encoding = mimetypes.guess_type(target.name)
    return {"string": target.read_bytes(), "mime_type": mime or "application/octet-stream", "redirected_url": url}


def render_pdf(template: str, **context: Any) -> bytes:
    """Render templates/pdf/<template> with a context of plain values to PDF bytes."""
    from weasyprint import HTML  # imported here: loading Pango is slow and only PDF views need it

    html = render_template(f"pdf/{template}", pdf_static=STATIC_PREFIX, **context)
    document = HTML(string=html, base_url=PDF_ORIGIN, url_fetcher=static_only_fetcher)
    return bytes(document.write_pdf())
