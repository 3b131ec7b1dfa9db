"""The officer's worklist and the case search: read models, index-backed, keyset-paginated.

The worklist is "my open cases, nearest open deadline first". The ordering key is the case's
nearest open deadline (a correlated ``min(due_on)`` answered by the index
``ix_deadline_case_status_due``), cases without an open deadline last, then the case id; the
cursor carries that pair, so a page is a range scan and never an OFFSET.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import selectinload

from thads.extensions import db
from thads.models import Case, Deadline, User
from thads.models.cases import CASE_STATES, FINAL_STATES, NO_DEADLINE
from thads.services import clock
from thads.services.errors import InvalidInput
from thads.services.queries import DEADLINE_KINDS, cursor_values, encode_cursor
from thads.services.scope import cases_for
from thads.services.values import fold
from workflows.rules import MEASURE_DEADLINE_KINDS

OPEN_STATES = tuple(s for s in CASE_STATES if s not in FINAL_STATES)
MIN_QUERY = 2


@dataclass
class WorkRow:
    """One line of the worklist: the case and its nearest open deadline."""

    case: Case
    deadline: Deadline | None
    working_days: int | None  # signed: ≥ 0 left until due, < 0 overdue
    overdue: bool = False


@dataclass
class Worklist:
    rows: list[WorkRow]
    next_cursor: str | None
    counts: dict[str, int]
    today: date


def next_due(kind: str | None = None):
    """Correlated ``min(due_on)`` of a case's open deadlines (optionally of one kind)."""
    stmt = select(func.min(Deadline.due_on)).where(Deadline.case_id == Case.id, Deadline.status == "open")
    if kind:
        stmt = stmt.where(Deadline.kind == kind)
    return stmt.correlate(Case).scalar_subquery()


def week_end(today: date) -> date:
    """Sunday of ``today``'s week: "due this week" runs from today to it."""
    return today + timedelta(days=6 - today.weekday())


def worklist(user: User, *, state: str | None = None, kind: str | None = None,
             cursor: str | None = None, limit: int = 50, today: date | None = None) -> Worklist:
    """``user``'s open cases ordered by nearest open deadline (overdue first), keyset-paginated."""
    today = today or clock.today()
    if state and state not in OPEN_STATES:
        raise InvalidInput("Trạng thái không hợp lệ.", fields={"state": "Không phải trạng thái đang thi hành."})
    if kind and kind not in DEADLINE_KINDS + MEASURE_DEADLINE_KINDS:  # measures' too (issue 11)
        raise InvalidInput("Loại thời hạn không hợp lệ.", fields={"kind": "Không có loại thời hạn này."})
    mine = and_(Case.officer_id == user.id, Case.state.in_(OPEN_STATES))
    if kind:
        # One kind: its own nearest due date (a correlated probe per case of the officer).
        inner = select(Case.id.label("case_id"), next_due(kind).label("next_due")).where(mine)
        if state:
            inner = inner.where(Case.state == state)
        sub = inner.subquery()
        due_col, id_col = sub.c.next_due, sub.c.case_id
        stmt = select(id_col, due_col).where(due_col.is_not(None))
    else:
        # All kinds: the case keeps its nearest due date, so a page is an index range scan on
        # (officer_id, next_due_on, id); NO_DEADLINE sorts cases without a deadline last.
        due_col, id_col = Case.next_due_on, Case.id
        stmt = select(id_col, due_col).where(mine)
        if state:
            stmt = stmt.where(Case.state == state)
    if cursor:
        after_due, after_id = _decode(cursor)
        stmt = stmt.where(or_(due_col > after_due, and_(due_col == after_due, id_col > after_id)))
    page = [(cid, None if due == NO_DEADLINE else due)
            for cid, due in db.session.execute(stmt.order_by(due_col, id_col).limit(limit + 1)).all()]
    nxt = None
    if len(page) > limit:
        last_id, last_due = page[limit - 1]
        nxt = encode_cursor([(last_due or NO_DEADLINE).isoformat(), last_id])
        page = page[:limit]
    rows = enrich([cid for cid, _due in page], kind=kind, today=today)
    return Worklist(rows=rows, next_cursor=nxt, counts=counts(user, today), today=today)


def counts(user: User, today: date) -> dict[str, int]:
    """The figures at the top of the worklist: overdue, due this week, total open cases."""
    due = Case.next_due_on
    row = db.session.execute(select(
        func.count(),
        func.coalesce(func.sum(sql_case((due < today, 1), else_=0)), 0),
        func.coalesce(func.sum(sql_case((and_(due >= today, due <= week_end(today)), 1), else_=0)), 0),
    ).where(Case.officer_id == user.id, Case.state.in_(OPEN_STATES))).one()
    return {"total": int(row[0]), "overdue": int(row[1]), "due_this_week": int(row[2])}


def enrich(case_ids: list[int], *, kind: str | None = None, today: date | None = None) -> list[WorkRow]:
    """Load a page's cases (with parties) and each one's nearest open deadline, in page order."""
    from thads.services.deadlines import DEBTOR_KINDS, calendar

    today = today or clock.today()
    if not case_ids:
        return []
    cases = {c.id: c for c in db.session.scalars(
        select(Case).where(Case.id.in_(case_ids)).options(selectinload(Case.parties), selectinload(Case.officer))
    )}
    dstmt = select(Deadline).where(Deadline.case_id.in_(case_ids), Deadline.status == "open")
    if kind:
        dstmt = dstmt.where(Deadline.kind == kind)
    else:
        dstmt = dstmt.where(Deadline.kind.not_in(DEBTOR_KINDS))  # as Case.next_due_on
    nearest: dict[int, Deadline] = {}
    for d in db.session.scalars(dstmt.order_by(Deadline.due_on, Deadline.id)):
        nearest.setdefault(d.case_id, d)
    cal = calendar()
    rows = []
    for cid in case_ids:
        d = nearest.get(cid)
        wd = cal.working_days_between(today, d.due_on) if d is not None else None
        rows.append(WorkRow(case=cases[cid], deadline=d, working_days=wd,
                            overdue=d is not None and d.due_on < today))
    return rows


@dataclass
class SearchResult:
    rows: list[WorkRow]
    next_cursor: str | None
    query: str


def search(user: User, q: str, *, cursor: str | None = None, limit: int = 50,
           today: date | None = None) -> SearchResult:
    """Cases in ``user``'s scope whose number, parties, identity numbers or judgment match ``q``.

    Diacritics and case are ignored on both sides ("nguyen van a" finds "Nguyễn Văn Ánh"):
    ``search_text`` is stored folded and the query is folded the same way.
    """
    folded = fold(q)
    if len(folded) < MIN_QUERY:
        raise InvalidInput("Hãy nhập ít nhất 2 ký tự để tìm.", fields={"q": "Ít nhất 2 ký tự."})
    stmt = cases_for(user).with_only_columns(Case.id).where(Case.search_text.contains(folded, autoescape=True))
    if cursor:
        (last_id,) = cursor_values(cursor, "id")
        stmt = stmt.where(Case.id < last_id)
    ids = list(db.session.scalars(stmt.order_by(Case.id.desc()).limit(limit + 1)))
    nxt = encode_cursor([ids[limit - 1]]) if len(ids) > limit else None
    return SearchResult(rows=enrich(ids[:limit], today=today), next_cursor=nxt, query=q)


def _decode(cursor: str) -> tuple[date, int]:
    return cursor_values(cursor, "date", "id")


def kind_labels(locale: str = "vi") -> dict[str, str]:
    """Names of deadline kinds for lists (the case page explains each deadline in full)."""
    from workflows.rules import KIND_LABELS

    i = 1 if locale == "en" else 0
    return {k: v[i] for k, v in KIND_LABELS.items()}


def state_labels(locale: str = "vi") -> dict[str, str]:
    """State names from the workflow definitions, in the page's language."""
    from workflows import WORKFLOWS

    labels: dict[str, str] = {}
    for wf in WORKFLOWS.values():
        for s in wf.states:
            labels.setdefault(s.name, s.label_en if locale == "en" else s.label_vi)
    return labels


def trigger_labels(locale: str = "vi") -> dict[str, str]:
    """Transition names from the workflow definitions, in the page's language."""
    from workflows import WORKFLOWS

    labels: dict[str, str] = {}
    for wf in WORKFLOWS.values():
        for t in wf.transitions:
            labels.setdefault(t.trigger, t.label_en if locale == "en" else t.label_vi)
    return labels
