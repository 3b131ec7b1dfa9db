"""The reports slice (blueprint bp). Filled in by its issue."""
from flask import Blueprint

bp = Blueprint("reports", __name__)
