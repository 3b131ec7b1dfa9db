"""Case pages: thin views that validate a form, call one service, flash and redirect."""
from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from thads.cases import bp
from thads.cases.forms import CaseForm
from thads.extensions import db
from thads.forms import MoneyField, VNDateField, add_transition_inputs, choices
from thads.i18n import current_locale, localized
from thads.services import clock, idempotency, lifecycle, prefill, queries
from thads.services.cases import register_case
from thads.services.deadlines import ACT_KINDS
from thads.services.errors import Conflict, InvalidInput, ServiceError
from thads.services.scope import get_case
from thads.services.worklist import kind_labels, state_labels, trigger_labels
from workflows import WORKFLOWS, workflow_for
from workflows.machine import to_mermaid
from workflows.rules import rule_for


@bp.route("/")
@login_required
def home():
    return redirect(url_for("worklist.index"))


@bp.route("/cases")
@login_required
def case_list():
    page = queries.list_cases(
        current_user, state=request.args.get("state") or None,
        q=request.args.get("q") or None, cursor=request.args.get("cursor") or None,
    )
    return render_template("cases/list.html", page=page, states=state_labels(current_locale()), args=request.args)


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new_case():
    # ?prefill=<token>: the judgment reader's findings (thads.services.prefill), shown for checking.
    prefilled = prefill.load(current_user, "case", request.args.get("prefill")) if request.method == "GET" else None
    form = CaseForm(data=prefilled) if prefilled else CaseForm()
    problems: dict[str, str] = {}
    if request.method == "GET":
        form.submission_key.data = uuid.uuid4().hex
        if prefilled:
            flash(_("Phiếu đã được điền sẵn từ bản án; hãy kiểm tra từng ô trước khi thụ lý."), "info")
    if form.validate_on_submit():
        try:
            # One case per opened form: a double click or a resubmitted page finds the key taken.
            key = form.submission_key.data
            claimed = idempotency.claim(current_user, "form:" + idempotency.check_key(key, "submission_key"),
                                        method="POST", path=request.path, digest="registration-form") if key else None
            if isinstance(claimed, idempotency.Replay):
                db.session.rollback()
                first = get_case(current_user, claimed.case_id)
                flash(_("Hồ sơ này đã được thụ lý (việc số %(n)s); lần gửi lặp lại không tạo hồ sơ mới.",
                        n=first.display_number), "info")
                return redirect(url_for("cases.case_detail", case_id=first.id))
            case = register_case(current_user, form.to_input())
            if claimed is not None:
                idempotency.record(claimed, status=201, case_id=case.id)
        except InvalidInput as exc:
            db.session.rollback()
            problems = exc.fields
            _attach_errors(form, exc.fields)
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã thụ lý việc số %(n)s.", n=case.display_number), "success")
            return redirect(url_for("cases.case_detail", case_id=case.id))
    elif request.method == "POST":
        flash(_("Thông tin hồ sơ chưa hợp lệ, hãy sửa các ô được đánh dấu."), "danger")
    return render_template("cases/new.html", form=form, problems=problems)


@bp.route("/cases/<int:case_id>")
@login_required
def case_detail(case_id: int):
    case = get_case(current_user, case_id)
    locale = current_locale()
    view = queries.case_view(current_user, case, locale=locale)
    act_form = ActForm(version=case.version)
    return render_template("cases/detail.html", case=case, view=view, states=state_labels(current_locale()),
                           event_label=event_label, kind_labels=kind_labels(locale), act_form=act_form,
                           act_kinds=ACT_KINDS)


@bp.route("/cases/<int:case_id>/acts/<kind>", methods=["POST"])
@login_required
def act(case_id: int, kind: str):
    """Record an act that meets a deadline (case file opened, decision sent to the procuracy)."""
    case = get_case(current_user, case_id)
    form = ActForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
        return redirect(url_for("cases.case_detail", case_id=case.id))
    try:
        lifecycle.record_act(current_user, case.id, kind, on=form.on.data, version=_int(form.version.data))
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("Đã ghi nhận: %(label)s.", label=kind_labels(current_locale()).get(kind, kind)), "success")
    return redirect(url_for("cases.case_detail", case_id=case.id))


class ActForm(FlaskForm):
    on = VNDateField(_l("Ngày thực hiện"), validators=[Optional()])
    version = HiddenField()


@bp.route("/cases/<int:case_id>/transitions/<trigger>", methods=["GET", "POST"])
@login_required
def transition(case_id: int, trigger: str):
    case = get_case(current_user, case_id)
    wf = workflow_for(max(clock.today(), case.last_event_on))
    names = {t.trigger for t in wf.transitions}
    if trigger not in names:
        abort(404)
    spec = wf.transition(trigger)
    form = transition_form(spec, case)(request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.version.data = case.version
        form.seen_seq.data = queries.last_seq(case.id)
    changes = []
    if request.method == "POST" and form.validate():
        inputs = {s.name: _raw(getattr(form, "in_" + s.name).data) for s in spec.inputs}
        try:
            lifecycle.apply_transition(
                current_user, case.id, trigger, on=form.on.data, version=_int(form.version.data),
                inputs=inputs,
            )
        except Conflict as exc:
            db.session.rollback()
            flash(exc.message, "warning")
            case, changes = _stale(form, case_id)
        except InvalidInput as exc:
            db.session.rollback()
            _attach_errors(form, {("in_" + k if k not in ("on", "version") else k): v for k, v in exc.fields.items()})
            flash(exc.message, "danger")
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã thực hiện: %(label)s.", label=localized(spec)), "success")
            return redirect(url_for("cases.case_detail", case_id=case.id))
    return render_template("cases/transition.html", case=case, spec=spec, form=form, changes=changes,
                           event_label=event_label, states=state_labels(current_locale()))


@bp.route("/cases/<int:case_id>/payments", methods=["GET", "POST"])
@login_required
def payment(case_id: int):
    case = get_case(current_user, case_id)
    form = PaymentForm()
    if request.method == "GET":
        form.version.data = case.version
        form.seen_seq.data = queries.last_seq(case.id)
    changes = []
    if form.validate_on_submit():
        try:
            lifecycle.record_payment(
                current_user, case.id, amount=form.amount.data, on=form.on.data,
                receipt_number=form.receipt_number.data, kind=form.kind.data,
                version=_int(form.version.data),
            )
        except Conflict as exc:
            db.session.rollback()
            flash(exc.message, "warning")
            case, changes = _stale(form, case_id)
        except InvalidInput as exc:
            db.session.rollback()
            _attach_errors(form, exc.fields)
            flash(exc.message, "danger")
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã ghi nhận khoản tiền."), "success")
            return redirect(url_for("cases.case_detail", case_id=case.id))
    return render_template("cases/payment.html", case=case, form=form, changes=changes, event_label=event_label,
                           states=state_labels(current_locale()))


@bp.route("/workflow")
@login_required
def workflow_diagram():
    wf_id = request.args.get("id")
    wf = WORKFLOWS.get(wf_id) or workflow_for(clock.today())
    rules = []
    for law_day in (wf_law_day(wf),):
        for kind in queries.DEADLINE_KINDS:
            try:
                r = rule_for(kind, law_day)
            except KeyError:
                continue
            rules.append(r)
    return render_template("cases/workflow.html", wf=wf, mermaid=to_mermaid(wf, language=current_locale()), rules=rules,
                           workflows=WORKFLOWS)


def wf_law_day(wf):
    from datetime import date

    return date(2026, 7, 1) if "2025" in wf.id else date(2026, 6, 30)


def _stale(form, case_id: int):
    """After a conflict: the case as it is now and the events the person has not seen; the form
    keeps what was typed and now carries the current version (the stale-form page)."""
    case = get_case(current_user, case_id)
    seen = _int(form.seen_seq.data) or 0
    changes = queries.events_after(case.id, seen if 0 <= seen <= 2**31 - 1 else 0)
    form.version.data = case.version
    form.seen_seq.data = queries.last_seq(case.id)
    return case, changes


class PaymentForm(FlaskForm):
    kind = SelectField(_l("Loại"), choices=choices([("collection", _l("Thu tiền")), ("payout", _l("Chi trả")),
                                                    ("reduction", _l("Miễn, giảm"))]))
    amount = MoneyField(_l("Số tiền (đồng)"), validators=[DataRequired(_l("Hãy nhập số tiền."))])
    on = VNDateField(_l("Ngày"), validators=[DataRequired(_l("Hãy nhập ngày."))])
    receipt_number = StringField(_l("Số biên lai / chứng từ"),
                                 validators=[Optional(), Length(max=lifecycle.RECEIPT_MAX)])
    version = HiddenField()
    seen_seq = HiddenField()


def transition_form(spec, case):
    """A WTForms class generated from the transition's declared inputs (labels in the
    request's language: the class is built per request)."""
    locale = current_locale()

    class F(FlaskForm):
        on = VNDateField(_("Ngày thực hiện"), validators=[Optional()])
        version = HiddenField()
        seen_seq = HiddenField()

    return add_transition_inputs(F, spec, case, locale)


# Names of the events that are not workflow transitions (those take the transition's label).
EVENT_LABELS = {
    "registered": _l("Thụ lý"), "reassigned": _l("Thay đổi chấp hành viên"), "proposal": _l("Đề xuất"),
    "collection": _l("Thu tiền"), "payout": _l("Chi trả"), "reduction": _l("Miễn, giảm"),
    "obligation_done": _l("Đã thi hành nghĩa vụ không phải tiền"),
    # Issue 11 (their details are on the measure, plan and hard-case pages).
    "measure": _l("Biện pháp bảo đảm, cưỡng chế"), "coercion": _l("Kế hoạch cưỡng chế"),
    "hard_case": _l("Việc khó khăn, phức tạp"), "committee": _l("Ban chỉ đạo thi hành án dân sự"),
    "plan_drafted": _l("Lập kế hoạch cưỡng chế"), "plan_approved": _l("Duyệt kế hoạch cưỡng chế"),
    "plan_sent": _l("Gửi kế hoạch cưỡng chế"), "police_requested": _l("Đề nghị Công an bảo vệ cưỡng chế"),
    "police_plan_received": _l("Nhận kế hoạch bảo vệ của Công an"),
    "police_forces_confirmed": _l("Công an xác nhận lực lượng bảo vệ"), "plan_postponed": _l("Hoãn cưỡng chế"),
    "plan_cancelled": _l("Hủy kế hoạch cưỡng chế"), "plan_outcome": _l("Kết quả cưỡng chế"),
    "task_given": _l("Ban chỉ đạo giao nhiệm vụ"), "task_answered": _l("Cơ quan thành viên trả lời nhiệm vụ"),
    "concluded": _l("Kết luận của Ban chỉ đạo"),
}


def _act_label(event) -> str | None:
    return kind_labels(current_locale()).get(event.trigger) if event.kind == "act" else None


def event_label(event) -> str:
    """A person's name for an event of the timeline, in the request's language."""
    if event.kind == "transition":
        return trigger_labels(current_locale()).get(event.trigger, event.trigger)
    return str(_act_label(event) or EVENT_LABELS.get(event.trigger) or EVENT_LABELS.get(event.kind) or event.kind)


def _raw(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _int(value):
    """A hidden field's whole number (a version compared as it is: any other number is stale)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _attach_errors(form, fields: dict[str, str]) -> None:
    """Show service-level messages on the simple fields they name (lists show them on top)."""
    for name, message in fields.items():
        field = form._fields.get(name)
        if field is not None and not hasattr(field, "entries"):
            field.errors = list(field.errors or []) + [message]


