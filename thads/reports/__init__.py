"""The reports slice (blueprint bp): the statistics page, drill-down lists, Excel export, targets."""
from flask import Blueprint

bp = Blueprint("reports", __name__)

from thads.reports import views  # noqa: E402,F401
