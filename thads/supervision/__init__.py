"""Supervision: the overdue and at-risk board, reassignment, and proposals for the head."""
from flask import Blueprint

bp = Blueprint("supervision", __name__)

from thads.supervision import views  # noqa: F401
