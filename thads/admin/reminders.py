"""Administration: notifications whose delivery failed after every retry (the database is the
record — dramatiq's own dead letters expire after 7 days)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from thads.admin import bp
from thads.admin.views import admin_required
from thads.extensions import db
from thads.security import reauth_required
from thads.services import clock, reminders
from thads.services.errors import NotFound


@bp.route("/reminders/failed")
@admin_required
def failed_reminders():
    rows = reminders.failed_notifications()
    return render_template("admin/reminders_failed.html", rows=rows, form=FlaskForm(), tz=clock.TZ)


@bp.post("/reminders/<int:notification_id>/retry")
@admin_required
@reauth_required
def retry_reminder(notification_id: int):
    if FlaskForm().validate_on_submit():
        try:
            reminders.retry_failed(notification_id)
        except NotFound as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Thông báo #%(n)s sẽ được gửi lại ở lần quét tới.", n=notification_id), "success")
    return redirect(url_for("admin.failed_reminders"))
