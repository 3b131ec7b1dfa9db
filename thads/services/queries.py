"""Read models for pages and the API: case lists (keyset-paginated) and the case view."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from thads.extensions import db
from thads.models import Case, CaseEvent, Deadline, Payment, User
from thads.models.users import SIGNING_ROLES
from thads.services import clock
from thads.services.errors import InvalidInput
from thads.services.scope import cases_for
from thads.services.values import fold

DEADLINE_KINDS = ("decision", "case_file", "procuracy", "notification", "voluntary", "verification",
                  "reverification", "resume", "payout")


@dataclass
class Page:
    items: list
    next_cursor: str | None
    extra: dict = field(default_factory=dict)


def encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


MAX_CURSOR = 200  # characters: a keyset cursor holds a couple of values, never a document
MAX_ID = 2**31 - 1


def _no_constant(name: str):
    raise ValueError(name)


def decode_cursor(raw: str) -> list:
    """The values of a keyset cursor; anything malformed (too long, not base64 JSON, NaN or
    Infinity, not a list) is an InvalidInput on ``cursor``."""
    try:
        if not isinstance(raw, str) or len(raw) > MAX_CURSOR:
            raise ValueError(raw)
        pad = "=" * (-len(raw) % 4)
        values = json.loads(base64.urlsafe_b64decode(raw + pad), parse_constant=_no_constant)
        if not isinstance(values, list) or not values:
            raise ValueError(raw)
        return values
    except (ValueError, TypeError, RecursionError):
        raise InvalidInput("Con trỏ phân trang không hợp lệ.", fields={"cursor": "Không hợp lệ."}) from None


def cursor_values(raw: str, *shape: str) -> tuple:
    """The typed values of a keyset cursor of ``shape`` — each ``"id"`` (1…2^31−1) or
    ``"date"`` (ISO) — or an InvalidInput on ``cursor``."""
    values = decode_cursor(raw)
    out = []
    try:
        if len(values) != len(shape):
            raise ValueError(values)
        for kind, value in zip(shape, values, strict=True):
            if kind == "id":
                if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
                    raise ValueError(value)
                out.append(value)
            elif isinstance(value, str) and len(value) == 10:
                out.append(date.fromisoformat(value))
            else:
                raise ValueError(value)
    except (ValueError, TypeError):
        raise InvalidInput("Con trỏ phân trang không hợp lệ.", fields={"cursor": "Không hợp lệ."}) from None
    return tuple(out)


def list_cases(user: User, *, state: str | None = None, officer: str | None = None,
               overdue: bool | None = None, q: str | None = None, cursor: str | None = None,
               limit: int = 50) -> Page:
    """Cases in ``user``'s scope, newest first, keyset-paginated on id (no OFFSET)."""
    stmt = cases_for(user)
    if state:
        stmt = stmt.where(Case.state == state)
    if officer:
        stmt = stmt.where(Case.officer_id == select(User.id).where(User.username == officer).scalar_subquery())
    if overdue:
        today = clock.today()
        stmt = stmt.where(
            select(Deadline.id).where(Deadline.case_id == Case.id, Deadline.status == "open",
                                      Deadline.due_on < today).exists()
        )
    if q:
        stmt = stmt.where(Case.search_text.contains(fold(q), autoescape=True))
    if cursor:
        (last_id,) = cursor_values(cursor, "id")
        stmt = stmt.where(Case.id < last_id)
    rows = list(db.session.scalars(stmt.order_by(Case.id.desc()).limit(limit + 1)))
    nxt = encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return Page(items=rows[:limit], next_cursor=nxt)


def last_seq(case_id: int) -> int:
    return db.session.scalar(select(func.max(CaseEvent.seq)).where(CaseEvent.case_id == case_id)) or 0


def events_after(case_id: int, seq: int) -> list[CaseEvent]:
    return list(db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.seq > seq).order_by(CaseEvent.seq)
    ))


def deadlines_of(case_id: int) -> list[Deadline]:
    return list(db.session.scalars(
        select(Deadline).where(Deadline.case_id == case_id).order_by(Deadline.due_on, Deadline.id)
    ))


def events_of(case_id: int) -> list[CaseEvent]:
    return list(db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
    ))


def payments_of(case_id: int) -> list[Payment]:
    """The case's ledger: every amount collected, paid out or reduced, oldest first, with who
    recorded it and who received a payout."""
    return list(db.session.scalars(
        select(Payment).where(Payment.case_id == case_id)
        .options(selectinload(Payment.recorded_by), selectinload(Payment.payee))
        .order_by(Payment.on, Payment.id)
    ))


def deadline_explanation(row: Deadline, locale: str = "vi") -> str:
    from workflows.rules import explain, explain_en, rule_for

    rule = rule_for(row.kind, row.basis_on, row.variant)
    return (explain_en if locale == "en" else explain)(rule, row.basis_on, row.due_on)


def deadline_rule_label(row: Deadline, locale: str = "vi") -> str:
    from workflows.rules import rule_for

    rule = rule_for(row.kind, row.basis_on, row.variant)
    return rule.label_en if locale == "en" else rule.label_vi


def case_view(user: User, case: Case, locale: str = "vi") -> dict:
    """Everything the case page shows, gathered in a few queries (deadline texts in ``locale``)."""
    from thads.services.lifecycle import available_transitions

    cal_today = clock.today()
    from thads.services.deadlines import DEBTOR_KINDS, calendar

    cal = calendar()
    deadlines = []
    for row in deadlines_of(case.id):
        debtor = row.kind in DEBTOR_KINDS
        # The debtor's own period (voluntary compliance) is never the agency's delay: it runs
        # (calendar days left) or it has ended — no working days overdue, no "met"/"missed".
        remaining = (cal.working_days_between(cal_today, row.due_on)
                     if row.status == "open" and not debtor else None)
        deadlines.append({"row": row, "explanation": deadline_explanation(row, locale),
                          "rule": deadline_rule_label(row, locale), "working_days_left": remaining,
                          "debtor_period": debtor,
                          # The period runs to its end whatever the agency did meanwhile.
                          "period_ended": debtor and row.due_on < cal_today,
                          "days_left": (row.due_on - cal_today).days if debtor and row.due_on >= cal_today else None})
    actors = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_(select(CaseEvent.actor_id).where(CaseEvent.case_id == case.id)))
    )}
    return {
        "deadlines": deadlines,
        "payments": payments_of(case.id),
        "events": events_of(case.id),
        "actors": actors,
        "transitions": available_transitions(user, case),
        "can_sign": user.has_role(*SIGNING_ROLES),
    }
