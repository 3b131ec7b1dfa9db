"""Opening, closing and recomputing deadline rows from the workflow's rules."""
from __future__ import annotations

import time
from datetime import date

from flask import current_app
from sqlalchemy import Select, func, select

from thads.extensions import db
from thads.models import CalendarDay, Case, CaseEvent, Deadline
from thads.models.cases import NO_DEADLINE
from thads.services import inbox
from workflows import WORKFLOWS, PlannedDeadline, plan_initial, plan_transition
from workflows.calendar import WorkingCalendar
from workflows.rules import PARTY_ACTORS, RULES, due_date, rule_for

# Other processes see a calendar change within this many seconds; the process that made the
# change (and recomputed the deadlines) forgets its copy at once.
_CAL_TTL = 60.0


def _cache() -> dict:
    # Per application (and so per database): tests and tools may run several apps in one process.
    return current_app.extensions.setdefault("thads_calendar", {"cal": None, "at": 0.0})


def calendar() -> WorkingCalendar:
    """The working-day calendar with the agency's local additions (cached for a minute)."""
    cache = _cache()
    cal = cache["cal"]
    if cal is None or time.monotonic() - float(cache["at"]) > _CAL_TTL:
        rows = db.session.execute(select(CalendarDay.on, CalendarDay.kind)).all()
        cal = WorkingCalendar(
            extra_days_off=[r.on for r in rows if r.kind == "off"],
            extra_working_days=[r.on for r in rows if r.kind == "work"],
        )
        cache.update(cal=cal, at=time.monotonic())
    return cal


def forget_calendar() -> None:
    _cache().update(cal=None, at=0.0)


def open_deadline(case: Case, kind: str, basis_on: date, event: CaseEvent | None,
                  variant: str | None = None) -> Deadline:
    """Open one deadline; the rule is chosen by ``basis_on`` (Law 106/2025 Art 116)."""
    rule = rule_for(kind, basis_on, variant)
    return store(case, PlannedDeadline(kind, rule, basis_on, due_date(rule, basis_on, calendar())), event)


def store(case: Case, planned: PlannedDeadline, event: CaseEvent | None) -> Deadline:
    rule = planned.rule
    row = Deadline(
        case_id=case.id, kind=planned.kind, variant=rule.variant, law=rule.law, basis_on=planned.basis_on,
        due_on=planned.due_on, amount=rule.amount, unit=rule.unit.value, legal_basis=rule.legal_basis,
        status="open", opened_by_event_id=event.id if event is not None else None,
    )
    db.session.add(row)
    return row


def open_initial(case: Case, event: CaseEvent, ctx) -> list[Deadline]:
    """The deadlines a registration opens (the enforcement decision)."""
    wf = WORKFLOWS[case.workflow]
    rows = [store(case, p, event) for p in plan_initial(wf, ctx, event.on, calendar())]
    refresh_next_due(case)
    return rows


def open_for_transition(case: Case, wf, transition, ctx, inputs: dict, event: CaseEvent,
                        new_state: str) -> list[Deadline]:
    """The deadlines ``transition`` opens (and, on resumption, the restored state's)."""
    planned = plan_transition(wf, transition, ctx, inputs, event.on, calendar(), new_state=new_state)
    rows = [store(case, p, event) for p in planned]
    db.session.flush()
    return rows


def close(case: Case, kinds, event: CaseEvent) -> None:
    """Close the open deadlines of ``kinds``: met when acted on by the due date, else missed."""
    closed: dict[str, list[int]] = {}
    for row in open_rows(case, kinds):
        # A period that runs for the debtor (the voluntary period) or the parties (asking for a
        # re-valuation) cannot be missed by the agency: acting after it is the procedure.
        debtor_period = rule_for(row.kind, row.basis_on, row.variant).actor in PARTY_ACTORS
        row.status = "met" if debtor_period or event.on <= row.due_on else "missed"
        row.closed_on = event.on
        row.closed_by_event_id = event.id
        closed.setdefault(row.status, []).append(row.id)
    for status, ids in closed.items():
        inbox.resolve_deadlines(ids, "deadline_" + status)  # their reminders no longer ask anything


def cancel_open(case: Case, event: CaseEvent, keep=("payout",)) -> None:
    """Cancel every open deadline except ``keep`` (money collected must still be paid out)."""
    cancelled = []
    for row in open_rows(case, None):
        if row.kind in keep:
            continue
        row.status = "cancelled"
        row.closed_on = event.on
        row.closed_by_event_id = event.id
        cancelled.append(row.id)
    if cancelled:
        inbox.resolve_deadlines(cancelled, "deadline_cancelled")


# Periods that run for the debtor (the voluntary period) or the parties (re-valuation request,
# agreement on the auction house): not the agency's work, so they neither order the worklist
# nor count as overdue once elapsed.
DEBTOR_KINDS = tuple(sorted({r.kind for rules in RULES.values() for r in rules.values()
                             if r.actor in PARTY_ACTORS}))


def _act_kinds() -> tuple[str, ...]:
    """Deadline kinds that no transition closes: acts recorded on their own (opening the case
    file, sending the decision to the procuracy). Derived from the workflows, so a new rule
    closed by a transition never becomes an "act" by mistake."""
    opened, closed = set(), set(DEBTOR_KINDS) | {"payout"}  # payout is closed by paying out
    for wf in WORKFLOWS.values():
        for t in wf.transitions:
            opened |= {o.kind for o in t.opens}
            closed |= set(t.closes)
    return tuple(sorted(opened - closed))


ACT_KINDS = _act_kinds()


def nearest_due(*where) -> Select:
    """``(case_id, due_on)``: the nearest open agency deadline of each case matching ``where``.

    This is the definition of ``Case.next_due_on`` (``next_due_on_from`` of ``due_on``, and
    ``NO_DEADLINE`` for a case without a row); ``refresh_next_due`` keeps the column and
    ``audit verify`` checks it with the same query over a range of cases.
    """
    return (select(Deadline.case_id, func.min(Deadline.due_on).label("due_on"))
            .where(Deadline.status == "open", Deadline.kind.not_in(DEBTOR_KINDS), *where)
            .group_by(Deadline.case_id))


def next_due_on_from(nearest: date | None) -> date:
    """``Case.next_due_on`` given the nearest open agency due date (None: no open deadline)."""
    return nearest or NO_DEADLINE


def refresh_next_due(case: Case) -> None:
    """Keep ``case.next_due_on`` equal to its nearest open agency deadline (the worklist's key)."""
    db.session.flush()
    row = db.session.execute(nearest_due(Deadline.case_id == case.id)).first()
    case.next_due_on = next_due_on_from(row.due_on if row else None)


def open_rows(case: Case, kinds) -> list[Deadline]:
    stmt = select(Deadline).where(Deadline.case_id == case.id, Deadline.status == "open")
    if kinds is not None:
        stmt = stmt.where(Deadline.kind.in_(list(kinds)))
    return list(db.session.scalars(stmt))


def recompute_open(reason: str) -> int:
    """Recompute every open deadline's due date (after a calendar change); returns how many moved."""
    forget_calendar()
    cal = calendar()
    moved = 0
    stmt = select(Deadline).where(Deadline.status == "open").execution_options(yield_per=1000)
    touched: set[int] = set()
    moved_ids: list[int] = []
    for row in db.session.scalars(stmt):
        rule = rule_for(row.kind, row.basis_on, row.variant)
        new_due = due_date(rule, row.basis_on, cal)
        if new_due != row.due_on:
            row.recomputed_reason = f"{reason}: {row.due_on.isoformat()} → {new_due.isoformat()}"
            row.due_on = new_due
            touched.add(row.case_id)
            moved_ids.append(row.id)
            moved += 1
    db.session.flush()
    if moved_ids:
        inbox.resolve_moved(moved_ids)
    for case in db.session.scalars(select(Case).where(Case.id.in_(touched))) if touched else ():
        refresh_next_due(case)
    db.session.flush()
    return moved
