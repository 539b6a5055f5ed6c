"""PDFs load only our own static files: file:// and remote URLs are refused."""

import pytest
from flask import Flask

from app.pdf import STATIC_PREFIX, RefusedURL, static_only_fetcher


def test_the_fetcher_serves_our_own_stylesheet(ctx: Flask) -> None:
    result = static_only_fetcher(STATIC_PREFIX + "css/pdf.css")
    assert result["mime_type"] == "text/css"
    assert b"@page" in result["string"]


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://example.com/x.png", "https://pdf.dabiwu.invalid/static/../app/config.py",
    STATIC_PREFIX + "..%2F..%2Finstance%2Fconfig.py", STATIC_PREFIX + "css/missing.css",
])
def test_the_fetcher_refuses_anything_else(ctx: Flask, url: str) -> None:
    with pytest.raises(RefusedURL):
        static_only_fetcher(url)
