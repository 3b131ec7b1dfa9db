"""JSON shapes of the API (the OpenAPI document describes the same)."""
from __future__ import annotations

from thads.measures.services import case_measures
from thads.models import Case, User
from thads.services import queries


def case_json(case: Case, *, user: User | None = None, brief: bool = False) -> dict:
    body = {
        "id": case.id, "number": case.display_number, "unit": case.unit.code, "kind": case.kind,
        "state": case.state, "version": case.version, "law": case.law, "workflow": case.workflow,
        "officer": case.officer.username if case.officer else None,
        "received_on": case.received_on.isoformat(),
        "money": {"amount_total": case.amount_total, "collected": case.collected,
                  "paid_out": case.paid_out, "reduced": case.reduced, "remaining": case.remaining},
    }
    if brief:
        return body
    from thads.services.lifecycle import available_transitions

    body.update(
        judgment={"court": case.court, "number": case.judgment_number,
                  "date": case.judgment_date.isoformat(),
                  "effective_on": case.judgment_effective_on.isoformat() if case.judgment_effective_on else None},
        interim=case.interim, priority=case.priority, decision_number=case.decision_number,
        parties=[{"id": p.id, "role": p.role, "kind": p.kind, "name": p.name, "id_number": p.id_number,
                  "address": p.address} for p in case.parties],
        obligations=[{"id": o.id, "description": o.description, "amount": o.amount, "rank": o.rank, "done": o.done}
                     for o in case.obligations],
        payments=[{"id": p.id, "kind": p.kind, "amount": p.amount, "on": p.on.isoformat(), "method": p.method,
                   "receipt_number": p.receipt_number, "payee": p.payee_party_id,
                   "recorded_by": p.recorded_by.username if p.recorded_by else None,
                   "created_at": p.created_at.isoformat()} for p in queries.payments_of(case.id)],
        deadlines=[{
            "id": d.id, "kind": d.kind, "basis_on": d.basis_on.isoformat(), "due_on": d.due_on.isoformat(),
            "status": d.status, "law": d.law, "rule": queries.deadline_rule_label(d),
            "legal_basis": d.legal_basis, "explanation": queries.deadline_explanation(d),
            "measure_id": d.measure_id,
        } for d in queries.deadlines_of(case.id)],
        transitions=[{
            "trigger": t.trigger, "label": t.label_vi, "role": t.role,
            "inputs": [{"name": s.name, "type": s.type, "required": s.required,
                        "choices": [c[0] for c in s.choices], "label": s.label_vi} for s in t.inputs],
        } for t in available_transitions(user, case)],
        events=[{
            "seq": e.seq, "on": e.on.isoformat(), "kind": e.kind, "trigger": e.trigger,
            "from_state": e.from_state, "to_state": e.to_state, "inputs": e.inputs,
            "legal_basis": e.legal_basis, "actor_id": e.actor_id, "created_at": e.created_at.isoformat(),
        } for e in queries.events_of(case.id)],
        measures=[measure_json(v) for v in case_measures(case)],
    )
    return body


def deadline_json(d) -> dict:
    return {"id": d.id, "kind": d.kind, "basis_on": d.basis_on.isoformat(), "due_on": d.due_on.isoformat(),
            "status": d.status, "law": d.law, "rule": queries.deadline_rule_label(d), "legal_basis": d.legal_basis,
            "explanation": queries.deadline_explanation(d), "measure_id": d.measure_id}


def measure_json(v) -> dict:
    """A measure (``thads.measures.services.MeasureView``) as the API shows it."""
    m = v.measure
    labels = {}
    from workflows.measures import MEASURE_KINDS, measure_for

    for step in v.steps:
        wf = measure_for(m.kind, step.on) or measure_for(m.kind, m.started_on)
        labels[step.id] = wf.transition(step.trigger).label_vi if wf and wf.has_trigger(step.trigger) else step.trigger
    return {
        "id": m.id, "case_id": m.case_id, "kind": m.kind, "category": m.category,
        "label": MEASURE_KINDS[m.kind].label_vi, "state": m.state, "state_label": v.state_vi, "law": m.law,
        "subject": m.subject, "asset_class": m.asset_class, "current_price": m.current_price,
        "sold_price": m.sold_price, "proceeds": m.proceeds, "started_on": m.started_on.isoformat(),
        "last_step_on": m.last_step_on.isoformat(), "closed_on": m.closed_on.isoformat() if m.closed_on else None,
        "version": m.version,
        "deadlines": [deadline_json(d) for d in v.deadlines],
        "steps": [{"trigger": s.trigger, "label": labels[s.id], "on": s.on.isoformat(), "from_state": s.from_state,
                   "to_state": s.to_state, "inputs": s.inputs, "legal_basis": s.legal_basis} for s in v.steps],
        "next_steps": [{
            "trigger": t.trigger, "label": t.label_vi, "role": t.role,
            "inputs": [{"name": s.name, "type": s.type, "required": s.required,
                        "choices": [c[0] for c in s.choices], "label": s.label_vi} for s in t.inputs],
        } for t in v.available],
    }
