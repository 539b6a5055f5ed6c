"""Contest configuration pages (/organize/contests/)."""

from flask import Blueprint

bp = Blueprint("contests", __name__, url_prefix="/organize/contests")
