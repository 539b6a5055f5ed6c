"""Judge sign-in links, PINs and cards (/organize/judges/), and the sign-in itself (/judge/signin/)."""

from flask import Blueprint

bp = Blueprint("judges", __name__, url_prefix="/organize/judges")
signin_bp = Blueprint("judge_signin", __name__, url_prefix="/judge/signin")
