"""The supervisor's board: overdue and at-risk deadlines, ageing and workload, within scope.

Every figure is an aggregate query over the unit's subtree (materialised path prefix). Ageing
in working days is turned into two boundary dates computed once from the calendar, so the
database compares plain dates and buckets in one pass.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy import case as sql_case

from thads.extensions import db
from thads.models import Case, Deadline, Proposal, Unit, User, UserRole
from thads.services import clock
from thads.services.deadlines import DEBTOR_KINDS
from thads.services.errors import Forbidden, InvalidInput, NotFound
from thads.services.permissions import roles_for
from thads.services.queries import cursor_values, encode_cursor
from thads.services.worklist import OPEN_STATES

BOARD_ROLES = roles_for("board")
RISK_WORKING_DAYS = 2
AGEING_BUCKETS = ("1-3", "4-10", ">10")


def can_view_board(user: User) -> bool:
    return user.has_role(*BOARD_ROLES)


def board_unit(user: User, unit_id: int | None = None) -> Unit:
    """The unit whose board ``user`` asked for: its own, or one below it (else NotFound)."""
    if not can_view_board(user):
        raise Forbidden("Bạn không có quyền xem bảng theo dõi, giám sát.")
    if unit_id is None:
        return user.unit
    unit = db.session.get(Unit, unit_id)
    if unit is None or not unit.path.startswith(user.unit.path):
        raise NotFound("Không tìm thấy đơn vị trong phạm vi của bạn.")
    return unit


def officer_in_scope(user: User, officer_id: int) -> User:
    """The person whose cases ``user`` filters the board by: in ``user``'s unit or below, else
    NotFound — the same answer as for an id that does not exist, so no name leaks."""
    officer = db.session.get(User, officer_id)
    if officer is None or not officer.unit.path.startswith(user.unit.path):
        raise NotFound("Không tìm thấy người dùng trong phạm vi của bạn.")
    return officer


def subtree(unit: Unit):
    return select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))


@dataclass
class Bounds:
    """Dates that turn "working days overdue / left" into plain date comparisons."""

    today: date
    ageing_3: date  # due on or after this (and before today): 1–3 working days overdue
    ageing_10: date  # due on or after this and before ageing_3: 4–10; before it: > 10
    risk_end: date  # due from today up to this: at risk (within 2 working days)


def bounds(today: date | None = None) -> Bounds:
    from thads.services.deadlines import calendar

    today = today or clock.today()
    cal = calendar()

    def earliest_within(n: int) -> date:
        # The earliest due date still overdue by at most n working days.
        d = today - timedelta(days=1)
        while cal.working_days_between(d - timedelta(days=1), today) <= n:
            d -= timedelta(days=1)
        return d

    return Bounds(today=today, ageing_3=earliest_within(3), ageing_10=earliest_within(10),
                  risk_end=cal.add_working_days(today, RISK_WORKING_DAYS))


@dataclass
class OfficerLoad:
    officer: User | None
    open_cases: int = 0
    overdue_cases: int = 0
    remaining: int = 0
    overdue_deadlines: int = 0
    ageing: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AGEING_BUCKETS, 0))
    by_kind: dict[str, int] = field(default_factory=dict)
    at_risk: int = 0


@dataclass
class OfficeLoad:
    unit: Unit
    open_cases: int = 0
    overdue_cases: int = 0
    remaining: int = 0
    overdue_deadlines: int = 0
    ageing: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AGEING_BUCKETS, 0))
    at_risk: int = 0


@dataclass
class Board:
    unit: Unit
    bounds: Bounds
    offices: list[OfficeLoad]  # filled when the unit has units below it (a provincial view)
    officers: list[OfficerLoad]
    kinds: list[str]  # deadline kinds that have overdue rows (the by-kind table's columns)
    totals: dict[str, int]
    proposals: list[Proposal]


def _case_aggregates(scope, b: Bounds, group_col):
    """Open cases, cases with an overdue deadline and money remaining, grouped by ``group_col``."""
    # Case.next_due_on is the nearest open agency deadline: "overdue" is one comparison.
    stmt = (select(group_col, func.count(),
                   func.sum(sql_case((Case.next_due_on < b.today, 1), else_=0)),
                   func.sum(Case.amount_total - Case.collected - Case.reduced))
            .where(Case.unit_id.in_(scope), Case.state.in_(OPEN_STATES))
            .group_by(group_col))
    return db.session.execute(stmt).all()


def _deadline_aggregates(scope, b: Bounds, group_col, by_kind: bool):
    """Overdue open deadlines by group (and kind) with the three ageing buckets, and at-risk counts."""
    cols = [group_col] + ([Deadline.kind] if by_kind else [])
    overdue = and_(Deadline.due_on < b.today)
    stmt = (select(*cols,
                   func.sum(sql_case((overdue, 1), else_=0)),
                   func.sum(sql_case((and_(overdue, Deadline.due_on >= b.ageing_3), 1), else_=0)),
                   func.sum(sql_case((and_(Deadline.due_on < b.ageing_3, Deadline.due_on >= b.ageing_10), 1),
                                     else_=0)),
                   func.sum(sql_case((Deadline.due_on < b.ageing_10, 1), else_=0)),
                   func.sum(sql_case((Deadline.due_on >= b.today, 1), else_=0)))
            .join(Case, Case.id == Deadline.case_id)
            .where(Deadline.status == "open", Deadline.kind.not_in(DEBTOR_KINDS), Deadline.due_on <= b.risk_end,
                   Case.unit_id.in_(scope))
            .group_by(*cols))
    return db.session.execute(stmt).all()


def board(user: User, unit_id: int | None = None, *, today: date | None = None) -> Board:
    """The board of ``user``'s unit (or of a unit below it): per office when it has offices."""
    unit = board_unit(user, unit_id)
    b = bounds(today)
    scope = subtree(unit)
    children = list(db.session.scalars(select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.code)))
    offices: list[OfficeLoad] = []
    if children:
        # Group by unit, then fold each unit into the child of ``unit`` on its path.
        depth = len([p for p in unit.path.split("/") if p])
        paths = dict(db.session.execute(select(Unit.id, Unit.path).where(Unit.id.in_(scope))).all())
        by_child = {c.id: OfficeLoad(unit=c) for c in children}
        own = OfficeLoad(unit=unit)

        def target(unit_id: int) -> OfficeLoad:
            parts = [p for p in paths.get(unit_id, "").split("/") if p]
            if len(parts) > depth and int(parts[depth]) in by_child:
                return by_child[int(parts[depth])]
            return own

        for uid, n, overdue_n, money in _case_aggregates(scope, b, Case.unit_id):
            t = target(uid)
            t.open_cases += n
            t.overdue_cases += int(overdue_n or 0)
            t.remaining += int(money or 0)
        for uid, overdue_n, a3, a10, a_more, risk in _deadline_aggregates(scope, b, Case.unit_id, False):
            t = target(uid)
            t.overdue_deadlines += int(overdue_n or 0)
            t.ageing["1-3"] += int(a3 or 0)
            t.ageing["4-10"] += int(a10 or 0)
            t.ageing[">10"] += int(a_more or 0)
            t.at_risk += int(risk or 0)
        offices = list(by_child.values())
        if own.open_cases or own.overdue_deadlines or own.at_risk:
            offices.insert(0, own)

    # A provincial view is per office (officers appear on the drill-down): one pass, not two.
    officers = [] if offices else officer_loads(unit, b)
    rows = offices or officers
    kinds = sorted({k for o in officers for k in o.by_kind})
    totals = {
        "open_cases": sum(o.open_cases for o in rows),
        "overdue_cases": sum(o.overdue_cases for o in rows),
        "overdue_deadlines": sum(o.overdue_deadlines for o in rows),
        "at_risk": sum(o.at_risk for o in rows),
        "remaining": sum(o.remaining for o in rows),
        **{k: sum(o.ageing[k] for o in rows) for k in AGEING_BUCKETS},
    }
    return Board(unit=unit, bounds=b, offices=offices, officers=officers, kinds=kinds, totals=totals,
                 proposals=waiting_proposals(user, unit))


def officer_loads(unit: Unit, b: Bounds) -> list[OfficerLoad]:
    """Workload and overdue figures per officer of the unit's subtree (officers with none included)."""
    scope = subtree(unit)
    officer_rows = db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.unit_id.in_(scope), UserRole.role == "officer", User.active.is_(True))
        .order_by(User.full_name)
    ).unique()
    loads: dict[int | None, OfficerLoad] = {u.id: OfficerLoad(officer=u) for u in officer_rows}

    def load(officer_id: int | None) -> OfficerLoad:
        if officer_id not in loads:
            loads[officer_id] = OfficerLoad(officer=db.session.get(User, officer_id) if officer_id else None)
        return loads[officer_id]

    for oid, n, overdue_n, money in _case_aggregates(scope, b, Case.officer_id):
        o = load(oid)
        o.open_cases, o.overdue_cases, o.remaining = n, int(overdue_n or 0), int(money or 0)
    for oid, kind, overdue_n, a3, a10, a_more, risk in _deadline_aggregates(scope, b, Case.officer_id, True):
        o = load(oid)
        if overdue_n:
            o.by_kind[kind] = int(overdue_n)
        o.overdue_deadlines += int(overdue_n or 0)
        o.ageing["1-3"] += int(a3 or 0)
        o.ageing["4-10"] += int(a10 or 0)
        o.ageing[">10"] += int(a_more or 0)
        o.at_risk += int(risk or 0)
    return sorted(loads.values(), key=lambda o: (-o.overdue_deadlines, o.officer.full_name if o.officer else ""))


@dataclass
class DeadlineRow:
    deadline: Deadline
    case: Case
    working_days: int  # signed, as on the worklist


@dataclass
class DeadlinePage:
    rows: list[DeadlineRow]
    next_cursor: str | None


def deadline_list(user: User, unit_id: int | None = None, *, which: str = "overdue",
                  officer_id: int | None = None, cursor: str | None = None, limit: int = 50,
                  today: date | None = None) -> DeadlinePage:
    """Overdue (oldest first) or at-risk (soonest first) open deadlines, keyset on (due_on, id)."""
    from thads.services.deadlines import calendar

    unit = board_unit(user, unit_id)
    b = bounds(today)
    stmt = (select(Deadline, Case).join(Case, Case.id == Deadline.case_id)
            .where(Deadline.status == "open", Deadline.kind.not_in(DEBTOR_KINDS), Case.unit_id.in_(subtree(unit))))
    if which == "overdue":
        stmt = stmt.where(Deadline.due_on < b.today)
    elif which == "at_risk":
        stmt = stmt.where(Deadline.due_on >= b.today, Deadline.due_on <= b.risk_end)
    else:
        raise InvalidInput("Danh sách không hợp lệ.", fields={"which": "overdue hoặc at_risk."})
    if officer_id is not None:
        stmt = stmt.where(Case.officer_id == officer_id)
    if cursor:
        after_due, after_id = cursor_values(cursor, "date", "id")
        stmt = stmt.where((Deadline.due_on > after_due) | and_(Deadline.due_on == after_due, Deadline.id > after_id))
    result = db.session.execute(stmt.order_by(Deadline.due_on, Deadline.id).limit(limit + 1)).all()
    nxt = None
    if len(result) > limit:
        last = result[limit - 1][0]
        nxt = encode_cursor([last.due_on.isoformat(), last.id])
        result = result[:limit]
    cal = calendar()
    rows = [DeadlineRow(deadline=d, case=c, working_days=cal.working_days_between(b.today, d.due_on))
            for d, c in result]
    return DeadlinePage(rows=rows, next_cursor=nxt)


def waiting_proposals(user: User, unit: Unit | None = None, limit: int = 50) -> list[Proposal]:
    """Proposals waiting for a decision in ``unit``'s subtree (default: the user's unit)."""
    unit = unit or user.unit
    if not unit.path.startswith(user.unit.path):
        return []
    return list(db.session.scalars(
        select(Proposal).where(Proposal.status == "pending", Proposal.unit_id.in_(subtree(unit)))
        .order_by(Proposal.created_at, Proposal.id).limit(limit)
    ))


def unit_officers(unit: Unit) -> list[User]:
    """Active officers of exactly ``unit`` (the people a case there can be given to)."""
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.unit_id == unit.id, UserRole.role == "officer", User.active.is_(True))
        .order_by(User.full_name)
    ).unique())
