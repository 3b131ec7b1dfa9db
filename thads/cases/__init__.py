"""Cases: the list in the user's scope, registration, the case page and its actions."""
from flask import Blueprint

bp = Blueprint("cases", __name__)

from thads.cases import views  # noqa: E402,F401
