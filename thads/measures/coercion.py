"""Coercion plans and days (Art 46, 72, 73): draft, approve, send, police protection, postpone or
call off, outcome; the days a head marks as without coercion; the unit's coercion calendar.

Each change is an event of the case's hash-chained trail (kind ``coercion``). The day and hour
of a coercion are checked by ``workflows.measures.coercion_refusal`` with the unit's locally
excluded days: drafting, approving and moving a plan to a refused day is refused with the
message naming the rule. Services flush; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select

from thads.extensions import db
from thads.models import Case, CoercionDispatch, CoercionExcludedDay, CoercionPlan, Measure, Unit, User
from thads.services import audit, clock, lifecycle
from thads.services import deadlines as dl
from thads.services.errors import Conflict, Forbidden, InvalidInput, InvalidTransition, NotFound
from thads.services.permissions import roles_for
from thads.services.scope import get_case, scope_units
from thads.services.values import ValueProblem, clean_text, parse_date, parse_money
from workflows.measures import COERCION_OUTCOMES, COST_BEARERS, RECIPIENTS, coercion_refusal
from workflows.rules import LAW_2008, law_for

COERCION_ROLES = roles_for("coercion")
SIGN_ROLES = roles_for("sign")
CALENDAR_ROLES = roles_for("coercion_calendar")
PLACE_MAX = CoercionPlan.__table__.c.place.type.length
NAME_MAX = CoercionDispatch.__table__.c.recipient_name.type.length
REF_MAX = CoercionDispatch.__table__.c.reference.type.length
REASON_MAX = CoercionExcludedDay.__table__.c.reason.type.length
TEXT_MAX = 4000
HORIZON_DAYS = 366  # a plan is for the coming year at most
POLICE_ORDER = ("not_requested", "requested", "plan_received", "forces_confirmed")


def _need(actor: User, roles, message: str) -> None:
    if not actor.has_role(*roles):
        raise Forbidden(message)


def _text(raw, field_name: str, label: str, *, max_length: int = TEXT_MAX, multiline: bool = True,
          required: bool = True) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise InvalidInput(f"Hãy nhập {label.lower()}.", fields={field_name: "Bắt buộc."})
        return ""
    try:
        return clean_text(raw, max_length=max_length, multiline=multiline)
    except ValueProblem as exc:
        raise InvalidInput(str(exc), fields={field_name: str(exc)}) from None


def _date(raw, field_name: str, label: str, *, not_after: date | None = None, not_before: date | None = None,
          future: bool = False) -> date:
    try:
        kwargs = {"not_before": not_before} if not_before else {}
        return parse_date(raw, not_after=not_after, field_label=label, future=future, **kwargs)
    except ValueProblem as exc:
        raise InvalidInput(str(exc), fields={field_name: str(exc)}) from None


def _time(raw, field_name: str, label: str, required: bool = True) -> time | None:
    if isinstance(raw, time):
        return raw
    if raw in (None, ""):
        if required:
            raise InvalidInput(f"Hãy nhập {label.lower()}.", fields={field_name: "Bắt buộc."})
        return None
    text = str(raw).strip()
    try:
        hours, minutes = text.split(":")
        if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
            raise ValueError(text)
        return time(int(hours), int(minutes))
    except ValueError:
        raise InvalidInput(f"{label} không hợp lệ (giờ:phút, ví dụ 08:00).",
                           fields={field_name: "Giờ không hợp lệ (HH:MM)."}) from None


def _money(raw, field_name: str) -> int:
    if raw in (None, ""):
        return 0
    try:
        return parse_money(raw)
    except ValueProblem as exc:
        raise InvalidInput(str(exc), fields={field_name: str(exc)}) from None


# --------------------------------------------------------------------------- days

def excluded_days(unit: Unit, start: date | None = None, end: date | None = None) -> dict[date, str]:
    """Days without coercion marked for ``unit`` or any unit above it (a province's day holds for
    its offices)."""
    ids = [int(x) for x in unit.path.strip("/").split("/") if x]
    stmt = select(CoercionExcludedDay.on, CoercionExcludedDay.reason).where(CoercionExcludedDay.unit_id.in_(ids))
    if start:
        stmt = stmt.where(CoercionExcludedDay.on >= start)
    if end:
        stmt = stmt.where(CoercionExcludedDay.on <= end)
    return dict(db.session.execute(stmt).all())


def check_day(unit: Unit, on: date, start: time, end: time | None) -> None:
    """Refuse a coercion at that time with the message naming the rule (Art 46(2))."""
    refusal = coercion_refusal(dl.calendar(), on, start, end, excluded_days(unit, on, on))
    if refusal is not None:
        field_name = "start_time" if refusal.rule == "night" else "planned_on"
        raise InvalidInput(refusal.message_vi, fields={field_name: refusal.message_vi}, rule=refusal.rule)


def mark_excluded_day(actor: User, on, reason, *, today: date | None = None) -> CoercionExcludedDay:
    """A head marks a day of their unit as without coercion (a special local situation)."""
    _need(actor, SIGN_ROLES, "Chỉ Thủ trưởng, Phó Thủ trưởng được xác định ngày không tổ chức cưỡng chế.")
    today = today or clock.today()
    day = _date(on, "on", "Ngày", not_before=today, not_after=today + timedelta(days=HORIZON_DAYS), future=True)
    text = _text(reason, "reason", "Lý do", max_length=REASON_MAX, multiline=False)
    if db.session.scalars(select(CoercionExcludedDay).where(CoercionExcludedDay.unit_id == actor.unit_id,
                                                            CoercionExcludedDay.on == day)).first():
        raise InvalidInput(f"Ngày {day:%d/%m/%Y} đã được xác định là ngày không cưỡng chế.", fields={"on": "Đã có."})
    row = CoercionExcludedDay(unit_id=actor.unit_id, on=day, reason=text, created_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    return row


def remove_excluded_day(actor: User, day_id: int) -> None:
    _need(actor, SIGN_ROLES, "Chỉ Thủ trưởng, Phó Thủ trưởng được sửa ngày không tổ chức cưỡng chế.")
    row = db.session.get(CoercionExcludedDay, day_id)
    if row is None or row.unit_id != actor.unit_id:
        raise NotFound("Không tìm thấy ngày này.")
    db.session.delete(row)
    db.session.flush()


def unit_excluded_days(actor: User) -> list[CoercionExcludedDay]:
    return list(db.session.scalars(select(CoercionExcludedDay).where(
        CoercionExcludedDay.unit_id == actor.unit_id).order_by(CoercionExcludedDay.on)))


# --------------------------------------------------------------------------- plans

def get_plan(user: User, plan_id: int, *, for_update: bool = False) -> CoercionPlan:
    """A plan of a unit in ``user``'s scope (else NotFound, the same answer as a missing one)."""
    if not isinstance(plan_id, int) or not 0 < plan_id < 2**31:
        raise NotFound("Không tìm thấy kế hoạch cưỡng chế.")
    stmt = select(CoercionPlan).where(CoercionPlan.id == plan_id, CoercionPlan.unit_id.in_(scope_units(user)))
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    plan = db.session.scalars(stmt).first()
    if plan is None:
        raise NotFound("Không tìm thấy kế hoạch cưỡng chế.")
    return plan


def _event(actor: User, case: Case, trigger: str, on: date, plan: CoercionPlan, **inputs) -> None:
    """One event of the case's trail for a change of the plan (the event date never goes back)."""
    on = max(on, case.last_event_on)
    case.last_event_on = on
    audit.append_event(case, actor, "coercion", on, trigger=trigger, from_state=case.state, to_state=case.state,
                       inputs={"plan_id": plan.id, **inputs}, legal_basis=plan_basis(on))


def plan_basis(on: date) -> str:
    """The article on coercion plans for a step taken on ``on``."""
    if law_for(on) == LAW_2008:
        return "Điều 46, 72, 73 Luật THADS 2008 (sửa đổi 2014)"
    return "Luật 106/2025/QH15 (kế hoạch cưỡng chế; điều khoản chưa xác nhận)"


@lifecycle.conflict_on_stale
def draft_plan(actor: User, case_id: int, data: dict, *, today: date | None = None) -> CoercionPlan:
    """The officer drafts a coercion plan (Art 72): measures, date, time and place, how it will
    proceed, the forces needed and the protection asked of the police, the cost estimate."""
    _need(actor, COERCION_ROLES, "Bạn không có quyền lập kế hoạch cưỡng chế.")
    today = today or clock.today()
    case = get_case(actor, case_id, for_update=True)
    if case.state != "enforcing":
        raise InvalidTransition("Chỉ lập kế hoạch cưỡng chế khi việc đang ở trạng thái «Có điều kiện thi hành».",
                                reason="wrong_state")
    plan = CoercionPlan(case_id=case.id, unit_id=case.unit_id, drafted_by_id=actor.id, drafted_on=today,
                        status="draft", police_status="not_requested", postponements=0, police_intervened=False,
                        cost_borne_by="debtor")
    _fill(plan, case, data, today)
    db.session.add(plan)
    db.session.flush()
    _event(actor, case, "plan_drafted", today, plan, planned_on=plan.planned_on.isoformat(),
           start_time=plan.start_time.strftime("%H:%M"))
    db.session.flush()
    return plan


def _fill(plan: CoercionPlan, case: Case, data: dict, today: date) -> None:
    measure_id = data.get("measure_id")
    if measure_id not in (None, ""):
        try:
            measure_id = int(measure_id)
        except (TypeError, ValueError):
            measure_id = 0
        measure = db.session.get(Measure, measure_id) if 0 < measure_id < 2**31 else None
        if measure is None or measure.case_id != case.id:
            raise InvalidInput("Biện pháp không thuộc hồ sơ này.", fields={"measure_id": "Không hợp lệ."})
        plan.measure_id = measure.id
    plan.measures_text = _text(data.get("measures_text"), "measures_text", "Biện pháp cưỡng chế")
    plan.planned_on = _date(data.get("planned_on"), "planned_on", "Ngày cưỡng chế", not_before=today,
                            not_after=today + timedelta(days=HORIZON_DAYS), future=True)
    plan.start_time = _time(data.get("start_time"), "start_time", "Giờ bắt đầu")
    plan.end_time = _time(data.get("end_time"), "end_time", "Giờ kết thúc", required=False)
    if plan.end_time is not None and plan.end_time <= plan.start_time:
        raise InvalidInput("Giờ kết thúc phải sau giờ bắt đầu.", fields={"end_time": "Phải sau giờ bắt đầu."})
    plan.place = _text(data.get("place"), "place", "Địa điểm", max_length=PLACE_MAX, multiline=False)
    plan.procedure = _text(data.get("procedure"), "procedure", "Cách thức tiến hành")
    plan.forces = _text(data.get("forces"), "forces", "Lực lượng tham gia")
    plan.protection = _text(data.get("protection"), "protection", "Đề nghị bảo vệ", required=False)
    plan.cost_estimate = _money(data.get("cost_estimate"), "cost_estimate")
    check_day(case.unit, plan.planned_on, plan.start_time, plan.end_time)


def _plan_case(actor: User, plan: CoercionPlan) -> Case:
    return get_case(actor, plan.case_id, for_update=True)


def _check_version(plan: CoercionPlan, version) -> None:
    if version is None:
        return
    if isinstance(version, bool) or not isinstance(version, int) or version != plan.version:
        raise Conflict("Kế hoạch đã được người khác cập nhật. Hãy tải lại và thực hiện lại.")


@lifecycle.conflict_on_stale
def approve_plan(actor: User, plan_id: int, *, version=None, today: date | None = None) -> CoercionPlan:
    """The head approves a drafted plan (the day is checked again: a day may have been excluded
    since it was drafted)."""
    _need(actor, SIGN_ROLES, "Chỉ Thủ trưởng, Phó Thủ trưởng được duyệt kế hoạch cưỡng chế.")
    today = today or clock.today()
    plan = get_plan(actor, plan_id, for_update=True)
    _check_version(plan, version)
    if plan.status != "draft":
        raise InvalidTransition("Chỉ duyệt được kế hoạch đang ở dạng dự thảo.", reason="wrong_state")
    case = _plan_case(actor, plan)
    if plan.planned_on < today:
        raise InvalidInput("Ngày cưỡng chế đã qua; hãy lập lại kế hoạch.", fields={"planned_on": "Đã qua."})
    check_day(case.unit, plan.planned_on, plan.start_time, plan.end_time)
    plan.status, plan.approved_by_id, plan.approved_on = "approved", actor.id, today
    _event(actor, case, "plan_approved", today, plan)
    db.session.flush()
    return plan


RECIPIENT_KEYS = tuple(r for r, _, _ in RECIPIENTS)


@lifecycle.conflict_on_stale
def record_dispatch(actor: User, plan_id: int, recipient: str, *, name, sent_on, reference=None,
                    today: date | None = None) -> CoercionDispatch:
    """Record that the approved plan was sent to the procuracy, the police or the commune (Art
    72(2): at once), with the date. Sending to the police asks for their protection plan."""
    _need(actor, COERCION_ROLES, "Bạn không có quyền ghi nhận việc gửi kế hoạch cưỡng chế.")
    today = today or clock.today()
    plan = get_plan(actor, plan_id, for_update=True)
    if plan.status not in ("approved", "postponed", "carried_out"):
        raise InvalidTransition("Kế hoạch phải được duyệt trước khi gửi.", reason="wrong_state")
    if recipient not in RECIPIENT_KEYS:
        raise InvalidInput("Nơi nhận không hợp lệ.", fields={"recipient": "procuracy, police hoặc commune."})
    if any(d.recipient == recipient for d in plan.dispatches):
        raise InvalidInput("Đã ghi nhận việc gửi cho nơi nhận này.", fields={f"{recipient}_on": "Đã ghi nhận."})
    day = _date(sent_on, f"{recipient}_on", "Ngày gửi", not_after=today, not_before=plan.approved_on)
    row = CoercionDispatch(plan_id=plan.id, recipient=recipient, sent_on=day, recorded_by_id=actor.id,
                           recipient_name=_text(name, f"{recipient}_name", "Tên nơi nhận", max_length=NAME_MAX,
                                                multiline=False),
                           reference=_text(reference, f"{recipient}_reference", "Số văn bản", max_length=REF_MAX,
                                           multiline=False, required=False) or None)
    db.session.add(row)
    if recipient == "police" and plan.protection and plan.police_status == "not_requested":
        plan.police_status, plan.police_requested_on = "requested", day
    case = _plan_case(actor, plan)
    _event(actor, case, "plan_sent", day, plan, recipient=recipient, name=row.recipient_name)
    db.session.flush()
    return row


@lifecycle.conflict_on_stale
def update_police(actor: User, plan_id: int, status: str, *, on, forces=None, today: date | None = None
                  ) -> CoercionPlan:
    """Track the police protection plan: requested → plan received → forces confirmed."""
    _need(actor, COERCION_ROLES, "Bạn không có quyền cập nhật việc bảo vệ cưỡng chế.")
    today = today or clock.today()
    plan = get_plan(actor, plan_id, for_update=True)
    if status not in POLICE_ORDER[1:]:
        raise InvalidInput("Trạng thái không hợp lệ.", fields={"police_status": "Không hợp lệ."})
    if plan.status in ("cancelled", "draft"):
        raise InvalidTransition("Kế hoạch chưa được duyệt hoặc đã hủy.", reason="wrong_state")
    if POLICE_ORDER.index(status) <= POLICE_ORDER.index(plan.police_status):
        raise InvalidTransition("Trạng thái bảo vệ này đã được ghi nhận.", reason="already_recorded")
    day = _date(on, "police_on", "Ngày", not_after=today, not_before=plan.drafted_on)
    if status == "requested":
        plan.police_requested_on = day
    elif status == "plan_received":
        plan.police_requested_on = plan.police_requested_on or day
        plan.police_plan_received_on = day
    else:
        if forces in (None, ""):
            raise InvalidInput("Hãy nhập số cán bộ, chiến sĩ Công an được bố trí.", fields={"police_forces": "Bắt buộc."})
        try:
            n = int(forces)
        except (TypeError, ValueError):
            n = -1
        if not 0 < n < 10000:
            raise InvalidInput("Số lực lượng không hợp lệ.", fields={"police_forces": "Từ 1 đến 9999."})
        plan.police_requested_on = plan.police_requested_on or day
        plan.police_plan_received_on = plan.police_plan_received_on or day
        plan.police_confirmed_on, plan.police_forces = day, n
    plan.police_status = status
    _event(actor, _plan_case(actor, plan), "police_" + status, day, plan)
    db.session.flush()
    return plan


@lifecycle.conflict_on_stale
def postpone_plan(actor: User, plan_id: int, *, reason, new_date=None, new_start=None, today: date | None = None
                  ) -> CoercionPlan:
    """Postpone a planned coercion, with the reason; with a new date (checked like the first) it
    stays approved for that day, without one it waits as postponed."""
    _need(actor, COERCION_ROLES, "Bạn không có quyền hoãn cưỡng chế.")
    today = today or clock.today()
    plan = get_plan(actor, plan_id, for_update=True)
    if plan.status not in ("approved", "postponed"):
        raise InvalidTransition("Chỉ hoãn được kế hoạch đã duyệt, chưa thực hiện.", reason="wrong_state")
    text = _text(reason, "reason", "Lý do hoãn")
    case = _plan_case(actor, plan)
    if new_date not in (None, ""):
        day = _date(new_date, "new_date", "Ngày cưỡng chế mới", not_before=today,
                    not_after=today + timedelta(days=HORIZON_DAYS), future=True)
        start = _time(new_start, "new_start", "Giờ bắt đầu", required=False) or plan.start_time
        check_day(case.unit, day, start, plan.end_time if plan.end_time and plan.end_time > start else None)
        plan.planned_on, plan.start_time, plan.status = day, start, "approved"
    else:
        plan.status = "postponed"
    plan.postponements += 1
    plan.last_reason = text
    _event(actor, case, "plan_postponed", today, plan, reason=text,
           planned_on=plan.planned_on.isoformat() if plan.status == "approved" else None)
    db.session.flush()
    return plan


@lifecycle.conflict_on_stale
def cancel_plan(actor: User, plan_id: int, *, reason, today: date | None = None) -> CoercionPlan:
    """Call off a coercion, with the reason."""
    _need(actor, COERCION_ROLES, "Bạn không có quyền hủy kế hoạch cưỡng chế.")
    today = today or clock.today()
    plan = get_plan(actor, plan_id, for_update=True)
    if plan.status in ("cancelled", "carried_out"):
        raise InvalidTransition("Kế hoạch đã kết thúc.", reason="wrong_state")
    plan.last_reason = _text(reason, "reason", "Lý do")
    plan.status, plan.cancelled_on = "cancelled", today
    _event(actor, _plan_case(actor, plan), "plan_cancelled", today, plan, reason=plan.last_reason)
    db.session.flush()
    return plan


OUTCOME_KEYS = tuple(k for k, _, _ in COERCION_OUTCOMES)
BEARER_KEYS = tuple(k for k, _, _ in COST_BEARERS)


@lifecycle.conflict_on_stale
def record_outcome(actor: User, plan_id: int, *, outcome, police_intervened=False, note=None, actual_cost=None,
                   cost_borne_by="debtor", on=None, today: date | None = None) -> CoercionPlan:
    """What happened on the day: done, partly, obstructed (with or without police intervention),
    the actual cost and who bears it (the debtor by default, Art 73)."""
    _need(actor, COERCION_ROLES, "Bạn không có quyền ghi nhận kết quả cưỡng chế.")
    today = today or clock.today()
    plan = get_plan(actor, plan_id, for_update=True)
    if plan.status != "approved":
        raise InvalidTransition("Chỉ ghi nhận kết quả của kế hoạch đã duyệt, chưa hoãn, chưa hủy.", reason="wrong_state")
    if outcome not in OUTCOME_KEYS:
        raise InvalidInput("Kết quả không hợp lệ.", fields={"outcome": "Chọn một kết quả."})
    if (cost_borne_by or "debtor") not in BEARER_KEYS:
        raise InvalidInput("Người chịu chi phí không hợp lệ.", fields={"cost_borne_by": "Không hợp lệ."})
    day = plan.planned_on if on in (None, "") else _date(on, "on", "Ngày cưỡng chế", not_after=today,
                                                           not_before=plan.planned_on)
    if day > today:
        raise InvalidInput("Chưa đến ngày cưỡng chế.", fields={"on": "Chưa đến ngày cưỡng chế."})
    plan.outcome, plan.police_intervened = outcome, bool(police_intervened)
    plan.outcome_note = _text(note, "note", "Ghi chú", required=False) or None
    plan.actual_cost = _money(actual_cost, "actual_cost") if actual_cost not in (None, "") else None
    plan.cost_borne_by = cost_borne_by or "debtor"
    plan.status, plan.carried_out_on = "carried_out", day
    _event(actor, _plan_case(actor, plan), "plan_outcome", day, plan, outcome=outcome,
           police_intervened=plan.police_intervened, actual_cost=plan.actual_cost, cost_borne_by=plan.cost_borne_by)
    db.session.flush()
    return plan


def case_plans(case_id: int) -> list[CoercionPlan]:
    return list(db.session.scalars(select(CoercionPlan).where(CoercionPlan.case_id == case_id)
                                   .order_by(CoercionPlan.planned_on, CoercionPlan.id)))


def police_supported(plan: CoercionPlan) -> bool:
    """The police took part: forces confirmed, or they intervened on the day."""
    return plan.police_status == "forces_confirmed" or plan.police_intervened


# --------------------------------------------------------------------------- calendar

@dataclass
class CalendarDay:
    on: date
    refusal: object | None  # a CoercionRefusal when no coercion may be organised that day
    plans: list = field(default_factory=list)  # (plan, case)


@dataclass
class CoercionCalendar:
    unit: Unit
    week_start: date
    days: list[CalendarDay]


def calendar_unit(user: User, unit_id: int | None) -> Unit:
    _need(user, CALENDAR_ROLES, "Bạn không có quyền xem lịch cưỡng chế.")
    if unit_id is None:
        return user.unit
    unit = db.session.get(Unit, unit_id)
    if unit is None or not unit.path.startswith(user.unit.path):
        raise NotFound("Không tìm thấy đơn vị trong phạm vi của bạn.")
    return unit


def coercion_calendar(user: User, unit_id: int | None = None, week_of: date | None = None) -> CoercionCalendar:
    """The week (Monday to Sunday) of the unit and every unit below it: planned coercions per day
    with their police status, and why a day has no coercion."""
    unit = calendar_unit(user, unit_id)
    week_of = week_of or clock.today()
    start = week_of - timedelta(days=week_of.weekday())
    end = start + timedelta(days=6)
    units = select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))
    rows = db.session.execute(
        select(CoercionPlan, Case).join(Case, Case.id == CoercionPlan.case_id)
        .where(CoercionPlan.unit_id.in_(units), CoercionPlan.planned_on >= start, CoercionPlan.planned_on <= end,
               CoercionPlan.status.in_(("approved", "carried_out", "draft")))
        .order_by(CoercionPlan.planned_on, CoercionPlan.start_time, CoercionPlan.id)).all()
    cal = dl.calendar()
    excluded = excluded_days(unit, start, end)
    days = [CalendarDay(on=d, refusal=coercion_refusal(cal, d, time(8), None, excluded))
            for d in (start + timedelta(days=i) for i in range(7))]
    for plan, case in rows:
        days[(plan.planned_on - start).days].plans.append((plan, case))
    return CoercionCalendar(unit=unit, week_start=start, days=days)
