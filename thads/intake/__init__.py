"""Intake at scale (issue 13): import an existing register, batches through the API, and the
judgment reader that prefills the registration form. See ``docs/intake.md``."""
from flask import Blueprint

bp = Blueprint("intake", __name__)

from thads.intake import views  # noqa: E402,F401
