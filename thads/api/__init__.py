"""JSON API under /api/v1, authenticated by ``Authorization: Bearer <token>``."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from thads.api import views
from thads.api import notifications
from thads.api import batch
from thads.api import measures
