"""Panel, recusal, session and running-order pages (/organize/panels/)."""

from flask import Blueprint

bp = Blueprint("panels", __name__, url_prefix="/organize/panels")
