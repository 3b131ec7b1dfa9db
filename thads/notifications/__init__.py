"""The notifications slice: the user's in-app reminders (unread, acknowledge, snooze) and the
email on/off preference. Registered at /notifications."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)

from thads.notifications import views  # noqa: E402,F401
