"""Notification pages: thin views over ``thads.services.inbox``.

The list is grouped by case, each notification one short line with links to its case(s); the
email's full text (with its raw links) is for email only.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from thads.display import PROPOSAL_STATUSES, REMINDER_STEPS, RESOLUTIONS, label
from thads.extensions import db
from thads.i18n import current_locale, format_date
from thads.notifications import bp
from thads.notifications.forms import ActionForm, PreferenceForm, SnoozeForm
from thads.security import id_arg, safe_next
from thads.services import inbox
from thads.services.errors import InvalidInput
from thads.services.worklist import kind_labels, state_labels, trigger_labels


def line(entry: inbox.Entry) -> str:
    """The notification in one short sentence, built from what it is about (not its email)."""
    n = entry.n
    locale = current_locale()
    if n.step in ("upcoming", "due", "overdue", "escalated"):
        kind = kind_labels(locale).get(entry.deadline_kind or "", "")
        text = f"{label(REMINDER_STEPS, n.step)}: {kind}" if kind else label(REMINDER_STEPS, n.step)
        if n.due_on:
            text += " — " + _("hạn %(d)s", d=format_date(n.due_on))
        if n.step == "escalated" and entry.case is not None:
            who = entry.case.officer.full_name if entry.case.officer else _("chưa phân công")
            text += " · " + _("chấp hành viên: %(name)s", name=who)
        return text
    if n.step == "proposal" and entry.proposal is not None:
        p = entry.proposal
        what = trigger_labels(locale).get(p.trigger, "")
        if n.user_id != p.proposed_by_id:
            return _("Đề xuất chờ duyệt: %(what)s — %(name)s", what=what, name=p.proposed_by.full_name)
        if p.status == "returned":
            return _("Đề xuất bị trả lại: %(what)s — %(comment)s", what=what, comment=(p.comment or "")[:120])
        if p.status == "approved":
            return _("Đề xuất đã được duyệt: %(what)s", what=what)
        return _("Đề xuất: %(what)s — %(status)s", what=what, status=label(PROPOSAL_STATUSES, p.status))
    if n.step == "assigned":
        count = len(entry.cases) or 1
        return _("Bạn được giao %(n)s việc", n=count) if count > 1 else _("Bạn được giao việc này")
    if n.step == "digest":
        return _("Tổng hợp thời hạn: %(n)s việc", n=len(entry.cases)) if entry.cases else _("Tổng hợp thời hạn")
    return n.subject.removeprefix("[THADS] ")


@bp.route("/")
@login_required
def index():
    show_all = request.args.get("all") == "1"
    groups = inbox.user_inbox(current_user, include_snoozed=show_all)
    locale = current_locale()
    return render_template(
        "notifications/index.html", groups=groups, show_all=show_all, action_form=ActionForm(),
        snooze_form=SnoozeForm(), pref_form=PreferenceForm(email_enabled=current_user.email_enabled),
        line=line, resolutions=RESOLUTIONS, label=label, states=state_labels(locale),
    )


@bp.post("/<int:notification_id>/ack")
@login_required
def acknowledge(notification_id: int):
    if ActionForm().validate_on_submit():
        inbox.acknowledge(current_user, notification_id)
        db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("notifications.index")))


@bp.post("/ack-all")
@login_required
def acknowledge_all():
    if ActionForm().validate_on_submit():
        case_id = id_arg("case")
        count = inbox.acknowledge(current_user, case_id=case_id)
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
        row = inbox.snooze(current_user, notification_id, form.until.data)
    except InvalidInput as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("Thông báo sẽ hiện lại ngày %(d)s.", d=format_date(row.snoozed_until)), "success")
    return redirect(url_for("notifications.index"))


@bp.post("/preferences")
@login_required
def preferences():
    form = PreferenceForm()
    if form.validate_on_submit():
        inbox.set_email_enabled(current_user, form.email_enabled.data)
        db.session.commit()
        flash(_("Đã bật nhận thư điện tử.") if form.email_enabled.data else _("Đã tắt nhận thư điện tử."),
              "success")
    return redirect(url_for("notifications.index"))
