"""Notification pages: thin views over ``thads.services.reminders``."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from thads.extensions import db
from thads.notifications import bp
from thads.notifications.forms import ActionForm, PreferenceForm, SnoozeForm
from thads.security import safe_next
from thads.services import clock, reminders
from thads.services.errors import InvalidInput


@bp.route("/")
@login_required
def index():
    show_all = request.args.get("all") == "1"
    items = reminders.user_notifications(current_user, include_snoozed=show_all)
    return render_template(
        "notifications/index.html", items=items, show_all=show_all, action_form=ActionForm(),
        snooze_form=SnoozeForm(), pref_form=PreferenceForm(email_enabled=current_user.email_enabled), tz=clock.TZ,
    )


@bp.post("/<int:notification_id>/ack")
@login_required
def acknowledge(notification_id: int):
    if ActionForm().validate_on_submit():
        reminders.acknowledge(current_user, notification_id)
        db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("notifications.index")))


@bp.post("/ack-all")
@login_required
def acknowledge_all():
    if ActionForm().validate_on_submit():
        count = reminders.acknowledge(current_user)
        db.session.commit()
        flash(_("Đã đánh dấu %(n)s thông báo là đã đọc.", n=count), "success")
    return redirect(url_for("notifications.index"))


@bp.post("/<int:notification_id>/snooze")
@login_required
def snooze(notification_id: int):
    form = SnoozeForm()
    if not form.validate_on_submit():
        flash(_("Ngày nhắc lại không hợp lệ."), "danger")
        return redirect(url_for("notifications.index"))
    try:
        row = reminders.snooze(current_user, notification_id, form.until.data)
    except InvalidInput as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("Thông báo sẽ hiện lại ngày %(d)s.", d=row.snoozed_until.strftime("%d/%m/%Y")), "success")
    return redirect(url_for("notifications.index"))


@bp.post("/preferences")
@login_required
def preferences():
    form = PreferenceForm()
    if form.validate_on_submit():
        reminders.set_email_enabled(current_user, form.email_enabled.data)
        db.session.commit()
        flash(_("Đã bật nhận thư điện tử.") if form.email_enabled.data else _("Đã tắt nhận thư điện tử."),
              "success")
    return redirect(url_for("notifications.index"))
