"""The case event trail: append (hash-chained) and verify."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from thads.extensions import db
from thads.models import Case, CaseEvent, User, utcnow

GENESIS = "0" * 64


def append_event(
    case: Case, actor: User | None, kind: str, on: date, *, trigger: str | None = None,
    from_state: str | None = None, to_state: str | None = None, inputs: dict | None = None,
    legal_basis: str | None = None, amount_delta: int = 0,
) -> CaseEvent:
    """Append one event to ``case``'s chain. The (case, seq) unique key refuses a fork."""
    if case.id is None:
        db.session.flush()
    last = db.session.execute(
        select(CaseEvent.seq, CaseEvent.hash).where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.seq.desc()).limit(1)
    ).first()
    event = CaseEvent(
        case_id=case.id, seq=(last.seq + 1) if last else 1, actor_id=actor.id if actor else None,
        created_at=utcnow(), on=on, kind=kind, trigger=trigger, from_state=from_state,
        to_state=to_state if to_state is not None else case.state, officer_id=case.officer_id,
        unit_id=case.unit_id, amount_delta=amount_delta, inputs=_jsonable(inputs or {}),
        legal_basis=legal_basis, prev_hash=last.hash if last else GENESIS,
    )
    event.hash = event.compute_hash()
    db.session.add(event)
    db.session.flush()
    return event


def verify_chain(case_id: int | None = None) -> list[dict]:
    """Every case whose chain does not verify, with the first bad event's sequence number."""
    stmt = select(CaseEvent).order_by(CaseEvent.case_id, CaseEvent.seq)
    if case_id is not None:
        stmt = stmt.where(CaseEvent.case_id == case_id)
    broken: list[dict] = []
    current, prev, expected_seq, bad = None, GENESIS, 1, False
    # Streamed in chunks so a national database is not loaded into memory at once.
    for ev in db.session.scalars(stmt.execution_options(yield_per=2000)):
        if ev.case_id != current:
            current, prev, expected_seq, bad = ev.case_id, GENESIS, 1, False
        if bad:
            continue
        if ev.seq != expected_seq or ev.prev_hash != prev or ev.compute_hash() != ev.hash:
            broken.append({"case_id": ev.case_id, "seq": ev.seq})
            bad = True
            continue
        prev, expected_seq = ev.hash, expected_seq + 1
    return broken


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
