"""Official statistics (form 01/TKLN-THADS) computed from the case event history, as of a date.

Everything is derived from ``case_event`` (never from the mutable ``enforcement_case`` columns),
so a report for a past date keeps its figures when later events are added. One SQL statement
classifies every case of the report's units (:func:`classified`); the figures are a GROUP BY over
it and every drill-down list is a WHERE over the very same statement with the very same figure
definition (:func:`figure_defs`), so a figure and its list of cases cannot disagree.

Definitions, the as-of semantics and the unsettled classification setting are written up in
``docs/statistics.md``.
"""
from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import BigInteger, ColumnElement, and_, cast, func, literal, or_, select, true
from sqlalchemy import case as when

from thads.extensions import db
from thads.models import Case, CaseEvent, Target, Unit, User
from thads.models.cases import FINAL_STATES
from thads.services.audit import AMOUNT_EDITS
from thads.services.errors import Forbidden, InvalidInput, NotFound
from thads.services.permissions import roles_for

# Who may read the statistics (the web page, the CLI passes no user).
REPORT_ROLES = roles_for("reports")
TARGET_ROLES = roles_for("targets")
STANDARD_MONTHS = (3, 6, 10, 12)
SUSPENDED_AS_CHOICES = ("in_progress", "postponed")
# Law 106/2025 (from this date) sends on-request cases back after two years not enforceable;
# before it, Decree 62/2015 Art 9(5) put every such case in the separate register.
NEW_LAW_FROM = date(2026, 7, 1)
# National targets (domain.md, "Statistics"), in hundredths of a percent: cases, money.
DEFAULT_TARGETS: dict[int, tuple[int, int]] = {2023: (8250, 4550), 2024: (8325, 4645), 2025: (8390, 5190)}
# A postponement counts as "by agreement" (Art 48(1)(c)) when its recorded ground says so. The
# workflow records the ground as free text, so the words are matched (lower-cased).
AGREEMENT_WORDS = ("thỏa thuận", "thoả thuận", "thoa thuan", "đồng ý hoãn", "dong y hoan")

# The buckets a case falls in as of the cut-off, from its workflow state's ``stat_group``.
ENFORCEABLE_BUCKETS = ("completed", "terminated", "in_progress", "postponed")
OUT_BUCKETS = ("entrusted", "recalled")

def N_(text: str) -> str:
    """Mark a heading for the translation catalogue (pybabel extracts ``N_``); the page
    translates it where it is shown. A no-op here: services stay free of Flask."""
    return text


# Figure keys in the order of the form, with their Vietnamese headings.
FIGURES: tuple[tuple[str, str], ...] = (
    ("total", N_("Tổng số thụ lý")),
    ("brought_forward", N_("Năm trước chuyển sang")),
    ("new", N_("Thụ lý mới")),
    ("entrusted", N_("Ủy thác đi")),
    ("recalled", N_("Thu hồi, hủy quyết định")),
    ("to_enforce", N_("Tổng số phải thi hành")),
    ("enforceable", N_("Có điều kiện thi hành")),
    ("completed", N_("Thi hành xong")),
    ("terminated", N_("Đình chỉ")),
    ("in_progress", N_("Đang thi hành")),
    ("postponed", N_("Hoãn")),
    ("suspended", N_("Trong đó: tạm đình chỉ")),
    ("not_enforceable", N_("Chưa có điều kiện thi hành")),
    ("carried_forward", N_("Chuyển kỳ sau")),
)
FIGURE_KEYS = tuple(k for k, _ in FIGURES)
MEASURES = ("cases", "money")


# --------------------------------------------------------------------------- periods

def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, _calendar.monthrange(year, month)[1]))


def years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


@dataclass(frozen=True)
class Period:
    """``months`` months from 1 October of statistical year ``year`` (named by its end year).

    ``as_of`` is the date the figures are taken at: events dated after it are ignored. It defaults
    to the period's last day; a date inside the period gives the figures so far.
    """

    year: int
    months: int = 12
    as_of: date | None = None

    def __post_init__(self):
        if not 1 <= self.months <= 12:
            raise InvalidInput("Kỳ báo cáo phải từ 1 đến 12 tháng.", fields={"months": "Từ 1 đến 12."})
        if not 2000 <= self.year <= 2100:
            raise InvalidInput("Năm thống kê không hợp lệ.", fields={"year": "Không hợp lệ."})
        if self.as_of is not None and self.as_of < self.start:
            raise InvalidInput("Ngày số liệu không được trước ngày đầu kỳ.", fields={"as_of": "Trước đầu kỳ."})

    @property
    def start(self) -> date:
        return date(self.year - 1, 10, 1)

    @property
    def end(self) -> date:
        return add_months(self.start, self.months) - timedelta(days=1)

    @property
    def cutoff(self) -> date:
        return min(self.end, self.as_of) if self.as_of else self.end

    def label_vi(self) -> str:
        return (f"{self.months} tháng năm thống kê {self.year} "
                f"(từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}), số liệu tính đến {self.cutoff:%d/%m/%Y}")


# --------------------------------------------------------------------------- classification

def state_groups() -> dict[str, str]:
    """State name → statistical group, from the workflow definitions (the law as data)."""
    from workflows import WORKFLOWS

    groups: dict[str, str] = {}
    for wf in WORKFLOWS.values():
        for st in wf.states:
            seen = groups.setdefault(st.name, st.stat_group)
            if seen != st.stat_group:
                raise RuntimeError(f"state {st.name} has stat_group {seen} and {st.stat_group}")
    return groups


def _bucket_of_group(group: str) -> str | None:
    """The form's bucket of a ``stat_group``; ``None`` for refused requests (never accepted)."""
    return {
        "pending": "in_progress",  # received, no decision yet: enforceable until decided otherwise
        "in_progress": "in_progress",
        "refused": None,
    }.get(group, group)


def unit_ids_under(unit: Unit):
    return select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))


STATE_WIDTH = 64  # > number of states: (seq * 64 + state code) orders by seq and carries the state
UNIT_WIDTH = 1 << 32  # (seq * 2^32 + unit id) likewise carries the unit snapshot


def _state_codes() -> dict[str, int]:
    return {name: i + 1 for i, name in enumerate(sorted(state_groups()))}


def classified(unit: Unit, period: Period, suspended_as: str = "in_progress", *, fence: bool = False):
    """One row per case counted in the report of ``unit`` (and every unit below it).

    Columns: ``case_id``, ``unit_id`` (the unit as of the cut-off), ``kind``, ``state`` (as of the
    cut-off), ``origin`` (``bf`` brought forward, ``new`` registered in the period, ``reopened``
    back from the separate register), ``bucket`` (completed, terminated, in_progress, postponed,
    not_enforceable, entrusted, recalled), ``suspended`` (1/0), and money in đồng: ``handled``
    (remaining at the period start, or the amount for a new case), ``collected`` and ``reduced``
    within the period, ``rest`` (= handled − collected − reduced, remaining at the cut-off).

    ``fence`` (for the GROUP BY over all cases) keeps PostgreSQL from inlining the per-case level
    into the per-unit aggregate, which would re-evaluate the classification once per figure; a
    drill-down page leaves it off so that its keyset and LIMIT reach the event scan.
    """
    if suspended_as not in SUSPENDED_AS_CHOICES:
        raise InvalidInput("Cách phân loại tạm đình chỉ không hợp lệ.", fields={"suspended_as": suspended_as})
    start, cutoff = period.start, period.cutoff
    day_before = start - timedelta(days=1)
    E = CaseEvent
    before = E.on < start
    is_coll = and_(E.kind == "payment", E.trigger == "collection")
    is_red = and_(E.kind == "payment", E.trigger == "reduction")
    # The amount to enforce: the registration's, corrected by later edits of the obligations.
    is_amount = or_(E.kind == "registered", and_(E.kind == "edited", E.trigger.in_(AMOUNT_EDITS)))
    units = unit_ids_under(unit)
    codes = _state_codes()
    ne = codes["not_enforceable"]
    state_code = when(codes, value=E.to_state, else_=0)
    seq_state = E.seq * STATE_WIDTH + state_code
    ground = func.lower(E.inputs["ground"].as_string())
    # The postpone form's "by agreement" box decides; older records fall back on the ground's words.
    by_agreement = E.inputs["by_agreement"].as_boolean() == true()
    agreed = when((or_(by_agreement, *(ground.like(f"%{w}%") for w in AGREEMENT_WORDS)), 1), else_=0)

    # One pass: a GROUP BY over the events up to the cut-off. Events of a case are in `seq` order
    # and never dated before the previous one (the services refuse it), so "the last event on or
    # before D" is the one with MAX(seq) among those with on <= D; packing the state (or unit)
    # into the same integer as seq gives that event's state without joining back (which cost
    # minutes at national scale).
    agg = (
        select(
            E.case_id.label("case_id"),
            func.max(Case.kind).label("kind"),
            func.max(seq_state).label("cut_key"),
            func.max(when((before, seq_state))).label("prev_key"),
            # last event before the period that was not "not enforceable", and last event on or
            # before (day before − 2 years): the "not enforceable" run is ≥ 2 years long iff the
            # latter comes after the former.
            func.max(when((and_(before, E.to_state != "not_enforceable"), E.seq))).label("prev_live"),
            func.max(when((E.on <= years_before(day_before, 2), E.seq))).label("seq_2y"),
            func.max(cast(E.seq, BigInteger) * UNIT_WIDTH + E.unit_id).label("unit_key"),
            func.max(when((E.trigger == "postpone", E.seq * 2 + agreed))).label("postpone_key"),
            func.min(when((E.kind == "registered", E.on))).label("registered_on"),
            func.sum(when((is_amount, E.amount_delta), else_=0)).label("amount"),
            func.sum(when((and_(is_coll, before), E.amount_delta), else_=0)).label("coll_prev"),
            func.sum(when((and_(is_red, before), E.amount_delta), else_=0)).label("red_prev"),
            func.sum(when((and_(is_coll, E.on >= start), E.amount_delta), else_=0)).label("coll_in"),
            func.sum(when((and_(is_red, E.on >= start), E.amount_delta), else_=0)).label("red_in"),
        )
        .select_from(E)
        .join(Case, Case.id == E.case_id)
        .where(E.on <= cutoff, Case.unit_id.in_(units))
        .group_by(E.case_id)
        .subquery("agg")
    )
    a = agg.c
    cut_code = a.cut_key % STATE_WIDTH
    prev_code = a.prev_key % STATE_WIDTH
    final_codes = [codes[s] for s in FINAL_STATES if s in codes]
    old_law = day_before < NEW_LAW_FROM
    # Separate register (sổ theo dõi riêng) on the day before the period: not enforceable for two
    # years or more — every case under the old law, ex-officio cases under Law 106/2025.
    separate = and_(prev_code == ne, func.coalesce(a.seq_2y, 0) > func.coalesce(a.prev_live, 0),
                    true() if old_law else a.kind == "ex_officio")
    open_before = and_(a.registered_on < start, prev_code.not_in(final_codes))
    origin = when(
        (a.registered_on >= start, literal("new")),
        (and_(open_before, ~separate), literal("bf")),
        (and_(open_before, separate, cut_code != ne), literal("reopened")),
        else_=None,
    )
    agreed_pp = a.postpone_key % 2 == 1
    whens = []
    for state, group in sorted(state_groups().items()):
        bucket = _bucket_of_group(group)
        if bucket is None:
            continue
        if group == "suspended":
            whens.append((cut_code == codes[state], literal(suspended_as)))
        elif group == "postponed":
            whens.append((and_(cut_code == codes[state], agreed_pp), literal("postponed")))
            whens.append((cut_code == codes[state], literal(suspended_as)))
        else:
            whens.append((cut_code == codes[state], literal(bucket)))
    bucket = when(*whens, else_=None)
    suspended_codes = [codes[s] for s, g in state_groups().items() if g == "suspended"]
    state_name = when({c: literal(s) for s, c in codes.items()}, value=cut_code, else_=None)

    handled = a.amount - a.coll_prev - a.red_prev
    inner = (
        select(
            a.case_id, (a.unit_key % UNIT_WIDTH).label("unit_id"), a.kind.label("kind"),
            state_name.label("state"), a.registered_on.label("registered_on"),
            origin.label("origin"), bucket.label("bucket"),
            when((cut_code.in_(suspended_codes), 1), else_=0).label("suspended"),
            handled.label("handled"), a.coll_in.label("collected"), a.red_in.label("reduced"),
            (handled - a.coll_in - a.red_in).label("rest"),
        )
    )
    if fence:
        inner = inner.offset(0)  # PostgreSQL does not flatten a subquery with OFFSET
    inner = inner.subquery("inner")
    return (
        select(inner)
        .where(inner.c.origin.is_not(None), inner.c.bucket.is_not(None), inner.c.unit_id.in_(units))
        .subquery("classified")
    )


def figure_defs(c) -> dict[str, tuple[ColumnElement, ColumnElement]]:
    """Figure → (condition for the case count, the case's money in that figure).

    The money of a case is split: what was collected in the period counts as completed money,
    what was reduced as terminated money, and what remains at the cut-off (``rest``) goes with
    the case's bucket. So the form's identities hold for money exactly as for cases.
    """
    c = c.c
    b = c.bucket
    zero = literal(0)

    def rest_if(cond):
        return when((cond, c.rest), else_=zero)

    out = b.in_(OUT_BUCKETS)
    new = c.origin.in_(("new", "reopened"))
    return {
        "total": (true(), c.handled),
        "brought_forward": (c.origin == "bf", when((c.origin == "bf", c.handled), else_=zero)),
        "new": (new, when((new, c.handled), else_=zero)),
        "entrusted": (b == "entrusted", rest_if(b == "entrusted")),
        "recalled": (b == "recalled", rest_if(b == "recalled")),
        "to_enforce": (~out, c.handled - rest_if(out)),
        "enforceable": (b.in_(ENFORCEABLE_BUCKETS),
                        c.handled - rest_if(or_(out, b == "not_enforceable"))),
        "completed": (b == "completed", c.collected + rest_if(b == "completed")),
        "terminated": (b == "terminated", c.reduced + rest_if(b == "terminated")),
        "in_progress": (b == "in_progress", rest_if(b == "in_progress")),
        "postponed": (b == "postponed", rest_if(b == "postponed")),
        "suspended": (c.suspended == 1, rest_if(c.suspended == 1)),
        "not_enforceable": (b == "not_enforceable", rest_if(b == "not_enforceable")),
        "carried_forward": (b.in_(("in_progress", "postponed", "not_enforceable")),
                            rest_if(b.in_(("in_progress", "postponed", "not_enforceable")))),
    }


# --------------------------------------------------------------------------- figures and rates

@dataclass
class Figures:
    cases: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURE_KEYS, 0))
    money: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURE_KEYS, 0))

    def add(self, other: Figures) -> None:
        for k in FIGURE_KEYS:
            self.cases[k] += other.cases[k]
            self.money[k] += other.money[k]

    @property
    def rate_cases(self) -> Fraction | None:
        d = self.cases["enforceable"]
        return Fraction(self.cases["completed"] + self.cases["terminated"], d) if d else None

    @property
    def rate_money(self) -> Fraction | None:
        d = self.money["enforceable"]
        return Fraction(self.money["completed"], d) if d else None


def percent(rate: Fraction | None) -> Decimal | None:
    """A rate as a percentage rounded half-up to one decimal (85.9)."""
    if rate is None:
        return None
    return (Decimal(rate.numerator) * 100 / Decimal(rate.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def points(rate: Fraction | None, target_bp: int | None) -> Decimal | None:
    """Gap to the target in percentage points, rounded to one decimal (+1.9)."""
    if rate is None or target_bp is None:
        return None
    gap = rate * 100 - Fraction(target_bp, 100)
    return (Decimal(gap.numerator) / Decimal(gap.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Row:
    unit_id: int
    code: str
    name: str
    depth: int
    scope: str  # "tree": the unit and every unit below it; "own": the unit's own cases only
    figures: Figures
    target: tuple[int, int] | None  # (cases_bp, money_bp)

    @property
    def label(self) -> str:
        return self.name if self.scope == "tree" else f"{self.name} (trực tiếp thụ lý)"

    @property
    def rate_cases(self) -> Decimal | None:
        return percent(self.figures.rate_cases)

    @property
    def rate_money(self) -> Decimal | None:
        return percent(self.figures.rate_money)

    @property
    def target_cases(self) -> Decimal | None:
        return Decimal(self.target[0]) / 100 if self.target else None

    @property
    def target_money(self) -> Decimal | None:
        return Decimal(self.target[1]) / 100 if self.target else None

    @property
    def gap_cases(self) -> Decimal | None:
        return points(self.figures.rate_cases, self.target[0] if self.target else None)

    @property
    def gap_money(self) -> Decimal | None:
        return points(self.figures.rate_money, self.target[1] if self.target else None)

    def to_json(self) -> dict:
        def num(d):
            return float(d) if d is not None else None

        return {
            "unit": self.code, "name": self.name, "scope": self.scope, "depth": self.depth,
            "cases": dict(self.figures.cases), "money": dict(self.figures.money),
            "rate_cases": num(self.rate_cases), "rate_money": num(self.rate_money),
            "target_cases": num(self.target_cases), "target_money": num(self.target_money),
            "gap_cases": num(self.gap_cases), "gap_money": num(self.gap_money),
        }


@dataclass
class Report:
    unit: Unit
    period: Period
    suspended_as: str
    rows: list[Row]

    @property
    def total(self) -> Row:
        return self.rows[0]

    def row(self, code: str, scope: str = "tree") -> Row:
        return next(r for r in self.rows if r.code == code and r.scope == scope)

    def to_json(self) -> dict:
        p = self.period
        return {
            "unit": self.unit.code, "year": p.year, "months": p.months, "start": p.start.isoformat(),
            "end": p.end.isoformat(), "as_of": p.cutoff.isoformat(), "suspended_as": self.suspended_as,
            "rows": [r.to_json() for r in self.rows],
        }


def own_figures(unit: Unit, period: Period, suspended_as: str = "in_progress") -> dict[int, Figures]:
    """Figures per unit id for the units' own cases (no roll-up), one GROUP BY."""
    c = classified(unit, period, suspended_as, fence=True)
    defs = figure_defs(c)
    cols = [c.c.unit_id]
    for key in FIGURE_KEYS:
        cond, money = defs[key]
        cols.append(func.sum(when((cond, 1), else_=0)).label(f"n_{key}"))
        cols.append(func.sum(money).label(f"m_{key}"))
    out: dict[int, Figures] = {}
    for row in db.session.execute(select(*cols).group_by(c.c.unit_id)).mappings():
        f = Figures()
        for key in FIGURE_KEYS:
            f.cases[key] = int(row[f"n_{key}"] or 0)
            f.money[key] = int(row[f"m_{key}"] or 0)
        out[row["unit_id"]] = f
    return out


def build_report(unit: Unit, period: Period, suspended_as: str | None = None) -> Report:
    """The report of ``unit``: a row per unit of its tree (a total and an own-cases row for a unit
    with units below it), figures for cases and money, rates and the gap to each row's target."""
    suspended_as = suspended_as or _setting()
    own = own_figures(unit, period, suspended_as)
    units = db.session.scalars(
        select(Unit).where(Unit.path.startswith(unit.path, autoescape=True)).order_by(Unit.code)
    ).all()
    children: dict[int | None, list[Unit]] = {}
    for u in units:
        children.setdefault(u.parent_id, []).append(u)
    targets = _targets_for_year(period.year)
    rows: list[Row] = []

    def walk(u: Unit, depth: int) -> Figures:
        tree = Figures()
        tree.add(own.get(u.id, Figures()))
        index = len(rows)
        target = target_for(u, period.year, targets)
        rows.append(Row(u.id, u.code, u.name, depth, "tree", tree, target))
        kids = children.get(u.id, [])
        if kids:
            rows.append(Row(u.id, u.code, u.name, depth + 1, "own", own.get(u.id, Figures()), target))
        for k in kids:
            tree.add(walk(k, depth + 1))
        rows[index].figures = tree
        return tree

    walk(unit, 0)
    return Report(unit=unit, period=period, suspended_as=suspended_as, rows=rows)


@dataclass
class DrillRow:
    case_id: int
    display_number: str
    unit_code: str
    kind: str
    received_on: date
    state: str
    origin: str
    amount: int  # the case's money in the figure (đồng); 0 for a case count


def drill_down(unit: Unit, period: Period, figure: str, measure: str = "cases", *, row_unit: Unit | None = None,
               scope: str = "tree", suspended_as: str | None = None, after_id: int = 0,
               limit: int | None = None) -> list[DrillRow]:
    """The cases behind one figure of one row, by case id (keyset: ``after_id``, ``limit``)."""
    if figure not in FIGURE_KEYS or measure not in MEASURES or scope not in ("tree", "own"):
        raise InvalidInput("Chỉ tiêu thống kê không hợp lệ.", fields={"figure": figure})
    row_unit = row_unit or unit
    if not row_unit.path.startswith(unit.path):
        raise NotFound("Đơn vị không thuộc báo cáo.")
    c = classified(unit, period, suspended_as or _setting())
    cond, money = figure_defs(c)[figure]
    where = cond if measure == "cases" else money != 0
    unit_filter = (c.c.unit_id == row_unit.id) if scope == "own" else c.c.unit_id.in_(unit_ids_under(row_unit))
    stmt = (
        select(c.c.case_id, Case.number, Case.stat_year, Unit.code, c.c.kind, c.c.registered_on, c.c.state,
               c.c.origin, money.label("amount"))
        .join(Case, Case.id == c.c.case_id).join(Unit, Unit.id == c.c.unit_id)
        .where(where, unit_filter, c.c.case_id > after_id)
        .order_by(c.c.case_id)
    )
    if limit:
        stmt = stmt.limit(limit)
    return [
        DrillRow(r.case_id, f"{r.number}/{r.stat_year}", r.code, r.kind, r.registered_on, r.state, r.origin,
                 int(r.amount or 0) if measure == "money" else 0)
        for r in db.session.execute(stmt)
    ]


# --------------------------------------------------------------------------- targets

def ensure_default_targets() -> int:
    """Insert the national targets of ``DEFAULT_TARGETS`` that are missing; returns how many."""
    have = set(db.session.scalars(select(Target.stat_year).where(Target.unit_id.is_(None))))
    added = 0
    for year, (cases_bp, money_bp) in DEFAULT_TARGETS.items():
        if year not in have:
            db.session.add(Target(stat_year=year, unit_id=None, cases_bp=cases_bp, money_bp=money_bp))
            added += 1
    db.session.flush()
    return added


def _targets_for_year(year: int) -> dict[int | None, tuple[int, int]]:
    found = {t.unit_id: (t.cases_bp, t.money_bp)
             for t in db.session.scalars(select(Target).where(Target.stat_year == year))}
    if None not in found and year in DEFAULT_TARGETS:
        found[None] = DEFAULT_TARGETS[year]
    return found


def target_for(unit: Unit, year: int, targets: dict | None = None) -> tuple[int, int] | None:
    """The unit's own target, else the nearest unit above it that has one, else the national one."""
    targets = _targets_for_year(year) if targets is None else targets
    ids = [int(x) for x in unit.path.strip("/").split("/") if x]
    for uid in reversed(ids):
        if uid in targets:
            return targets[uid]
    return targets.get(None)


def list_targets() -> list[Target]:
    return db.session.scalars(select(Target).order_by(Target.stat_year.desc(), Target.unit_id.nulls_first())).all()


def set_target(actor: User, year: int, unit_code: str | None, cases_pct, money_pct) -> Target:
    """Create or change the target of a statistical year for a unit (``None``: national)."""
    if not actor.has_role(*TARGET_ROLES):
        raise Forbidden("Chỉ quản trị viên được sửa chỉ tiêu.")
    errors: dict[str, str] = {}
    try:
        year = int(year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["stat_year"] = "Năm thống kê không hợp lệ."
    values = {}
    for key, raw in (("cases", cases_pct), ("money", money_pct)):
        try:
            text = str(raw).replace(",", ".").strip()
            # A percentage is at most "100.00": refuse anything else before Decimal expands
            # "1e300000" into a number that takes seconds of CPU to round.
            if not re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,2})?", text):
                raise ValueError(text)
            pct = Decimal(text)
            bp = int((pct * 100).to_integral_value(ROUND_HALF_UP))
            if not 0 <= bp <= 10000 or pct * 100 != bp:
                raise ValueError
            values[key] = bp
        except (ArithmeticError, ValueError):
            errors[key] = "Tỷ lệ phải từ 0 đến 100, tối đa hai chữ số thập phân."
    unit_id = None
    if unit_code:
        unit = db.session.scalars(select(Unit).where(Unit.code == unit_code)).first()
        if unit is None:
            errors["unit"] = "Không có đơn vị này."
        else:
            unit_id = unit.id
    if errors:
        raise InvalidInput("Chỉ tiêu chưa hợp lệ.", fields=errors)
    target = db.session.scalars(select(Target).where(
        Target.stat_year == year, Target.unit_id.is_(None) if unit_id is None else Target.unit_id == unit_id)).first()
    if target is None:
        target = Target(stat_year=year, unit_id=unit_id)
        db.session.add(target)
    target.cases_bp, target.money_bp = values["cases"], values["money"]
    db.session.flush()
    return target


def delete_target(actor: User, target_id) -> None:
    if not actor.has_role(*TARGET_ROLES):
        raise Forbidden("Chỉ quản trị viên được sửa chỉ tiêu.")
    if isinstance(target_id, str) and target_id.isascii() and target_id.isdigit() and len(target_id) <= 10:
        target_id = int(target_id)
    if isinstance(target_id, bool) or not isinstance(target_id, int) or not 1 <= target_id <= 2**31 - 1:
        raise NotFound("Không có chỉ tiêu này.")
    target = db.session.get(Target, target_id)
    if target is None:
        raise NotFound("Không có chỉ tiêu này.")
    db.session.delete(target)
    db.session.flush()


# --------------------------------------------------------------------------- for a user

def report_unit(user: User | None, unit_code: str | None) -> Unit:
    """The unit a user asks a report for: in the user's scope, and the user must read reports."""
    if user is not None and not user.has_role(*REPORT_ROLES):
        raise Forbidden("Bạn không có quyền xem báo cáo thống kê.")
    if not unit_code:
        if user is None:
            raise InvalidInput("Cần chọn đơn vị.", fields={"unit": "Bắt buộc."})
        return user.unit
    unit = db.session.scalars(select(Unit).where(Unit.code == unit_code)).first()
    if unit is None or (user is not None and not unit.path.startswith(user.unit.path)):
        raise NotFound("Không có đơn vị này trong phạm vi của bạn.")
    return unit


def _setting() -> str:
    from flask import current_app

    return current_app.config.get("STATS_SUSPENDED_AS", "in_progress")
