"""Moving a case through its procedure: transitions and payments, one transaction each.

``apply_transition`` is the architecture's six steps: load with the version counter and check
scope and role; validate inputs; fire the trigger on the shared ``transitions`` machine (guards
run there); append the hash-chained event; close and open deadlines; flush (the caller commits).
"""
from __future__ import annotations

import functools
from datetime import date

from sqlalchemy.orm.exc import StaleDataError

from thads.extensions import db
from thads.models import Case, Payment, User
from thads.models.cases import PAYMENT_METHODS
from thads.models.users import SIGNING_ROLES
from thads.services import audit, clock
from thads.services import deadlines as dl
from thads.services.errors import Conflict, Forbidden, InvalidInput, InvalidTransition
from thads.services.permissions import roles_for
from thads.services.scope import get_case
from thads.services.values import ValueProblem, clean_text, parse_date, parse_money
from workflows import WORKFLOWS, CaseContext, law_for, workflow_for
from workflows import machine as wm

# Roles that may perform an officer's step; the head and deputy may do anything an officer may.
OFFICER_ROLES = roles_for("officer_step")
PAYMENT_ROLES = roles_for("pay")
RECEIPT_MAX = Payment.__table__.c.receipt_number.type.length
# No money moves before the enforcement decision or after the case has ended.
NO_PAYMENT_STATES = ("received", "refused", "terminated", "completed", "entrusted", "sent_back")


def conflict_on_stale(fn):
    """A lost race on the case's version counter (SQLAlchemy's ``StaleDataError``, raised at any
    flush of the transaction) is the same conflict as a stale form: 409, never a 500."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except StaleDataError:
            db.session.rollback()
            raise Conflict("Hồ sơ vừa được người khác cập nhật. Hãy tải lại và thực hiện lại.") from None

    return wrapper


def context_for(case: Case, on: date) -> CaseContext:
    """What the workflow's guards may look at for ``case`` on ``on`` (workflows.definition)."""
    return CaseContext(
        state=case.state, kind=case.kind, interim=case.interim, previous_state=case.previous_state,
        money_remaining=case.remaining, nonmoney_pending=case.nonmoney_pending,
        not_enforceable_since=case.not_enforceable_since, on=on,
    )


def role_allows(user: User, role: str) -> bool:
    if role == "head":
        return user.has_role(*SIGNING_ROLES)
    return user.has_role(*OFFICER_ROLES)


def available_transitions(user: User | None, case: Case, on: date | None = None) -> list:
    """The transitions whose source and guards allow them now (role is shown, not filtered)."""
    on = on or clock.today()
    wf = workflow_for(max(on, case.last_event_on))
    return wm.CaseMachine.for_workflow(wf).available(context_for(case, on))


def check_event_date(case: Case, raw_on, today: date) -> date:
    if raw_on in (None, ""):
        on = today
    else:
        try:
            on = parse_date(raw_on, not_after=today, field_label="Ngày thực hiện")
        except ValueProblem as exc:
            raise InvalidInput(str(exc), fields={"on": str(exc)}) from None
    if on < case.last_event_on:
        msg = (f"Ngày thực hiện không được trước ngày của bước trước "
               f"({case.last_event_on.strftime('%d/%m/%Y')}).")
        raise InvalidInput(msg, fields={"on": msg})
    return on


def check_version(case: Case, version) -> None:
    if version is None:
        return
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidInput("Phiên bản hồ sơ không hợp lệ.", fields={"version": "Phải là số nguyên."})
    if version != case.version:
        raise Conflict(
            "Hồ sơ đã được người khác cập nhật sau khi bạn mở. Hãy xem lại thay đổi rồi thực hiện lại.",
            current_version=case.version, state=case.state,
        )


@conflict_on_stale
def apply_transition(actor: User, case_id: int, trigger: str, *, on=None, version=None,
                     inputs: dict | None = None, today: date | None = None, imported: dict | None = None) -> Case:
    """Take ``trigger`` on the case (the six steps above). ``imported`` (an import of an existing
    register, ``thads.intake``) records a step taken before the system was used: the importing
    administrator records it instead of the role the step needs, and the event's inputs carry
    the mark (``{"imported": True, "source": …}``)."""
    today = today or clock.today()
    _check_import(actor, imported)
    case = get_case(actor, case_id, for_update=True)
    check_version(case, version)
    on = check_event_date(case, on, today)
    wf = workflow_for(on)
    transition = wf.transition(trigger) if trigger in {t.trigger for t in wf.transitions} else None
    if transition is None:
        raise InvalidTransition(f"Không có thao tác '{trigger}' trong quy trình.", reason="unknown_trigger")
    if not isinstance(inputs or {}, dict):
        raise InvalidInput("Dữ liệu nhập phải là một đối tượng.", fields={"inputs": "Phải là đối tượng JSON."})
    clean, errors = wm.validate_inputs(transition, inputs or {}, on=on)
    if errors:
        raise InvalidInput("Thông tin nhập chưa hợp lệ.", fields=errors)
    if imported is None and not role_allows(actor, transition.required_role(clean)):
        raise Forbidden("Thao tác này thuộc thẩm quyền của Thủ trưởng cơ quan thi hành án.")
    officer = None
    if "officer" in clean and clean["officer"] is not None:
        officer = _resolve_officer(case, clean["officer"])
        clean["officer"] = officer.username

    ctx = context_for(case, on)
    machine = wm.CaseMachine.for_workflow(wf)
    try:
        new_state = machine.fire(ctx, trigger, clean)
    except wm.InvalidTransition as exc:
        raise InvalidTransition(exc.message_vi, reason=exc.code) from None

    from_state = case.state
    if new_state in ("postponed", "suspended"):
        case.previous_state = from_state
    elif trigger == "resume":
        case.previous_state = None
    case.state = new_state
    case.law = law_for(on)
    case.workflow = wf.id
    case.last_event_on = on
    if officer is not None:
        case.officer = officer
    if trigger == "decide":
        case.decision_number = clean.get("decision_number")
        case.decided_on = on
    # The two-year clock of "not enforceable" (send back / separate register) starts at the
    # first finding and survives re-verification and a postponement; any other state ends it.
    if new_state == "not_enforceable":
        case.not_enforceable_since = case.not_enforceable_since or on
    elif new_state not in ("postponed", "suspended"):
        case.not_enforceable_since = None
    if wf.state(new_state).final:
        case.closed_on = on

    event = audit.append_event(
        case, actor, "transition", on, trigger=trigger, from_state=from_state, to_state=new_state,
        inputs={**clean, **(imported or {})}, legal_basis=transition.legal_basis,
    )
    dl.close(case, transition.closes, event)
    if transition.cancels_open or wf.state(new_state).final:
        dl.cancel_open(case, event)
    dl.open_for_transition(case, wf, transition, ctx, clean, event, new_state)
    dl.refresh_next_due(case)
    db.session.flush()
    return case


@conflict_on_stale
def record_payment(actor: User, case_id: int, *, amount, on=None, receipt_number: str | None = None,
                   kind: str = "collection", method: str | None = None, payee: int | None = None,
                   version=None, today: date | None = None, imported: dict | None = None) -> Payment:
    """Record money collected (thu), paid out (chi) or reduced (giảm) on a case.

    ``method`` says how the money moved (``PAYMENT_METHODS``; none for a reduction); ``payee``
    is the id of the creditor of this case who received a payout."""
    today = today or clock.today()
    _check_import(actor, imported)
    if imported is None and not actor.has_role(*PAYMENT_ROLES):
        raise Forbidden("Bạn không có quyền ghi nhận thu, chi tiền thi hành án.")
    case = get_case(actor, case_id, for_update=True)
    check_version(case, version)
    if kind not in ("collection", "payout", "reduction"):
        raise InvalidInput("Loại khoản tiền không hợp lệ.", fields={"kind": "collection, payout hoặc reduction."})
    try:
        value = parse_money(amount)
    except ValueProblem as exc:
        raise InvalidInput(str(exc), fields={"amount": str(exc)}) from None
    if value <= 0:
        raise InvalidInput("Số tiền phải lớn hơn 0.", fields={"amount": "Phải lớn hơn 0."})
    on = check_event_date(case, on, today)
    if case.state in NO_PAYMENT_STATES:
        raise InvalidTransition("Không thể ghi nhận tiền cho việc ở trạng thái này.", reason="wrong_state")
    if kind in ("collection", "reduction") and value > case.remaining:
        msg = f"Số tiền vượt quá số còn phải thi hành ({case.remaining:,} đồng).".replace(",", ".")
        raise InvalidInput(msg, fields={"amount": msg})
    if kind == "payout" and value > case.collected - case.paid_out:
        msg = f"Số tiền chi vượt quá số đã thu chưa chi ({case.collected - case.paid_out:,} đồng).".replace(",", ".")
        raise InvalidInput(msg, fields={"amount": msg})

    if method in ("", None):
        method = None
    elif kind == "reduction" or method not in PAYMENT_METHODS:
        msg = ("Miễn, giảm không có hình thức thu, chi." if kind == "reduction"
               else "Hình thức không hợp lệ (" + ", ".join(PAYMENT_METHODS) + ").")
        raise InvalidInput(msg, fields={"method": msg})
    payee_party = None
    if payee not in (None, ""):
        if kind != "payout":
            msg = "Chỉ khoản chi trả mới có người nhận."
            raise InvalidInput(msg, fields={"payee": msg})
        payee_party = next((p for p in case.parties if p.id == payee and p.role == "creditor"), None)
        if payee_party is None:
            msg = "Người nhận phải là người được thi hành án của việc này."
            raise InvalidInput(msg, fields={"payee": msg})
    if receipt_number not in (None, ""):
        try:
            receipt_number = clean_text(receipt_number, max_length=RECEIPT_MAX)
        except ValueProblem as exc:
            raise InvalidInput(str(exc), fields={"receipt_number": str(exc)}) from None
    payment = Payment(case_id=case.id, kind=kind, amount=value, on=on, method=method,
                      payee_party_id=payee_party.id if payee_party else None,
                      receipt_number=(receipt_number or None), recorded_by_id=actor.id)
    db.session.add(payment)
    if kind == "collection":
        case.collected += value
    elif kind == "reduction":
        case.reduced += value
    else:
        case.paid_out += value
    case.last_event_on = on
    event = audit.append_event(
        case, actor, "payment", on, trigger=kind, from_state=case.state, to_state=case.state,
        inputs={"amount": value, "kind": kind, "receipt_number": receipt_number, "method": method,
                "payee": ({"party_id": payee_party.id, "name": payee_party.name} if payee_party else None),
                **(imported or {})},
        amount_delta=value,
    )
    if kind == "collection":
        dl.open_deadline(case, "payout", on, event)
    elif kind == "payout" and case.paid_out >= case.collected:
        dl.close(case, ["payout"], event)
    dl.refresh_next_due(case)
    db.session.flush()
    return payment


@conflict_on_stale
def record_act(actor: User, case_id: int, kind: str, *, on=None, version=None,
               today: date | None = None, imported: dict | None = None) -> Case:
    """Record an act that meets a deadline without changing the case's state: the case file
    was opened (ND62 Art 8 / D152 Art 12), the decision was sent to the procuracy (Art 38)."""
    today = today or clock.today()
    _check_import(actor, imported)
    if imported is None and not actor.has_role(*roles_for("act")):
        raise Forbidden("Bạn không có quyền ghi nhận việc này.")
    case = get_case(actor, case_id, for_update=True)
    check_version(case, version)
    if kind not in dl.ACT_KINDS:
        raise InvalidInput("Loại việc không hợp lệ.", fields={"kind": f"Một trong: {', '.join(dl.ACT_KINDS)}."})
    on = check_event_date(case, on, today)
    rows = dl.open_rows(case, [kind])
    if not rows:
        raise InvalidTransition("Không có thời hạn đang mở cho việc này.", reason="no_open_deadline")
    case.last_event_on = on
    event = audit.append_event(case, actor, "act", on, trigger=kind, from_state=case.state, to_state=case.state,
                               inputs={"kind": kind, **(imported or {})}, legal_basis=rows[0].legal_basis)
    dl.close(case, [kind], event)
    dl.refresh_next_due(case)
    db.session.flush()
    return case


@conflict_on_stale
def mark_obligation_done(actor: User, case_id: int, obligation_id: int, *, on=None, version=None,
                         today: date | None = None, imported: dict | None = None) -> Case:
    """Record that a non-money obligation (hand over a house, return an object…) was carried out."""
    today = today or clock.today()
    _check_import(actor, imported)
    if imported is None and not actor.has_role(*OFFICER_ROLES):
        raise Forbidden("Bạn không có quyền cập nhật kết quả thi hành nghĩa vụ.")
    case = get_case(actor, case_id, for_update=True)
    check_version(case, version)
    on = check_event_date(case, on, today)
    obligation = next((o for o in case.obligations if o.id == obligation_id), None)
    if obligation is None or obligation.amount is not None:
        raise InvalidInput("Không có nghĩa vụ không phải tiền này trong hồ sơ.", fields={"obligation": "Không hợp lệ."})
    if obligation.done:
        raise InvalidTransition("Nghĩa vụ này đã được ghi nhận là đã thi hành.", reason="already_done")
    obligation.done = True
    from thads.services.cases import refresh_money

    refresh_money(case)
    case.last_event_on = on
    audit.append_event(case, actor, "edited", on, trigger="obligation_done", from_state=case.state,
                       to_state=case.state, inputs={"obligation_id": obligation.id,
                                                    "description": obligation.description,
                                                    **(imported or {})})
    db.session.flush()
    return case


def _check_import(actor: User, imported: dict | None) -> None:
    """Only an administrator's import records steps on others' behalf (``permissions`` "import")."""
    from thads.services.permissions import can

    if imported is not None and not can(actor, "import"):
        raise Forbidden("Chỉ quản trị viên mới được nhập lịch sử hồ sơ từ sổ thụ lý.")


def _resolve_officer(case: Case, username: str | int) -> User:
    from thads.services.cases import _officer_in_unit

    if isinstance(username, int):
        # workflows.machine.validate_inputs turns an "officer" input into a numeric user id.
        user = db.session.get(User, username)
        username = user.username if user is not None else ""
    return _officer_in_unit(username, case.unit)


__all__ = ["apply_transition", "available_transitions", "record_payment", "WORKFLOWS"]
