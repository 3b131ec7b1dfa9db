"""Administration pages (admin role only)."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from thads.admin import views  # noqa: E402,F401
from thads.admin import reminders  # noqa: E402,F401
