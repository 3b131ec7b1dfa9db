"""Supervision pages: the board, reassignment (preview then apply), proposals and their decision."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from thads.display import describe_inputs, event_label, reminder_step_labels
from thads.extensions import db
from thads.forms import choices
from thads.i18n import localized, select_locale
from thads.models import Case, User
from thads.security import id_arg
from thads.services import assignment, clock, proposals, queries
from thads.services import supervision as svc
from thads.services.errors import Conflict, InvalidInput, ServiceError
from thads.services.permissions import can
from thads.services.scope import get_case
from thads.services.worklist import kind_labels, state_labels, trigger_labels
from thads.supervision import bp
from thads.supervision.chart import bar_chart
from thads.supervision.forms import ApproveForm, ReassignForm, ReturnForm, proposal_form
from workflows import law_for
from workflows.rules import LAW_LABELS


@bp.app_template_global()
def case_supervision(case: Case) -> dict:
    """What the case page shows about proposals and reassignment (read-only, in scope)."""
    if not current_user.is_authenticated:
        return {"proposable": [], "proposals": [], "can_reassign": False}
    can_sign = current_user.has_role("head", "deputy")
    return {
        "proposable": [] if can_sign else proposals.proposable(current_user, case),
        "proposals": proposals.case_proposals(case.id),
        "can_reassign": assignment.can_reassign(current_user),
    }


@bp.route("/")
@login_required
def board():
    unit_id = id_arg("unit")
    officer_id = id_arg("officer")
    data = svc.board(current_user, unit_id)
    # An officer outside the viewer's scope answers 404 like a missing one (no names of others).
    officer = svc.officer_in_scope(current_user, officer_id) if officer_id else None
    overdue = svc.deadline_list(current_user, data.unit.id, which="overdue", officer_id=officer_id,
                                cursor=request.args.get("cursor") or None)
    at_risk = svc.deadline_list(current_user, data.unit.id, which="at_risk", officer_id=officer_id, limit=20)
    if data.offices:
        items = [(o.unit.name, o.overdue_deadlines, url_for("supervision.board", unit=o.unit.id))
                 for o in data.offices]
        title = _("Số thời hạn quá hạn theo đơn vị")
    else:
        items = [(o.officer.full_name if o.officer else _("Chưa phân công"), o.overdue_deadlines,
                  url_for("supervision.board", unit=data.unit.id, officer=o.officer.id) + "#overdue"
                  if o.officer else None) for o in data.officers]
        title = _("Số thời hạn quá hạn theo chấp hành viên")
    chart = bar_chart(items, title=title, empty=_("Không có thời hạn quá hạn."))
    locale = select_locale()
    ancestors = []
    u = data.unit
    while u is not None and u.path.startswith(current_user.unit.path):
        ancestors.insert(0, u)
        u = u.parent
    return render_template(
        "supervision/board.html", board=data, overdue=overdue, at_risk=at_risk, chart=chart,
        chart_title=title, kinds=kind_labels(locale), states=state_labels(locale), ancestors=ancestors,
        triggers=trigger_labels(locale),
        officer=officer, can_reassign=assignment.can_reassign(current_user),
        can_sign=current_user.has_role("head", "deputy"),
    )


@bp.route("/reassign", methods=["GET", "POST"])
@login_required
def reassign():
    if not assignment.can_reassign(current_user):
        abort(403)
    form = ReassignForm()
    source = request.form if request.method == "POST" else request.args
    case_ids = _ids(source.getlist("case"))
    from_officer = (source.get("from_officer") or "").strip() or None
    unit = None
    if case_ids:
        unit = get_case(current_user, case_ids[0]).unit
    elif from_officer:
        user = db.session.query(User).filter_by(username=from_officer).first()
        if user is None or not user.unit.path.startswith(current_user.unit.path):
            abort(404)
        unit = user.unit
    else:
        flash(_("Hãy chọn việc cần chuyển trên bảng theo dõi."), "warning")
        return redirect(url_for("supervision.board"))
    form.to_officer.choices = choices([("", _("— chọn —"))] + [(u.username, u.full_name) for u in svc.unit_officers(unit)])
    plan, action = None, request.form.get("action")
    if request.method == "POST" and action in ("preview", "apply") and form.validate():
        # Confirming applies exactly the preview: its officer and its cases at their versions.
        versions = _versions(request.form.getlist("version")) if action == "apply" else None
        previewed_to = (request.form.get("previewed_to") or "") if action == "apply" else None
        try:
            plan = assignment.reassign(
                current_user, to_officer=form.to_officer.data, case_ids=case_ids or None,
                from_officer=None if case_ids else from_officer, dry_run=action != "apply",
                reason=form.reason.data or "", versions=versions, previewed_to=previewed_to,
            )
        except Conflict as exc:
            db.session.rollback()
            flash(exc.message, "warning")
            plan = assignment.reassign(current_user, to_officer=form.to_officer.data, case_ids=case_ids or None,
                                       from_officer=None if case_ids else from_officer, dry_run=True)
            action = "preview"
        except InvalidInput as exc:
            db.session.rollback()
            for name, message in exc.fields.items():
                if hasattr(form, name):
                    getattr(form, name).errors = list(getattr(form, name).errors) + [message]
            flash(exc.message, "danger")
        else:
            if action == "apply":
                db.session.commit()
                flash(_("Đã chuyển %(n)s việc cho %(name)s.", n=len(plan.items), name=plan.to_officer.full_name),
                      "success")
                return redirect(url_for("supervision.board", unit=unit.id))
    elif request.method == "POST" and action in ("preview", "apply"):
        flash(_("Hãy chọn chấp hành viên nhận."), "danger")
    locale = select_locale()
    cases = [get_case(current_user, cid) for cid in case_ids] if plan is None else []
    return render_template("supervision/reassign.html", form=form, plan=plan, case_ids=case_ids,
                           from_officer=from_officer, cases=cases, unit=unit, kinds=kind_labels(locale),
                           states=state_labels(locale), steps=reminder_step_labels())


@bp.route("/cases/<int:case_id>/propose/<trigger>", methods=["GET", "POST"])
@login_required
def propose(case_id: int, trigger: str):
    case = get_case(current_user, case_id)
    try:
        spec = proposals.transition_spec(case, trigger)
    except ServiceError:
        abort(404)
    if not can(current_user, "propose"):
        abort(403)  # before anything is typed
    form = proposal_form(spec, case)()
    if request.method == "GET":
        form.version.data = case.version
    if form.validate_on_submit():
        inputs = {s.name: _raw(getattr(form, "in_" + s.name).data) for s in spec.inputs}
        try:
            proposal = proposals.propose(current_user, case.id, trigger, inputs=inputs, note=form.note.data or "",
                                         version=_int(form.version.data))
        except Conflict as exc:
            db.session.rollback()
            flash(exc.message, "warning")
            case = get_case(current_user, case_id)
            form.version.data = case.version
        except InvalidInput as exc:
            db.session.rollback()
            for name, message in exc.fields.items():
                field = getattr(form, "in_" + name, None) or getattr(form, name, None)
                if field is not None:
                    field.errors = list(field.errors) + [message]
            flash(exc.message, "danger")
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã gửi đề xuất “%(label)s” lên Thủ trưởng.", label=localized(spec)), "success")
            return redirect(url_for("supervision.proposal", proposal_id=proposal.id))
    elif request.method == "POST":
        flash(_("Thông tin đề xuất chưa hợp lệ, hãy sửa các ô được đánh dấu."), "danger")
    return render_template("supervision/propose.html", case=case, spec=spec, form=form,
                           states=state_labels(select_locale()), law=_law_today(case))


@bp.route("/proposals/<int:proposal_id>")
@login_required
def proposal(proposal_id: int):
    p = proposals.get_proposal(current_user, proposal_id)
    case = get_case(current_user, p.case_id)
    spec = proposals.transition_spec(case, p.trigger)
    changed = [e for e in queries.events_of(case.id) if e.created_at > p.created_at and e.kind != "proposal"] \
        if p.status == "pending" else []
    officer_ids = [v for s, v in ((s, (p.inputs or {}).get(s.name)) for s in spec.inputs)
                   if s.type == "officer" and isinstance(v, int)]
    officers = {u.id: u.full_name for u in db.session.scalars(select(User).where(User.id.in_(officer_ids)))} \
        if officer_ids else {}
    return render_template("supervision/proposal.html", p=p, case=case, spec=spec, changed=changed,
                           inputs=describe_inputs(spec, p.inputs, officers), event_label=event_label,
                           approve_form=ApproveForm(), return_form=ReturnForm(), law=_law_today(case),
                           can_sign=current_user.has_role("head", "deputy"), states=state_labels(select_locale()))


def _law_today(case: Case) -> dict:
    """The law the labels come from: the one governing the step if it is taken today."""
    on = max(clock.today(), case.last_event_on)
    vi, en = LAW_LABELS[law_for(on)]
    return {"label": en if select_locale() == "en" else vi, "on": on}


@bp.route("/proposals/<int:proposal_id>/approve", methods=["POST"])
@login_required
def approve(proposal_id: int):
    form = ApproveForm()
    if not form.validate():
        flash(_("Ngày quyết định không hợp lệ."), "danger")
        return redirect(url_for("supervision.proposal", proposal_id=proposal_id))
    try:
        p = proposals.approve(current_user, proposal_id, on=form.on.data)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("supervision.proposal", proposal_id=proposal_id))
    db.session.commit()
    flash(_("Đã duyệt đề xuất."), "success")
    return redirect(url_for("cases.case_detail", case_id=p.case_id))


@bp.route("/proposals/<int:proposal_id>/return", methods=["POST"])
@login_required
def return_(proposal_id: int):
    form = ReturnForm()
    if not form.validate():
        flash(_("Hãy ghi lý do trả lại."), "danger")
        return redirect(url_for("supervision.proposal", proposal_id=proposal_id))
    try:
        proposals.return_proposal(current_user, proposal_id, comment=form.comment.data)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("supervision.proposal", proposal_id=proposal_id))
    db.session.commit()
    flash(_("Đã trả lại đề xuất cho chấp hành viên."), "info")
    return redirect(url_for("supervision.board"))


def _ids(values) -> list[int]:
    out = []
    for v in values:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            abort(404)
    return list(dict.fromkeys(out))


def _versions(values) -> dict[int, int]:
    out = {}
    for v in values:
        try:
            cid, ver = v.split(":")
            out[int(cid)] = int(ver)
        except ValueError:
            abort(400)
    return out


def _raw(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
