"""Import and list pages for contestants and judges (/organize/people/)."""

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/organize/people")
