"""Administration: units and users overview, calendar additions."""
from __future__ import annotations

from functools import wraps

from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from thads.admin import bp
from thads.extensions import db
from thads.models import CalendarDay, Unit, User


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.has_role("admin"):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.route("/")
@admin_required
def index():
    units = db.session.scalars(select(Unit).order_by(Unit.path)).all()
    users = db.session.scalars(select(User).order_by(User.unit_id, User.username)).all()
    days = db.session.scalars(select(CalendarDay).order_by(CalendarDay.on)).all()
    return render_template("admin/index.html", units=units, users=users, days=days)
