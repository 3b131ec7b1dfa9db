"""Measures pages: the case page's panel, measure steps, coercion plans and the coercion calendar,
days without coercion, hard cases and the steering committee, its report and the figures.

Thin views: validate the form, call one service, flash, redirect.
"""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from thads.extensions import db
from thads.forms import choices
from thads.i18n import current_locale, localized
from thads.measures import bp, coercion, committee, figures
from thads.measures import forms as f
from thads.measures import services as measures
from thads.models import Case, Unit, stat_year_of
from thads.security import id_arg
from thads.services import clock, permissions
from thads.services.errors import Conflict, InvalidInput, ServiceError
from thads.services.scope import get_case
from thads.services.stats import Period, report_unit
from thads.services.values import ValueProblem, parse_date
from thads.services.worklist import kind_labels, state_labels
from thads.web import menu_entries
from workflows.measures import (
    AGENCY_KINDS,
    COERCION_OUTCOMES,
    COST_BEARERS,
    HARD_CASE_REASONS,
    MEASURE_KINDS,
    POLICE_STATUSES,
    RECIPIENTS,
    measure_for,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def labels_of(rows) -> dict[str, str]:
    """{value: label} in the request's language from workflow data (value, label_vi, label_en)."""
    en = current_locale() == "en"
    return {v: (e if en else vi) for v, vi, e in rows}


@bp.app_template_global()
def case_measures_panel(case: Case) -> dict:
    """What the case page's measures panel shows (read-only, for a case the user may see)."""
    if not current_user.is_authenticated:
        return {"measures": [], "plans": [], "hard": None}
    from sqlalchemy import select

    from thads.models import HardCase

    hard = db.session.scalars(select(HardCase).where(HardCase.case_id == case.id, HardCase.status == "open")).first()
    return {
        "measures": measures.case_measures(case),
        "startable": bool(measures.startable_kinds(case)),
        "plans": coercion.case_plans(case.id),
        "hard": hard,
        "kind_labels": kind_labels(current_locale()),
        "plan_statuses": plan_statuses(),
        "police": labels_of(POLICE_STATUSES),
        "reasons": labels_of(HARD_CASE_REASONS),
    }


@menu_entries
def nav(user) -> list[dict]:
    """Menu entries of this slice, shown only to those who may open them."""
    items = []
    if permissions.can(user, "coercion_calendar"):
        items.append({"url": url_for("measures.calendar"), "label": _("Lịch cưỡng chế")})
    if permissions.can(user, "hard_cases"):
        items.append({"url": url_for("measures.hard_cases"), "label": _("Việc khó khăn, phức tạp")})
    return items


def plan_statuses() -> dict[str, str]:
    return {"draft": _("Dự thảo, chờ duyệt"), "approved": _("Đã duyệt"), "postponed": _("Đã hoãn"),
            "cancelled": _("Đã hủy"), "carried_out": _("Đã tổ chức cưỡng chế")}


def _errors_to(form, fields: dict[str, str], prefix: str = "") -> None:
    for name, message in fields.items():
        field = form._fields.get(prefix + name)
        if field is not None:
            field.errors = list(field.errors or []) + [message]


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _raw(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


# --------------------------------------------------------------------------- measures

@bp.route("/cases/<int:case_id>/measures/new")
@login_required
def new_measure(case_id: int):
    case = get_case(current_user, case_id)
    if not permissions.can(current_user, "measure"):
        abort(403)
    kinds = measures.startable_kinds(case)
    return render_template("measures/new.html", case=case, kinds=kinds,
                           categories={"security": _("Biện pháp bảo đảm thi hành án"),
                                       "coercive": _("Biện pháp cưỡng chế thi hành án")})


@bp.route("/cases/<int:case_id>/measures/new/<kind>", methods=["GET", "POST"])
@login_required
def start_measure(case_id: int, kind: str):
    case = get_case(current_user, case_id)
    wf = measure_for(kind, clock.today()) if kind in MEASURE_KINDS else None
    if wf is None:
        abort(404)
    spec = wf.transition("start")
    form = f.step_form(spec, case)(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        inputs = {s.name: _raw(getattr(form, "in_" + s.name).data) for s in spec.inputs}
        try:
            m = measures.start_measure(current_user, case.id, kind, on=form.on.data, inputs=inputs)
        except ServiceError as exc:
            db.session.rollback()
            _errors_to(form, exc.fields, "in_")
            _errors_to(form, exc.fields)
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã áp dụng: %(label)s.", label=localized(MEASURE_KINDS[kind])), "success")
            return redirect(url_for("measures.measure", case_id=case.id, measure_id=m.id))
    return render_template("measures/step.html", case=case, spec=spec, form=form, title=localized(MEASURE_KINDS[kind]),
                           measure=None)


@bp.route("/cases/<int:case_id>/measures/<int:measure_id>")
@login_required
def measure(case_id: int, measure_id: int):
    case = get_case(current_user, case_id)
    m = measures.get_measure(current_user, case.id, measure_id, case=case)
    view = measures.view_of(m, measures.deadlines_by_measure(case.id).get(m.id, []), case)
    wf = measure_for(m.kind, max(clock.today(), m.last_step_on)) or measure_for(m.kind, m.started_on)
    return render_template("measures/detail.html", case=case, v=view, wf=wf, kind_labels=kind_labels(current_locale()),
                           explain=_explain)


def _explain(row) -> str:
    from thads.services.queries import deadline_explanation

    return deadline_explanation(row, current_locale())


@bp.route("/cases/<int:case_id>/measures/<int:measure_id>/steps/<trigger>", methods=["GET", "POST"])
@login_required
def measure_step(case_id: int, measure_id: int, trigger: str):
    case = get_case(current_user, case_id)
    m = measures.get_measure(current_user, case.id, measure_id, case=case)
    wf = measure_for(m.kind, max(clock.today(), m.last_step_on)) or measure_for(m.kind, m.started_on)
    if trigger == "start" or not wf.has_trigger(trigger):
        abort(404)
    spec = wf.transition(trigger)
    form = f.step_form(spec, case)(request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.version.data = m.version
    if request.method == "POST" and form.validate():
        inputs = {s.name: _raw(getattr(form, "in_" + s.name).data) for s in spec.inputs}
        try:
            measures.record_step(current_user, case.id, m.id, trigger, on=form.on.data,
                                 version=_int(form.version.data), inputs=inputs)
        except ServiceError as exc:
            db.session.rollback()
            _errors_to(form, exc.fields, "in_")
            _errors_to(form, exc.fields)
            flash(exc.message, "warning" if isinstance(exc, Conflict) else "danger")
        else:
            db.session.commit()
            flash(_("Đã thực hiện: %(label)s.", label=localized(spec)), "success")
            return redirect(url_for("measures.measure", case_id=case.id, measure_id=m.id))
    return render_template("measures/step.html", case=case, spec=spec, form=form,
                           title=localized(MEASURE_KINDS[m.kind]), measure=m)


# --------------------------------------------------------------------------- coercion plans

@bp.route("/cases/<int:case_id>/coercion/new", methods=["GET", "POST"])
@login_required
def new_plan(case_id: int):
    case = get_case(current_user, case_id)
    if not permissions.can(current_user, "coercion"):
        abort(403)
    form = f.PlanForm()
    form.measure_id.choices = choices([("", "—")] + [(str(v.measure.id), f"#{v.measure.id} {localized(v, 'label')}: "
                                                       f"{v.measure.subject}") for v in measures.case_measures(case)
                                                      if v.measure.category == "coercive"])
    if request.method == "GET" and request.args.get("measure"):
        form.measure_id.data = request.args["measure"]
    if form.validate_on_submit():
        data = {k: _raw(v) for k, v in form.data.items() if k != "csrf_token"}
        try:
            plan = coercion.draft_plan(current_user, case.id, data)
        except ServiceError as exc:
            db.session.rollback()
            _errors_to(form, exc.fields)
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã lập dự thảo kế hoạch cưỡng chế; chờ Thủ trưởng duyệt."), "success")
            return redirect(url_for("measures.plan", plan_id=plan.id))
    elif request.method == "POST":
        flash(_("Thông tin chưa hợp lệ, hãy sửa các ô được đánh dấu."), "danger")
    return render_template("measures/plan_new.html", case=case, form=form)


def _plan_forms(plan):
    forms = {"approve": f.VersionForm(prefix="approve"), "dispatch": f.DispatchForm(prefix="dispatch"),
             "police": f.PoliceForm(prefix="police"), "postpone": f.PostponeForm(prefix="postpone"),
             "cancel": f.CancelForm(prefix="cancel"), "outcome": f.outcome_form()(prefix="outcome")}
    forms["approve"].version.data = plan.version
    return forms


@bp.route("/coercion/plans/<int:plan_id>")
@login_required
def plan(plan_id: int):
    p = coercion.get_plan(current_user, plan_id)
    return _render_plan(p, _plan_forms(p))


def _render_plan(p, forms, status: int = 200):
    case = get_case(current_user, p.case_id)
    sent = {d.recipient: d for d in p.dispatches}
    return render_template("measures/plan.html", p=p, case=case, forms=forms, sent=sent,
                           recipients=labels_of(RECIPIENTS), police=labels_of(POLICE_STATUSES),
                           outcomes=labels_of(COERCION_OUTCOMES), bearers=labels_of(COST_BEARERS),
                           statuses=plan_statuses(), supported=coercion.police_supported(p),
                           today=clock.today()), status


@bp.route("/coercion/plans/<int:plan_id>/<action>", methods=["POST"])
@login_required
def plan_action(plan_id: int, action: str):
    p = coercion.get_plan(current_user, plan_id)
    forms = _plan_forms(p)
    if action not in forms:
        abort(404)
    form = forms[action]
    if not form.validate_on_submit():
        flash(_("Thông tin chưa hợp lệ, hãy sửa các ô được đánh dấu."), "danger")
        return _render_plan(p, forms, 422)
    data = form.data
    try:
        if action == "approve":
            coercion.approve_plan(current_user, p.id, version=_int(data["version"]))
            message = _("Đã duyệt kế hoạch cưỡng chế.")
        elif action == "dispatch":
            done = 0
            for key, _label, _en in RECIPIENTS:
                if data[f"{key}_on"] or data[f"{key}_name"]:
                    coercion.record_dispatch(current_user, p.id, key, name=data[f"{key}_name"],
                                             sent_on=data[f"{key}_on"])
                    done += 1
            if not done:
                raise InvalidInput(_("Hãy nhập nơi nhận và ngày gửi."), fields={})
            message = _("Đã ghi nhận việc gửi kế hoạch.")
        elif action == "police":
            coercion.update_police(current_user, p.id, data["police_status"], on=data["police_on"],
                                   forces=data["police_forces"])
            message = _("Đã cập nhật việc bảo vệ của Công an.")
        elif action == "postpone":
            coercion.postpone_plan(current_user, p.id, reason=data["reason"], new_date=data["new_date"],
                                   new_start=data["new_start"])
            message = _("Đã hoãn cưỡng chế.")
        elif action == "cancel":
            coercion.cancel_plan(current_user, p.id, reason=data["reason"])
            message = _("Đã hủy kế hoạch cưỡng chế.")
        else:
            coercion.record_outcome(current_user, p.id, outcome=data["outcome"],
                                    police_intervened=data["police_intervened"], note=data["note"],
                                    actual_cost=data["actual_cost"], cost_borne_by=data["cost_borne_by"],
                                    on=data["on"])
            message = _("Đã ghi nhận kết quả cưỡng chế.")
    except ServiceError as exc:
        db.session.rollback()
        p = coercion.get_plan(current_user, plan_id)
        _errors_to(form, exc.fields, "")
        flash(exc.message, "danger")
        return _render_plan(p, forms, exc.status)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("measures.plan", plan_id=plan_id))


@bp.route("/coercion/calendar")
@login_required
def calendar():
    week = None
    if request.args.get("week"):
        try:
            week = parse_date(request.args["week"], field_label=_("Tuần"))
        except ValueProblem:
            abort(404)
    data = coercion.coercion_calendar(current_user, id_arg("unit"), week)
    units = db.session.scalars(db.select(Unit).where(Unit.path.startswith(current_user.unit.path, autoescape=True))
                               .order_by(Unit.path)).all()
    return render_template("measures/calendar.html", cal=data, units=units, police=labels_of(POLICE_STATUSES),
                           statuses=plan_statuses(), weekdays=_weekdays(), prev=_shift(data.week_start, -7),
                           next=_shift(data.week_start, 7))


def _shift(d: date, days: int) -> str:
    from datetime import timedelta

    return (d + timedelta(days=days)).isoformat()


def _weekdays() -> list[str]:
    return [_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật")]


@bp.route("/coercion/excluded-days", methods=["GET", "POST"])
@login_required
def excluded_days():
    if not permissions.can(current_user, "sign"):
        abort(403)
    form = f.ExcludedDayForm()
    if form.validate_on_submit():
        try:
            coercion.mark_excluded_day(current_user, form.on.data, form.reason.data)
        except ServiceError as exc:
            db.session.rollback()
            _errors_to(form, exc.fields)
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã xác định ngày không tổ chức cưỡng chế."), "success")
            return redirect(url_for("measures.excluded_days"))
    return render_template("measures/excluded_days.html", form=form, days=coercion.unit_excluded_days(current_user),
                           delete_form=f.VersionForm(prefix="del"))


@bp.route("/coercion/excluded-days/<int:day_id>/delete", methods=["POST"])
@login_required
def delete_excluded_day(day_id: int):
    form = f.VersionForm(prefix="del")
    if form.validate_on_submit():
        try:
            coercion.remove_excluded_day(current_user, day_id)
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã xóa ngày không tổ chức cưỡng chế."), "success")
    return redirect(url_for("measures.excluded_days"))


# --------------------------------------------------------------------------- hard cases, committee

@bp.route("/cases/<int:case_id>/hard-case", methods=["GET", "POST"])
@login_required
def mark_hard_case(case_id: int):
    case = get_case(current_user, case_id)
    if not permissions.can(current_user, "sign"):
        abort(403)
    form = f.hard_case_form()()
    if form.validate_on_submit():
        try:
            hard = committee.mark_hard_case(current_user, case.id, reason=form.reason.data, note=form.note.data,
                                            next_review_on=form.next_review_on.data)
        except ServiceError as exc:
            db.session.rollback()
            _errors_to(form, exc.fields)
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã xác định việc khó khăn, phức tạp."), "success")
            return redirect(url_for("measures.hard_case", hard_case_id=hard.id))
    return render_template("measures/hard_case_new.html", case=case, form=form)


@bp.route("/hard-cases")
@login_required
def hard_cases():
    status = request.args.get("status", "open")
    rows = committee.hard_case_list(current_user, status=status if status in ("open", "settled") else None)
    return render_template("measures/hard_cases.html", rows=rows, status=status, reasons=labels_of(HARD_CASE_REASONS))


def _hard_forms(hard):
    unit = committee.committee_unit(current_user)
    meeting_choices = choices([("", "—")] + [(str(m.id), f"{m.held_on:%d/%m/%Y} — {m.title}")
                                             for m in committee.meetings(unit)])
    task = f.TaskForm(prefix="task")
    task.agency_id.choices = choices([("", "—")] + [(str(a.id), a.name) for a in committee.agencies(unit)])
    task.meeting_id.choices = meeting_choices
    review = f.ReviewForm(prefix="review")
    review.meeting_id.choices = meeting_choices
    return {"task": task, "review": review, "settle": f.SettleForm(prefix="settle")}


@bp.route("/hard-cases/<int:hard_case_id>")
@login_required
def hard_case(hard_case_id: int):
    hard = committee.get_hard_case(current_user, hard_case_id)
    return _render_hard(hard, _hard_forms(hard))


def _render_hard(hard, forms, status: int = 200):
    case = get_case(current_user, hard.case_id)
    return render_template("measures/hard_case.html", hard=hard, case=case, forms=forms,
                           answer_form=f.AnswerForm(prefix="answer"), reasons=labels_of(HARD_CASE_REASONS),
                           today=clock.today()), status


@bp.route("/hard-cases/<int:hard_case_id>/<action>", methods=["POST"])
@login_required
def hard_case_action(hard_case_id: int, action: str):
    hard = committee.get_hard_case(current_user, hard_case_id)
    forms = _hard_forms(hard)
    if action not in forms:
        abort(404)
    form = forms[action]
    if not form.validate_on_submit():
        flash(_("Thông tin chưa hợp lệ, hãy sửa các ô được đánh dấu."), "danger")
        return _render_hard(hard, forms, 422)
    d = form.data
    try:
        if action == "task":
            committee.give_task(current_user, hard.id, agency_id=d["agency_id"], description=d["description"],
                                due_on=d["due_on"], meeting_id=d["meeting_id"])
            message = _("Đã giao nhiệm vụ.")
        elif action == "review":
            committee.add_review(current_user, hard.id, conclusion=d["conclusion"],
                                 next_review_on=d["next_review_on"], meeting_id=d["meeting_id"])
            message = _("Đã ghi nhận kết luận của Ban chỉ đạo.")
        else:
            committee.settle_hard_case(current_user, hard.id, note=d["note"])
            message = _("Đã kết luận việc đã được giải quyết.")
    except ServiceError as exc:
        db.session.rollback()
        hard = committee.get_hard_case(current_user, hard_case_id)
        _errors_to(form, exc.fields)
        flash(exc.message, "danger")
        return _render_hard(hard, forms, exc.status)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("measures.hard_case", hard_case_id=hard_case_id))


@bp.route("/committee/tasks/<int:task_id>/answer", methods=["POST"])
@login_required
def answer_task(task_id: int):
    form = f.AnswerForm(prefix="answer")
    hard_id = None
    if form.validate_on_submit():
        try:
            task = committee.answer_task(current_user, task_id, answer=form.answer.data, on=form.on.data)
            hard_id = task.hard_case_id
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã ghi nhận trả lời."), "success")
    else:
        flash(_("Hãy nhập nội dung trả lời."), "danger")
    if hard_id is None:
        from thads.models import CommitteeTask

        task = db.session.get(CommitteeTask, task_id)
        if task is None:
            abort(404)
        committee.get_hard_case(current_user, task.hard_case_id)  # scope: 404 outside it
        hard_id = task.hard_case_id
    return redirect(url_for("measures.hard_case", hard_case_id=hard_id))


@bp.route("/committee", methods=["GET", "POST"])
@login_required
def committee_page():
    if not permissions.can(current_user, "committee"):
        abort(403)
    unit = committee.committee_unit(current_user)
    agency = f.agency_form()(prefix="agency")
    meeting = f.MeetingForm(prefix="meeting")
    which = request.form.get("which")
    form = agency if which == "agency" else meeting if which == "meeting" else None
    if request.method == "POST" and form is not None and form.validate_on_submit():
        try:
            if which == "agency":
                committee.add_agency(current_user, agency.kind.data, agency.name.data)
            else:
                committee.add_meeting(current_user, held_on=meeting.held_on.data, title=meeting.title.data,
                                      chaired_by=meeting.chaired_by.data, notes=meeting.notes.data)
        except ServiceError as exc:
            db.session.rollback()
            _errors_to(form, exc.fields)
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã lưu."), "success")
            return redirect(url_for("measures.committee_page"))
    return render_template("measures/committee.html", unit=unit, agencies=committee.agencies(unit, active_only=False),
                           meetings=committee.meetings(unit), agency_form=agency, meeting_form=meeting,
                           kinds=labels_of(AGENCY_KINDS))


def _report_args():
    today = clock.today()
    try:
        year = int(request.args.get("year") or stat_year_of(today))
        quarter = int(request.args.get("quarter") or 0) or None
        as_of = parse_date(request.args["as_of"], field_label=_("Ngày số liệu")) if request.args.get("as_of") else None
    except (ValueError, ValueProblem) as exc:
        raise InvalidInput(str(exc) if isinstance(exc, ValueProblem) else _("Năm hoặc quý không hợp lệ."),
                           fields={"year": "?"}) from None
    return year, quarter, as_of


def _report_labels(report) -> dict[str, str]:
    period = (_("Quý %(q)s năm thống kê %(y)s", q=report.quarter, y=report.year) if report.quarter
              else _("Năm thống kê %(y)s", y=report.year))
    t = report.totals
    return {
        "title": _("BÁO CÁO CỦA BAN CHỈ ĐẠO THI HÀNH ÁN DÂN SỰ VỀ VIỆC KHÓ KHĂN, PHỨC TẠP"),
        "subtitle": _("%(unit)s — %(period)s (%(start)s–%(end)s), số liệu tính đến %(cutoff)s",
                      unit=report.unit.name, period=period, start=report.start.strftime("%d/%m/%Y"),
                      end=report.end.strftime("%d/%m/%Y"), cutoff=report.cutoff.strftime("%d/%m/%Y")),
        "totals": _("%(n)s việc (%(open)s đang theo dõi, %(settled)s đã giải quyết); %(owed)s nhiệm vụ chưa hoàn thành, "
                    "%(late)s quá hạn", n=t["cases"], open=t["open"], settled=t["settled"], owed=t["tasks_owed"],
                    late=t["tasks_overdue"]),
        "no": _("STT"), "case": _("Việc số"), "debtor": _("Người phải thi hành án"), "reason": _("Lý do"),
        "opened": _("Ngày xác định"), "status": _("Tình trạng"), "at_stake": _("Số tiền còn phải thi hành (đồng)"),
        "owed": _("Nhiệm vụ chưa hoàn thành"), "conclusion": _("Kết luận gần nhất"),
        "results": _("Kết quả từ cuộc họp trước"), "owed_title": _("Nhiệm vụ các cơ quan thành viên còn nợ"),
        "agency": _("Cơ quan thành viên"), "owed_count": _("Chưa hoàn thành"), "overdue_count": _("Trong đó quá hạn"),
    }


@bp.route("/committee/report")
@login_required
def committee_report():
    year, quarter, as_of = _report_args()
    report = committee.committee_report(current_user, year, quarter, as_of)
    query = {"year": year, "quarter": quarter or 0, "as_of": report.cutoff.isoformat()}
    return render_template("measures/report.html", report=report, labels=_report_labels(report), query=query,
                           reasons=labels_of(HARD_CASE_REASONS),
                           statuses={"open": _("Đang theo dõi"), "settled": _("Đã giải quyết")},
                           en=current_locale() == "en", printable=request.args.get("print") == "1")


@bp.route("/committee/report.xlsx")
@login_required
def committee_report_xlsx():
    from thads.measures.export import report_workbook

    year, quarter, as_of = _report_args()
    report = committee.committee_report(current_user, year, quarter, as_of)
    body = report_workbook(report, _report_labels(report), labels_of(HARD_CASE_REASONS),
                           {"open": _("Đang theo dõi"), "settled": _("Đã giải quyết")}, en=current_locale() == "en")
    name = f"ban-chi-dao-{report.unit.code}-{year}-{'q' + str(quarter) if quarter else 'nam'}-{report.cutoff:%Y%m%d}.xlsx"
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"})


# --------------------------------------------------------------------------- figures

def _figure_args():
    args = request.args
    today = clock.today()
    unit = report_unit(current_user, args.get("unit") or None)
    try:
        year = int(args.get("year") or stat_year_of(today))
        months = int(args.get("months") or 12)
        as_of = parse_date(args["as_of"], field_label=_("Ngày số liệu")) if args.get("as_of") else None
    except (ValueError, ValueProblem):
        raise InvalidInput(_("Năm, kỳ hoặc ngày số liệu không hợp lệ."), fields={"year": "?"}) from None
    period = Period(year, months, as_of)
    if as_of is None and period.end > today:
        period = Period(year, months, today if today >= period.start else None)
    return unit, period


@bp.route("/measures/figures")
@login_required
def figures_page():
    unit, period = _figure_args()
    data = figures.measure_figures(unit, period)
    query = {"unit": unit.code, "year": period.year, "months": period.months, "as_of": period.cutoff.isoformat()}
    return render_template("measures/figures.html", data=data, query=query,
                           headings={k: _(v[0]) for k, v in figures.FIGURES.items()})


@bp.route("/measures/figures/drill")
@login_required
def figures_drill():
    unit, period = _figure_args()
    figure = request.args.get("figure", "")
    if figure not in figures.FIGURES:
        abort(404)
    agency_id = id_arg("agency")
    rows = figures.drill(unit, period, figure, agency_id)
    query = {"unit": unit.code, "year": period.year, "months": period.months, "as_of": period.cutoff.isoformat()}
    return render_template("measures/drill.html", rows=rows, figure=figure, heading=_(figures.FIGURES[figure][0]),
                           money=figures.FIGURES[figure][1] == "money", period=period, unit=unit, query=query,
                           states=state_labels(current_locale()))
