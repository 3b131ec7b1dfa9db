"""Case pages: thin views that validate a form, call one service, flash and redirect.

A form is offered only to those whose roles allow its action (``permissions.can``): the button is
hidden from the others and the form answers 403 to them on GET, before anything is typed.
"""
from __future__ import annotations

import uuid
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Optional

from thads.cases import bp
from thads.cases.forms import CaseForm, ObligationEditForm, PartyEditForm, PaymentForm
from thads.display import (
    CASE_KINDS,
    PARTY_ROLES,
    PAYMENT_KINDS,
    PAYMENT_METHODS,
    RANKS,
    event_detail,
    event_label,
    label,
)
from thads.extensions import db
from thads.forms import VNDateField, add_transition_inputs
from thads.i18n import current_locale, format_money, localized
from thads.models.cases import FINAL_STATES
from thads.services import case_edits, clock, idempotency, lifecycle, prefill, queries
from thads.services.cases import courts_used, register_case
from thads.services.deadlines import ACT_KINDS
from thads.services.errors import Conflict, Forbidden, InvalidInput, ServiceError
from thads.services.permissions import can
from thads.services.scope import get_case
from thads.services.values import ValueProblem, parse_date
from thads.services.worklist import kind_labels, state_labels, trigger_labels
from workflows import WORKFLOWS, workflow_for
from workflows.machine import to_mermaid
from workflows.rules import CHANGEOVER, LAW_LABELS, rule_for


def _require(action: str) -> None:
    if not can(current_user, action):
        abort(403)


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
    _require("register")
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
            # The corrected form is a new submission. (On SQLite the refused one's key may
            # survive the rollback: pysqlite commits a SAVEPOINT opened outside a transaction.)
            form.submission_key.data = uuid.uuid4().hex
        else:
            db.session.commit()
            flash(_("Đã thụ lý việc số %(n)s.", n=case.display_number), "success")
            return redirect(url_for("cases.case_detail", case_id=case.id))
    elif request.method == "POST":
        flash(_("Thông tin hồ sơ chưa hợp lệ, hãy sửa các ô được đánh dấu."), "danger")
    return render_template("cases/new.html", form=form, problems=problems, courts=courts_used(current_user),
                           max_parties=form.parties.max_entries, max_obligations=form.obligations.max_entries)


def _actions(case, view) -> dict:
    """What the signed-in person may do on this case now (each shown only when allowed)."""
    user = current_user
    open_case = case.state not in FINAL_STATES
    return {
        # The head's decisions are buttons for those who sign; officers propose them instead.
        "transitions": [t for t in view["transitions"] if lifecycle.role_allows(user, t.role)],
        "pay": can(user, "pay") and case.state not in lifecycle.NO_PAYMENT_STATES,
        "edit": can(user, "edit_case") and open_case,
        "act": can(user, "act") and open_case,
        "obligation_done": can(user, "officer_step") and open_case,
    }


@bp.route("/cases/<int:case_id>")
@login_required
def case_detail(case_id: int):
    case = get_case(current_user, case_id)
    locale = current_locale()
    view = queries.case_view(current_user, case, locale=locale)
    act_form = ActForm(version=case.version)
    return render_template("cases/detail.html", case=case, view=view, states=state_labels(locale),
                           event_label=event_label, event_detail=event_detail, kind_labels=kind_labels(locale),
                           act_form=act_form, act_kinds=ACT_KINDS, actions=_actions(case, view),
                           triggers=trigger_labels(locale), roles=PARTY_ROLES, ranks=RANKS,
                           payment_kinds=PAYMENT_KINDS, methods=PAYMENT_METHODS, label=label)


@bp.route("/cases/<int:case_id>/print")
@login_required
def case_print(case_id: int):
    """The case summary sheet (tóm tắt hồ sơ) for paper: its own page, not the screen's."""
    case = get_case(current_user, case_id)
    locale = current_locale()
    view = queries.case_view(current_user, case, locale=locale)
    return render_template("cases/print.html", case=case, view=view, states=state_labels(locale),
                           kind_labels=kind_labels(locale), roles=PARTY_ROLES, ranks=RANKS, kinds_case=CASE_KINDS,
                           payment_kinds=PAYMENT_KINDS, methods=PAYMENT_METHODS, label=label,
                           event_label=event_label, event_detail=event_detail, today=clock.today(),
                           law_label=_law_label(case.law))


@bp.route("/cases/<int:case_id>/acts/<kind>", methods=["POST"])
@login_required
def act(case_id: int, kind: str):
    """Record an act that meets a deadline (case file opened, decision sent to the procuracy)."""
    case = get_case(current_user, case_id)
    _require("act")
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


def _law_label(law: str) -> str:
    vi, en = LAW_LABELS[law]
    return en if current_locale() == "en" else vi


def _step_date(raw, case) -> date:
    """The date whose law governs the step: the one typed (when it reads as a date), else today;
    never before the case's latest step (the service refuses those anyway)."""
    on = None
    if raw:
        try:
            on = parse_date(raw)
        except ValueProblem:
            on = None
    return max(on or clock.today(), case.last_event_on)


@bp.route("/cases/<int:case_id>/transitions/<trigger>", methods=["GET", "POST"])
@login_required
def transition(case_id: int, trigger: str):
    case = get_case(current_user, case_id)
    posted = request.method == "POST"
    step_on = _step_date(request.form.get("on") if posted else request.args.get("on"), case)
    wf = workflow_for(step_on)
    if not wf.has_trigger(trigger):
        # The step exists only under the other law (send back: from 01/07/2026).
        if not any(w.has_trigger(trigger) for w in WORKFLOWS.values()):
            abort(404)
        if not posted:
            abort(404)
        flash(_("Thao tác này không có trong %(law)s, luật áp dụng cho ngày %(d)s.",
                law=_law_label(wf.law), d=step_on.strftime("%d/%m/%Y")), "danger")
        step_on = max(clock.today(), case.last_event_on)
        wf = workflow_for(step_on)
        if not wf.has_trigger(trigger):
            abort(404)
        posted = False
    spec = wf.transition(trigger)
    if not lifecycle.role_allows(current_user, spec.role):
        # Refused on opening, before anything is typed; an officer proposes the head's decisions.
        raise Forbidden(_("Thao tác này thuộc thẩm quyền của Thủ trưởng cơ quan thi hành án. Chấp hành viên "
                          "lập đề xuất bằng nút “Đề xuất” trên trang hồ sơ.") if spec.role == "head"
                        else _("Bạn không có quyền thực hiện thao tác này."))
    form = transition_form(spec, case)(request.form if posted else None)
    if not posted:
        form.version.data = case.version
        form.seen_seq.data = queries.last_seq(case.id)
        form.on.data = step_on
    changes = []
    law_changed = posted and form.law.data and form.law.data != wf.law
    if law_changed:
        # The labels and the legal basis the person read were another law's: show this law's
        # and ask again rather than record a step under a text they did not see.
        flash(_("Ngày thực hiện %(d)s thuộc %(law)s: căn cứ pháp lý và nội dung biểu mẫu đã được cập nhật "
                "theo luật này. Hãy kiểm tra rồi xác nhận lại.", d=step_on.strftime("%d/%m/%Y"),
                law=_law_label(wf.law)), "warning")
    elif posted and form.validate():
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
            unplaced = _attach_errors(form, {("in_" + k if k not in ("on", "version") else k): v
                                             for k, v in exc.fields.items()})
            flash(exc.message if unplaced else _("Chưa thực hiện được: hãy sửa các ô được đánh dấu."), "danger")
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã thực hiện: %(label)s.", label=localized(spec)), "success")
            return redirect(url_for("cases.case_detail", case_id=case.id))
    form.law.data = wf.law
    return render_template("cases/transition.html", case=case, spec=spec, form=form, changes=changes,
                           event_label=event_label, states=state_labels(current_locale()),
                           law=_law_note(wf.law, step_on), closes=_closes(case, spec))


def _law_note(law: str, on: date) -> dict:
    return {"label": _law_label(law), "on": on, "new": law == "law_2025", "changeover": CHANGEOVER}


def _closes(case, spec) -> list[dict]:
    """The open deadlines this step meets, each with the law of its own starting date."""
    rows = [d for d in queries.deadlines_of(case.id) if d.status == "open" and d.kind in spec.closes]
    labels = kind_labels(current_locale())
    return [{"row": d, "label": labels.get(d.kind, "—"), "law": _law_label(d.law),
             "basis": rule_for(d.kind, d.basis_on, d.variant)} for d in rows]


@bp.route("/cases/<int:case_id>/payments", methods=["GET", "POST"])
@login_required
def payment(case_id: int):
    case = get_case(current_user, case_id)
    _require("pay")
    form = PaymentForm()
    form.set_creditors(case.creditors)
    if request.method == "GET":
        form.version.data = case.version
        form.seen_seq.data = queries.last_seq(case.id)
        form.on.data = clock.today()
    changes = []
    if form.validate_on_submit():
        try:
            row = lifecycle.record_payment(
                current_user, case.id, amount=form.amount.data, on=form.on.data,
                receipt_number=form.receipt_number.data, kind=form.kind.data,
                method=form.method.data or None, payee=_int(form.payee.data),
                version=_int(form.version.data),
            )
        except Conflict as exc:
            db.session.rollback()
            flash(exc.message, "warning")
            case, changes = _stale(form, case_id)
        except InvalidInput as exc:
            db.session.rollback()
            # The message shows once: beside its field when it names one, else at the top.
            if _attach_errors(form, exc.fields):
                flash(exc.message, "danger")
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            what = label(PAYMENT_KINDS, row.kind)
            if row.receipt_number:
                flash(_("Đã ghi nhận: %(what)s %(amount)s, biên lai / chứng từ số %(receipt)s.", what=what,
                        amount=format_money(row.amount), receipt=row.receipt_number), "success")
            else:
                flash(_("Đã ghi nhận: %(what)s %(amount)s.", what=what, amount=format_money(row.amount)), "success")
            return redirect(url_for("cases.case_detail", case_id=case.id) + "#ledger")
    elif request.method == "POST" and not changes:
        flash(_("Chưa ghi nhận được: hãy sửa các ô được đánh dấu."), "danger")
    return render_template("cases/payment.html", case=case, form=form, changes=changes, event_label=event_label,
                           states=state_labels(current_locale()), unpaid=case.collected - case.paid_out)


# -- corrections after intake ----------------------------------------------------------------


def _party_form(party=None, formdata=None):
    """One party's form on the corrections page (``formdata`` None: filled from the row)."""
    return PartyEditForm(formdata=formdata, prefix=f"p{party.id}" if party is not None else "new", obj=party)


def _obligation_form(obligation=None, formdata=None):
    prefix = f"o{obligation.id}" if obligation is not None else "new"
    form = ObligationEditForm(formdata=formdata, prefix=prefix, obj=obligation)
    if formdata is None and obligation is not None:
        form.rank.data = str(obligation.rank)
    return form


def _edit_page(case, *, party_forms=None, obligation_forms=None, status=200):
    """The page listing every party and obligation as a small form of its own (plus one to add)."""
    party_forms = party_forms or {}
    obligation_forms = obligation_forms or {}
    parties = [(p, party_forms.get(p.id) or _party_form(p)) for p in case.parties]
    obligations = [(o, obligation_forms.get(o.id) or _obligation_form(o)) for o in case.obligations]
    new_party = party_forms.get("new") or _party_form()
    new_obligation = obligation_forms.get("new") or _obligation_form()
    for _row, f in [*parties, *obligations, (None, new_party), (None, new_obligation)]:
        f.version.data = case.version
    return render_template("cases/edit.html", case=case, parties=parties, obligations=obligations,
                           new_party=new_party, new_obligation=new_obligation, states=state_labels(current_locale()),
                           roles=PARTY_ROLES, label=label), status


@bp.route("/cases/<int:case_id>/edit")
@login_required
def edit_case(case_id: int):
    case = get_case(current_user, case_id)
    _require("edit_case")
    if case.state in FINAL_STATES:
        flash(_("Việc đã kết thúc; không sửa đương sự, nghĩa vụ được nữa."), "warning")
        return redirect(url_for("cases.case_detail", case_id=case.id))
    return _edit_page(case)


def _apply_edit(case, form, key, kind: str, call, done_message: str):
    """Validate ``form``, call the service, commit and go back; on a refusal show the page again
    with the typed values and the messages beside their fields."""
    forms = {key: form}
    if form.validate_on_submit():
        try:
            call(_int(form.version.data))
        except Conflict as exc:
            db.session.rollback()
            flash(exc.message, "warning")
            return redirect(url_for("cases.edit_case", case_id=case.id))
        except InvalidInput as exc:
            db.session.rollback()
            if _attach_errors(form, exc.fields):
                flash(exc.message, "danger")
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(done_message, "success")
            return redirect(url_for("cases.edit_case", case_id=case.id) + f"#{kind}")
    case = get_case(current_user, case.id)
    return _edit_page(case, **({"party_forms": forms} if kind == "parties" else {"obligation_forms": forms}),
                      status=422)


@bp.route("/cases/<int:case_id>/parties", methods=["POST"])
@login_required
def add_party(case_id: int):
    case = get_case(current_user, case_id)
    _require("edit_case")
    form = _party_form(formdata=request.form)
    return _apply_edit(case, form, "new", "parties",
                       lambda v: case_edits.add_party(current_user, case.id, form.to_input(), version=v),
                       _("Đã thêm đương sự."))


@bp.route("/cases/<int:case_id>/parties/<int:party_id>", methods=["POST"])
@login_required
def edit_party(case_id: int, party_id: int):
    case = get_case(current_user, case_id)
    _require("edit_case")
    party = next((p for p in case.parties if p.id == party_id), None) or abort(404)
    if request.form.get("action") == "remove":
        form = VersionOnly(prefix=f"p{party.id}")
        if form.validate_on_submit():
            try:
                case_edits.remove_party(current_user, case.id, party.id, version=_int(form.version.data))
            except ServiceError as exc:
                db.session.rollback()
                flash(exc.message, "danger")
            else:
                db.session.commit()
                flash(_("Đã xóa đương sự khỏi hồ sơ."), "success")
        return redirect(url_for("cases.edit_case", case_id=case.id) + "#parties")
    form = _party_form(party, formdata=request.form)
    return _apply_edit(case, form, party.id, "parties",
                       lambda v: case_edits.edit_party(current_user, case.id, party.id, form.to_input(), version=v),
                       _("Đã lưu thông tin đương sự."))


@bp.route("/cases/<int:case_id>/obligations", methods=["POST"])
@login_required
def add_obligation(case_id: int):
    case = get_case(current_user, case_id)
    _require("edit_case")
    form = _obligation_form(formdata=request.form)
    return _apply_edit(case, form, "new", "obligations",
                       lambda v: case_edits.add_obligation(current_user, case.id, form.to_input(), version=v),
                       _("Đã thêm nghĩa vụ."))


@bp.route("/cases/<int:case_id>/obligations/<int:obligation_id>", methods=["POST"])
@login_required
def edit_obligation(case_id: int, obligation_id: int):
    case = get_case(current_user, case_id)
    _require("edit_case")
    obligation = next((o for o in case.obligations if o.id == obligation_id), None) or abort(404)
    form = _obligation_form(obligation, formdata=request.form)
    return _apply_edit(case, form, obligation.id, "obligations",
                       lambda v: case_edits.edit_obligation(current_user, case.id, obligation.id, form.to_input(),
                                                            version=v),
                       _("Đã lưu nghĩa vụ."))


@bp.route("/cases/<int:case_id>/obligations/<int:obligation_id>/done", methods=["POST"])
@login_required
def obligation_done(case_id: int, obligation_id: int):
    """A non-money obligation was carried out (hand over a house, return an object…)."""
    case = get_case(current_user, case_id)
    _require("officer_step")
    form = VersionOnly()
    if form.validate_on_submit():
        try:
            lifecycle.mark_obligation_done(current_user, case.id, obligation_id, version=_int(form.version.data))
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã ghi nhận nghĩa vụ đã được thi hành."), "success")
    return redirect(url_for("cases.case_detail", case_id=case.id))


class VersionOnly(FlaskForm):
    version = HiddenField()


# -- the workflow page -------------------------------------------------------------------------


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


def transition_form(spec, case):
    """A WTForms class generated from the transition's declared inputs (labels in the
    request's language: the class is built per request)."""
    locale = current_locale()

    class F(FlaskForm):
        on = VNDateField(_("Ngày thực hiện"), validators=[Optional()],
                         description=_("Ngày của bước này; luật áp dụng được chọn theo ngày này."))
        version = HiddenField()
        seen_seq = HiddenField()
        law = HiddenField()  # the law whose labels the person read

    return add_transition_inputs(F, spec, case, locale)


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


def _attach_errors(form, fields: dict[str, str]) -> dict[str, str]:
    """Show service-level messages on the simple fields they name (lists show them on top);
    returns the messages that found no field (the caller shows those at the top)."""
    unplaced = {}
    for name, message in fields.items():
        field = form._fields.get(name)
        if field is not None and not hasattr(field, "entries"):
            if message not in field.errors:
                field.errors = list(field.errors or []) + [message]
        else:
            unplaced[name] = message
    return unplaced

