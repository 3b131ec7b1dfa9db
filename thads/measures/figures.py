"""The figures the year-end review reports beside form 01: coercion, assets, hard cases and the
committee's outstanding tasks — for a unit's tree and a statistical period, as of a date.

Each figure is ONE select of the items it counts (``items``: case id, item id, money); the
figure is an aggregate over it and its drill-down is the cases of the very same select, so a
figure and its list cannot disagree. Every item is dated (a step, a coercion's day, a marking,
a settlement, a task's giving and closing), so a past cut-off gives the figures of then.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, distinct, func, literal, or_, select

from thads.extensions import db
from thads.models import Case, CoercionPlan, CommitteeAgency, CommitteeTask, HardCase, Measure, MeasureStep, Unit
from thads.services.errors import InvalidInput
from thads.services.stats import Period, unit_ids_under


def N_(text: str) -> str:
    """Mark a heading for the catalogue; the page translates it where it is shown."""
    return text


# key → (heading, what is counted: "cases" distinct cases, "items" items, "money" sum of money)
FIGURES: dict[str, tuple[str, str]] = {
    "cases_coerced": (N_("Số việc đã tổ chức cưỡng chế"), "cases"),
    "coercions": (N_("Số cuộc cưỡng chế đã tổ chức"), "items"),
    "coercions_police": (N_("Trong đó: có lực lượng Công an hỗ trợ"), "items"),
    "assets_seized": (N_("Tài sản đã kê biên"), "items"),
    "assets_auctioned": (N_("Tài sản đã đưa ra bán đấu giá"), "items"),
    "assets_sold": (N_("Tài sản đã bán được"), "items"),
    "sales_money": (N_("Tiền bán tài sản (đồng)"), "money"),
    "hard_opened": (N_("Việc khó khăn, phức tạp phát sinh"), "items"),
    "hard_settled": (N_("Việc khó khăn, phức tạp đã giải quyết"), "items"),
    "tasks_outstanding": (N_("Nhiệm vụ Ban chỉ đạo giao chưa hoàn thành"), "items"),
}


def items(unit: Unit, period: Period, figure: str, agency_id: int | None = None):
    """The select of (case_id, item_id, amount) counted by ``figure`` in ``unit``'s tree."""
    start, cutoff = period.start, period.cutoff
    scope = Case.unit_id.in_(unit_ids_under(unit))
    zero = literal(0)
    if figure in ("cases_coerced", "coercions", "coercions_police"):
        P = CoercionPlan
        cond = [P.status == "carried_out", P.carried_out_on >= start, P.carried_out_on <= cutoff]
        if figure == "coercions_police":
            cond.append(or_(P.police_intervened.is_(True),
                            and_(P.police_status == "forces_confirmed", P.police_confirmed_on <= cutoff)))
        return select(P.case_id.label("case_id"), P.id.label("item_id"), zero.label("amount")).join(
            Case, Case.id == P.case_id).where(scope, *cond)
    if figure in ("assets_seized", "assets_auctioned", "assets_sold", "sales_money"):
        S = MeasureStep
        triggers = {"assets_seized": ("start",), "assets_auctioned": ("auction_failed", "sold"),
                    "assets_sold": ("sold",), "sales_money": ("sold",)}[figure]
        amount = Measure.sold_price if figure == "sales_money" else zero
        stmt = (select(S.case_id.label("case_id"), S.measure_id.label("item_id"), amount.label("amount"))
                .join(Measure, Measure.id == S.measure_id).join(Case, Case.id == S.case_id)
                .where(scope, Measure.kind == "seize_sell", S.trigger.in_(triggers), S.on >= start, S.on <= cutoff))
        if figure == "assets_auctioned":
            # An asset auctioned twice (failed, reduced, sold) is one asset put to auction.
            stmt = stmt.distinct()
        return stmt
    if figure in ("hard_opened", "hard_settled"):
        H = HardCase
        day = H.opened_on if figure == "hard_opened" else H.settled_on
        return select(H.case_id.label("case_id"), H.id.label("item_id"), zero.label("amount")).join(
            Case, Case.id == H.case_id).where(scope, day >= start, day <= cutoff)
    if figure == "tasks_outstanding":
        T = CommitteeTask
        stmt = (select(T.case_id.label("case_id"), T.id.label("item_id"), zero.label("amount"))
                .join(Case, Case.id == T.case_id)
                .where(scope, T.given_on <= cutoff, or_(T.closed_on.is_(None), T.closed_on > cutoff)))
        if agency_id is not None:
            stmt = stmt.where(T.agency_id == agency_id)
        return stmt
    raise InvalidInput("Chỉ tiêu không hợp lệ.", fields={"figure": figure})


def value(unit: Unit, period: Period, figure: str, agency_id: int | None = None) -> int:
    sub = items(unit, period, figure, agency_id).subquery()
    what = FIGURES[figure][1]
    agg = {"cases": func.count(distinct(sub.c.case_id)), "items": func.count(),
           "money": func.coalesce(func.sum(sub.c.amount), 0)}[what]
    return int(db.session.scalar(select(agg).select_from(sub)) or 0)


@dataclass
class MeasureFigures:
    unit: Unit
    period: Period
    values: dict[str, int]
    by_agency: list[tuple[CommitteeAgency, int]]  # outstanding tasks per member agency


def measure_figures(unit: Unit, period: Period) -> MeasureFigures:
    values = {key: value(unit, period, key) for key in FIGURES}
    T = CommitteeTask
    sub = items(unit, period, "tasks_outstanding").subquery()
    counts = dict(db.session.execute(
        select(T.agency_id, func.count()).join(sub, sub.c.item_id == T.id).group_by(T.agency_id)).all())
    agencies = list(db.session.scalars(select(CommitteeAgency).where(CommitteeAgency.id.in_(list(counts) or [0]))
                                       .order_by(CommitteeAgency.id)))
    return MeasureFigures(unit, period, values, [(a, int(counts[a.id])) for a in agencies])


@dataclass
class DrillCase:
    case_id: int
    display_number: str
    unit_code: str
    state: str
    count: int  # items of the figure on this case
    amount: int


def drill(unit: Unit, period: Period, figure: str, agency_id: int | None = None) -> list[DrillCase]:
    """The cases behind a figure, each with how many of its items (and how much money) it holds."""
    if figure not in FIGURES:
        raise InvalidInput("Chỉ tiêu không hợp lệ.", fields={"figure": figure})
    sub = items(unit, period, figure, agency_id).subquery()
    stmt = (select(sub.c.case_id, Case.number, Case.stat_year, Unit.code, Case.state, func.count(),
                   func.coalesce(func.sum(sub.c.amount), 0))
            .join(Case, Case.id == sub.c.case_id).join(Unit, Unit.id == Case.unit_id)
            .group_by(sub.c.case_id, Case.number, Case.stat_year, Unit.code, Case.state).order_by(sub.c.case_id))
    return [DrillCase(cid, f"{n}/{y}", code, state, int(c), int(a)) for cid, n, y, code, state, c, a
            in db.session.execute(stmt)]


def period_of(year: int, months: int = 12, as_of: date | None = None) -> Period:
    return Period(year, months, as_of)
