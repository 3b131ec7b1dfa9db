"""Enforcement measures on a case: start one, record its steps, read them (issue 11).

A measure is a small sub-procedure (``workflows.measures``) run on the shared ``transitions``
machine, exactly as ``lifecycle.apply_transition`` runs the procedure, in one transaction:
lock the case (the event chain is per case), check role, state and inputs, fire the step,
append the hash-chained case event, record the step, close / cancel / open the measure's own
deadline rows (``deadline.measure_id``), and for a step that brings money in record it in the
case's ledger through ``lifecycle.record_payment`` (which opens the payout deadline). Services
flush; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from thads.extensions import db
from thads.models import Case, Deadline, Measure, MeasureStep, User
from thads.services import audit, clock, lifecycle
from thads.services import deadlines as dl
from thads.services.errors import Conflict, Forbidden, InvalidInput, InvalidTransition, NotFound
from thads.services.permissions import roles_for
from thads.services.scope import get_case
from workflows import machine as wm
from workflows.measures import (
    MEASURE_KINDS,
    NEW,
    PAYMENT_STEPS,
    MeasureContext,
    distribute,
    kinds_on,
    measure_for,
)
from workflows.planning import plan_transition
from workflows.rules import PARTY_ACTORS, law_for, rule_for

MEASURE_ROLES = roles_for("measure")
SIGN_ROLES = roles_for("sign")
# The start input that names what a measure bears on (shown in lists).
SUBJECT_INPUTS = ("asset", "holder", "items", "person", "bank", "payer", "what", "act")
SUBJECT_MAX = Measure.__table__.c.subject.type.length


def _allowed(actor: User) -> None:
    if not actor.has_role(*MEASURE_ROLES):
        raise Forbidden("Bạn không có quyền áp dụng biện pháp thi hành án.")


def _enforcing(case: Case) -> None:
    if case.state != "enforcing":
        raise InvalidTransition("Chỉ áp dụng biện pháp bảo đảm, cưỡng chế khi việc thi hành án đang ở trạng thái "
                                "«Có điều kiện thi hành».", reason="wrong_state")


def context_for(measure: Measure | None, on: date) -> MeasureContext:
    if measure is None:
        return MeasureContext(state=NEW, on=on)
    return MeasureContext(state=measure.state, on=on, asset_class=measure.asset_class,
                          current_price=measure.current_price, revaluations=measure.revaluations,
                          failed_auctions=measure.failed_auctions)


def get_measure(user: User, case_id: int, measure_id: int, *, case: Case | None = None) -> Measure:
    """The measure if it belongs to a case ``user`` may see (else NotFound, like a missing one)."""
    case = case or get_case(user, case_id)
    measure = db.session.get(Measure, measure_id) if isinstance(measure_id, int) and 0 < measure_id < 2**31 else None
    if measure is None or measure.case_id != case.id:
        raise NotFound("Không tìm thấy biện pháp thi hành án.")
    return measure


def start_measure(actor: User, case_id: int, kind: str, *, on=None, inputs: dict | None = None,
                  today: date | None = None) -> Measure:
    """Apply a new measure of ``kind`` to an enforcing case (its start decision)."""
    if kind not in MEASURE_KINDS:
        raise InvalidInput("Loại biện pháp không hợp lệ.", fields={"kind": "Không có loại biện pháp này."})
    return _step(actor, case_id, None, kind, MEASURE_KINDS[kind].start_trigger, on=on, inputs=inputs, today=today)


def record_step(actor: User, case_id: int, measure_id: int, trigger: str, *, on=None, version=None,
                inputs: dict | None = None, today: date | None = None) -> Measure:
    """Record the next step of a measure (``version``: the measure as the person saw it)."""
    return _step(actor, case_id, measure_id, None, trigger, on=on, version=version, inputs=inputs, today=today)


@lifecycle.conflict_on_stale
def _step(actor: User, case_id: int, measure_id: int | None, kind: str | None, trigger: str, *, on=None,
          version=None, inputs: dict | None = None, today: date | None = None) -> Measure:
    today = today or clock.today()
    _allowed(actor)
    case = get_case(actor, case_id, for_update=True)
    measure = None
    if measure_id is not None:
        measure = get_measure(actor, case_id, measure_id, case=case)
        kind = measure.kind
        if version is not None:
            if isinstance(version, bool) or not isinstance(version, int):
                raise InvalidInput("Phiên bản không hợp lệ.", fields={"version": "Phải là số nguyên."})
            if version != measure.version:
                raise Conflict("Biện pháp đã được người khác cập nhật. Hãy tải lại và thực hiện lại.",
                               current_version=measure.version, state=measure.state)
    _enforcing(case)
    on = lifecycle.check_event_date(case, on, today)
    wf = measure_for(kind, on)
    if wf is None:
        raise InvalidTransition(f"Biện pháp này không được áp dụng theo luật có hiệu lực ngày {on:%d/%m/%Y}.",
                                reason="not_under_this_law")
    if not wf.has_trigger(trigger) or (measure is not None and trigger == MEASURE_KINDS[kind].start_trigger):
        raise InvalidTransition("Không có bước này trong biện pháp.", reason="unknown_trigger")
    transition = wf.transition(trigger)
    if not isinstance(inputs or {}, dict):
        raise InvalidInput("Dữ liệu nhập phải là một đối tượng.", fields={"inputs": "Phải là đối tượng JSON."})
    clean, errors = wm.validate_inputs(transition, inputs or {}, on=on)
    if errors:
        raise InvalidInput("Thông tin nhập chưa hợp lệ.", fields=errors)
    if transition.required_role(clean) == "head" and not actor.has_role(*SIGN_ROLES):
        raise Forbidden("Bước này thuộc thẩm quyền của Thủ trưởng cơ quan thi hành án.")

    ctx = context_for(measure, on)
    from_state = ctx.state
    try:
        wm.CaseMachine.for_workflow(wf).fire(ctx, trigger, clean)
    except wm.InvalidTransition as exc:
        if exc.code == "wrong_state":
            label = wf.state(from_state).label_vi if from_state in wf.state_names() else from_state
            raise InvalidTransition(f"Không thể «{transition.label_vi}» khi biện pháp đang ở bước «{label}».",
                                    reason="wrong_state") from None
        raise InvalidTransition(exc.message_vi, reason=exc.code) from None

    if measure is None:
        measure = Measure(case_id=case.id, unit_id=case.unit_id, kind=kind, category=MEASURE_KINDS[kind].category,
                          state=ctx.state, law=wf.law, workflow=wf.id, started_on=on, last_step_on=on,
                          started_by_id=actor.id, subject=_subject(clean))
        db.session.add(measure)
        db.session.flush()
    _apply_effects(measure, trigger, clean)
    measure.state, measure.law, measure.workflow, measure.last_step_on = ctx.state, wf.law, wf.id, on
    if wf.state(ctx.state).final:
        measure.closed_on = on

    payment_step = (kind, trigger) in PAYMENT_STEPS
    if payment_step:
        # Art 47: who the money goes to, in the order of the obligations' ranks.
        shares = distribute(clean["amount"], [(o.id, o.rank, o.amount) for o in case.obligations if o.is_money],
                            already=case.collected + case.reduced)
        clean["distribution"] = [{"obligation_id": s.obligation_id, "rank": s.rank, "amount": s.amount}
                                 for s in shares]
    case.last_event_on = on
    event = audit.append_event(
        case, actor, "measure", on, trigger=trigger, from_state=case.state, to_state=case.state,
        inputs={"measure_id": measure.id, "measure": kind, "from": from_state, "to": ctx.state, **clean},
        legal_basis=transition.legal_basis,
    )
    db.session.add(MeasureStep(measure_id=measure.id, case_id=case.id, event_id=event.id, trigger=trigger, on=on,
                               from_state=from_state, to_state=ctx.state, inputs=audit._jsonable(clean),
                               legal_basis=transition.legal_basis, actor_id=actor.id))
    close_rows(measure, transition.closes, event)
    if transition.cancels_open:
        cancel_rows(measure, event)
    for planned in plan_transition(wf, transition, ctx, clean, on, dl.calendar()):
        row = dl.store(case, planned, event)
        row.measure_id = measure.id
    dl.refresh_next_due(case)
    db.session.flush()
    if payment_step:
        lifecycle.record_payment(actor, case.id, amount=clean["amount"], on=on,
                                 receipt_number=clean.get("receipt_number"), kind="collection", today=today)
        measure.proceeds += clean["amount"]
        db.session.flush()
    return measure


def _subject(clean: dict) -> str:
    for name in SUBJECT_INPUTS:
        if clean.get(name):
            return str(clean[name])[:SUBJECT_MAX]
    return ""


def _apply_effects(measure: Measure, trigger: str, clean: dict) -> None:
    """What a step changes on the measure besides its state (data the next guards read)."""
    if trigger == "start":
        measure.asset_class = clean.get("asset_class")
        measure.held_by = clean.get("held_by") or None
        if clean.get("price_basis") == "agreed":
            measure.current_price = clean.get("agreed_price")
    elif trigger == "valuation_result":
        measure.current_price = clean["price"]
    elif trigger == "revaluation":
        measure.revaluations += 1
    elif trigger == "auction_failed":
        measure.failed_auctions += 1
    elif trigger == "reduce_price":
        measure.current_price = clean["new_price"]
    elif trigger == "sold":
        measure.sold_price = clean["price"]


def open_rows(measure: Measure, kinds=None) -> list[Deadline]:
    stmt = select(Deadline).where(Deadline.measure_id == measure.id, Deadline.status == "open")
    if kinds is not None:
        stmt = stmt.where(Deadline.kind.in_(list(kinds)))
    return list(db.session.scalars(stmt))


def close_rows(measure: Measure, kinds, event) -> None:
    """Close this measure's open deadlines of ``kinds``: met when acted on by the due date, else
    missed (a parties' window is met whenever the agency acts after it)."""
    for row in open_rows(measure, kinds):
        parties = rule_for(row.kind, row.basis_on, row.variant).actor in PARTY_ACTORS
        row.status = "met" if parties or event.on <= row.due_on else "missed"
        row.closed_on = event.on
        row.closed_by_event_id = event.id


def cancel_rows(measure: Measure, event) -> None:
    """Cancel every open deadline of this measure (re-valuation asked, seizure released)."""
    for row in open_rows(measure):
        row.status = "cancelled"
        row.closed_on = event.on
        row.closed_by_event_id = event.id


# --------------------------------------------------------------------------- reading

@dataclass
class MeasureView:
    """A measure as the case page and the API show it."""

    measure: Measure
    label_vi: str
    label_en: str
    state_vi: str
    state_en: str
    steps: list[MeasureStep]
    deadlines: list[Deadline]
    next_deadline: Deadline | None
    available: list  # Transitions that can be taken now (role shown, not filtered)


def measures_of(case_id: int) -> list[Measure]:
    return list(db.session.scalars(select(Measure).where(Measure.case_id == case_id).order_by(Measure.id)))


def deadlines_by_measure(case_id: int) -> dict[int, list[Deadline]]:
    out: dict[int, list[Deadline]] = {}
    for row in db.session.scalars(select(Deadline).where(Deadline.case_id == case_id, Deadline.measure_id.is_not(None))
                                  .order_by(Deadline.due_on, Deadline.id)):
        out.setdefault(row.measure_id, []).append(row)
    return out


def view_of(measure: Measure, deadlines: list[Deadline], case: Case, on: date | None = None) -> MeasureView:
    on = on or max(clock.today(), measure.last_step_on)
    wf = measure_for(measure.kind, on) or measure_for(measure.kind, measure.last_step_on)
    mk = MEASURE_KINDS[measure.kind]
    state = wf.state(measure.state)
    available = []
    if case.state == "enforcing" and not state.final:
        machine = wm.CaseMachine.for_workflow(wf)
        available = machine.available(context_for(measure, on))
    open_rows_ = [d for d in deadlines if d.status == "open"]
    return MeasureView(measure=measure, label_vi=mk.label_vi, label_en=mk.label_en, state_vi=state.label_vi,
                       state_en=state.label_en, steps=list(measure.steps), deadlines=deadlines,
                       next_deadline=min(open_rows_, key=lambda d: (d.due_on, d.id)) if open_rows_ else None,
                       available=available)


def case_measures(case: Case, on: date | None = None) -> list[MeasureView]:
    """Every measure of ``case`` with its steps, deadlines and the steps it can take next."""
    by_measure = deadlines_by_measure(case.id)
    return [view_of(m, by_measure.get(m.id, []), case, on) for m in measures_of(case.id)]


def startable_kinds(case: Case, on: date | None = None) -> list:
    """Measure kinds that can be started on the case today (none unless it is enforcing)."""
    if case.state != "enforcing":
        return []
    return kinds_on(on or clock.today())


def law_of_day(on: date) -> str:
    return law_for(on)
