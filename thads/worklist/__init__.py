"""The officer's worklist (the home page after sign-in) and the case search."""
from flask import Blueprint

bp = Blueprint("worklist", __name__)

from thads.worklist import views  # noqa: F401
