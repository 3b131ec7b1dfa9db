"""Enforcement measures, coercion plans and days, hard cases and the steering committee (issue 11).

Services: ``services`` (measures), ``coercion`` (plans, days, calendar), ``committee`` (hard cases,
the committee and its report), ``figures`` (the review's figures with drill-downs). The law is
data in ``workflows/measures.py`` and ``workflows/rules.py``.
"""
from flask import Blueprint

bp = Blueprint("measures", __name__)

from thads.measures import views  # noqa: E402,F401
