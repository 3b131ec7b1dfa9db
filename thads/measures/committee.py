"""Hard cases and the provincial steering committee (Ban chỉ đạo THADS): member agencies,
meetings, tasks per hard case with due dates, answers, conclusions and next review dates; the
committee's report per quarter and per year.

A task's due date is a ``deadline`` row of the case (kind ``committee_task``, the date the
committee set, see ``workflows.rules``): the reminder sweep reminds the officer who follows the
case and escalates to the unit's supervisors like any deadline; the answer closes it. Every
change is an event of the case's trail (kinds ``hard_case`` and ``committee``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy import case as when

from thads.extensions import db
from thads.models import (
    Case,
    CaseEvent,
    CoercionPlan,
    CommitteeAgency,
    CommitteeMeeting,
    CommitteeTask,
    Deadline,
    HardCase,
    HardCaseReview,
    MeasureStep,
    Unit,
    User,
)
from thads.services import audit, clock, lifecycle
from thads.services import deadlines as dl
from thads.services.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from thads.services.permissions import roles_for
from thads.services.scope import get_case, scope_units
from thads.services.values import ValueProblem, clean_text, parse_date
from workflows.measures import AGENCY_KINDS, HARD_CASE_REASONS
from workflows.planning import PlannedDeadline
from workflows.rules import rule_for

SIGN_ROLES = roles_for("sign")
COMMITTEE_ROLES = roles_for("committee")
ANSWER_ROLES = roles_for("committee_answer")
LIST_ROLES = roles_for("hard_cases")
REASON_KEYS = tuple(k for k, _, _ in HARD_CASE_REASONS)
AGENCY_KEYS = tuple(k for k, _, _ in AGENCY_KINDS)
NAME_MAX = CommitteeAgency.__table__.c.name.type.length
TITLE_MAX = CommitteeMeeting.__table__.c.title.type.length
TEXT_MAX = 4000
BASIS = "Ban chỉ đạo thi hành án dân sự tỉnh"


def _need(actor: User, roles, message: str) -> None:
    if not actor.has_role(*roles):
        raise Forbidden(message)


def _text(raw, name: str, label: str, *, max_length: int = TEXT_MAX, multiline: bool = True,
          required: bool = True) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise InvalidInput(f"Hãy nhập {label.lower()}.", fields={name: "Bắt buộc."})
        return ""
    try:
        return clean_text(raw, max_length=max_length, multiline=multiline)
    except ValueProblem as exc:
        raise InvalidInput(str(exc), fields={name: str(exc)}) from None


def _date(raw, name: str, label: str, *, required: bool = True, **kw) -> date | None:
    if raw in (None, ""):
        if required:
            raise InvalidInput(f"Hãy nhập {label.lower()}.", fields={name: "Bắt buộc."})
        return None
    try:
        return parse_date(raw, field_label=label, **kw)
    except ValueProblem as exc:
        raise InvalidInput(str(exc), fields={name: str(exc)}) from None


def committee_unit(user: User) -> Unit:
    """The province whose committee ``user`` works with: the user's unit or the nearest above it
    that is a province (a regional office's hard cases go to its province's committee)."""
    unit = user.unit
    while unit is not None and unit.kind != "province" and unit.parent is not None:
        unit = unit.parent
    return unit


def _event(actor: User, case: Case, kind: str, trigger: str, on: date, **inputs) -> CaseEvent:
    on = max(on, case.last_event_on)
    case.last_event_on = on
    return audit.append_event(case, actor, kind, on, trigger=trigger, from_state=case.state, to_state=case.state,
                              inputs=inputs, legal_basis=BASIS)


# --------------------------------------------------------------------------- hard cases

@lifecycle.conflict_on_stale
def mark_hard_case(actor: User, case_id: int, *, reason, note=None, next_review_on=None,
                   today: date | None = None) -> HardCase:
    """A head marks a case as difficult or complex, with the reason's category."""
    _need(actor, SIGN_ROLES, "Chỉ Thủ trưởng, Phó Thủ trưởng được xác định việc khó khăn, phức tạp.")
    today = today or clock.today()
    case = get_case(actor, case_id, for_update=True)
    if case.state in ("refused", "entrusted", "terminated", "sent_back", "completed"):
        raise InvalidTransition("Việc thi hành án đã kết thúc.", reason="wrong_state")
    if reason not in REASON_KEYS:
        raise InvalidInput("Hãy chọn lý do.", fields={"reason": "Chọn một lý do."})
    if db.session.scalars(select(HardCase.id).where(HardCase.case_id == case.id, HardCase.status == "open")).first():
        raise InvalidInput("Việc này đã được xác định là việc khó khăn, phức tạp.", fields={"reason": "Đã có."})
    review = _date(next_review_on, "next_review_on", "Ngày xem xét lại", required=False, not_before=today)
    hard = HardCase(case_id=case.id, unit_id=case.unit_id, reason=reason, opened_on=today, opened_by_id=actor.id,
                    status="open", next_review_on=review,
                    reason_note=_text(note, "note", "Ghi chú", required=False))
    db.session.add(hard)
    db.session.flush()
    _event(actor, case, "hard_case", "marked", today, hard_case_id=hard.id, reason=reason)
    db.session.flush()
    return hard


def get_hard_case(user: User, hard_case_id: int, *, for_update: bool = False) -> HardCase:
    if not isinstance(hard_case_id, int) or not 0 < hard_case_id < 2**31:
        raise NotFound("Không tìm thấy việc khó khăn, phức tạp.")
    stmt = select(HardCase).where(HardCase.id == hard_case_id, HardCase.unit_id.in_(scope_units(user)))
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    hard = db.session.scalars(stmt).first()
    if hard is None:
        raise NotFound("Không tìm thấy việc khó khăn, phức tạp.")
    return hard


@lifecycle.conflict_on_stale
def settle_hard_case(actor: User, hard_case_id: int, *, note, today: date | None = None) -> HardCase:
    """The case is no longer difficult (settled); its open tasks are closed with it."""
    _need(actor, SIGN_ROLES, "Chỉ Thủ trưởng, Phó Thủ trưởng được kết luận việc khó khăn, phức tạp đã giải quyết.")
    today = today or clock.today()
    hard = get_hard_case(actor, hard_case_id, for_update=True)
    if hard.status != "open":
        raise InvalidTransition("Việc này đã được kết luận.", reason="wrong_state")
    case = get_case(actor, hard.case_id, for_update=True)
    hard.status, hard.settled_on = "settled", today
    hard.settled_note = _text(note, "note", "Kết quả giải quyết")
    event = _event(actor, case, "hard_case", "settled", today, hard_case_id=hard.id)
    for task in hard.tasks:
        if task.status == "open":
            task.status, task.closed_on = "cancelled", today
            _close_deadline(task, event, "cancelled")
    dl.refresh_next_due(case)
    db.session.flush()
    return hard


# --------------------------------------------------------------------------- agencies, meetings

def agencies(unit: Unit, active_only: bool = True) -> list[CommitteeAgency]:
    stmt = select(CommitteeAgency).where(CommitteeAgency.unit_id == unit.id)
    if active_only:
        stmt = stmt.where(CommitteeAgency.active.is_(True))
    return list(db.session.scalars(stmt.order_by(CommitteeAgency.id)))


def add_agency(actor: User, kind: str, name) -> CommitteeAgency:
    _need(actor, COMMITTEE_ROLES, "Bạn không có quyền quản lý thành viên Ban chỉ đạo.")
    unit = committee_unit(actor)
    if kind not in AGENCY_KEYS:
        raise InvalidInput("Loại cơ quan không hợp lệ.", fields={"kind": "Không hợp lệ."})
    text = _text(name, "name", "Tên cơ quan", max_length=NAME_MAX, multiline=False)
    if db.session.scalars(select(CommitteeAgency).where(CommitteeAgency.unit_id == unit.id,
                                                        CommitteeAgency.name == text)).first():
        raise InvalidInput("Cơ quan này đã có trong Ban chỉ đạo.", fields={"name": "Đã có."})
    row = CommitteeAgency(unit_id=unit.id, kind=kind, name=text, active=True)
    db.session.add(row)
    db.session.flush()
    return row


def ensure_default_agencies(unit: Unit) -> int:
    """The usual member agencies of a province's committee, for a province that has none yet."""
    if db.session.scalars(select(CommitteeAgency.id).where(CommitteeAgency.unit_id == unit.id)).first():
        return 0
    for kind, name, _en in AGENCY_KINDS:
        if kind != "other":
            db.session.add(CommitteeAgency(unit_id=unit.id, kind=kind, name=name, active=True))
    db.session.flush()
    return len(AGENCY_KINDS) - 1


def add_meeting(actor: User, *, held_on, title, chaired_by=None, notes=None, today: date | None = None
                ) -> CommitteeMeeting:
    _need(actor, COMMITTEE_ROLES, "Bạn không có quyền ghi nhận cuộc họp Ban chỉ đạo.")
    today = today or clock.today()
    row = CommitteeMeeting(
        unit_id=committee_unit(actor).id, created_by_id=actor.id,
        held_on=_date(held_on, "held_on", "Ngày họp", not_after=today),
        title=_text(title, "title", "Nội dung cuộc họp", max_length=TITLE_MAX, multiline=False),
        chaired_by=_text(chaired_by, "chaired_by", "Chủ trì", max_length=200, multiline=False, required=False),
        notes=_text(notes, "notes", "Ghi chú", required=False))
    db.session.add(row)
    db.session.flush()
    return row


def meetings(unit: Unit) -> list[CommitteeMeeting]:
    return list(db.session.scalars(select(CommitteeMeeting).where(CommitteeMeeting.unit_id == unit.id)
                                   .order_by(CommitteeMeeting.held_on.desc(), CommitteeMeeting.id.desc())))


def _meeting(actor: User, meeting_id) -> CommitteeMeeting | None:
    if meeting_id in (None, ""):
        return None
    try:
        mid = int(meeting_id)
    except (TypeError, ValueError):
        mid = 0
    row = db.session.get(CommitteeMeeting, mid) if 0 < mid < 2**31 else None
    if row is None or row.unit_id != committee_unit(actor).id:
        raise InvalidInput("Cuộc họp không hợp lệ.", fields={"meeting_id": "Không hợp lệ."})
    return row


# --------------------------------------------------------------------------- tasks, reviews

@lifecycle.conflict_on_stale
def give_task(actor: User, hard_case_id: int, *, agency_id, description, due_on, meeting_id=None,
              today: date | None = None) -> CommitteeTask:
    """The committee gives a member agency a task for a hard case, due on a date: the date
    becomes a deadline of the case (reminded to its officer, escalated to the supervisors)."""
    _need(actor, COMMITTEE_ROLES, "Bạn không có quyền giao nhiệm vụ của Ban chỉ đạo.")
    today = today or clock.today()
    hard = get_hard_case(actor, hard_case_id, for_update=True)
    if hard.status != "open":
        raise InvalidTransition("Việc này đã được kết luận.", reason="wrong_state")
    try:
        aid = int(agency_id)
    except (TypeError, ValueError):
        aid = 0
    agency = db.session.get(CommitteeAgency, aid) if 0 < aid < 2**31 else None
    if agency is None or agency.unit_id != committee_unit(actor).id or not agency.active:
        raise InvalidInput("Hãy chọn cơ quan thành viên.", fields={"agency_id": "Không hợp lệ."})
    meeting = _meeting(actor, meeting_id)
    given_on = meeting.held_on if meeting else today
    due = _date(due_on, "due_on", "Hạn hoàn thành", not_before=given_on, not_after=given_on + timedelta(days=3660),
                future=True)
    case = get_case(actor, hard.case_id, for_update=True)
    task = CommitteeTask(hard_case_id=hard.id, case_id=case.id, meeting_id=meeting.id if meeting else None,
                         agency_id=agency.id, description=_text(description, "description", "Nội dung nhiệm vụ"),
                         given_on=given_on, due_on=due, status="open", created_by_id=actor.id)
    db.session.add(task)
    db.session.flush()
    event = _event(actor, case, "committee", "task_given", today, task_id=task.id, agency=agency.name,
                   due_on=due.isoformat())
    # The committee's date is the due date itself (a "fixed" rule: basis = due, never recomputed).
    rule = rule_for("committee_task", due)
    row = dl.store(case, PlannedDeadline("committee_task", rule, due, due), event)
    db.session.flush()
    task.deadline_id = row.id
    dl.refresh_next_due(case)
    db.session.flush()
    return task


def _close_deadline(task: CommitteeTask, event: CaseEvent, status: str | None = None) -> None:
    row = db.session.get(Deadline, task.deadline_id) if task.deadline_id else None
    if row is not None and row.status == "open":
        row.status = status or ("met" if event.on <= row.due_on else "missed")
        row.closed_on, row.closed_by_event_id = event.on, event.id


@lifecycle.conflict_on_stale
def answer_task(actor: User, task_id: int, *, answer, on=None, today: date | None = None) -> CommitteeTask:
    """Record a member agency's answer to a task; its deadline is met (or missed if late)."""
    _need(actor, ANSWER_ROLES, "Bạn không có quyền ghi nhận trả lời của cơ quan thành viên.")
    today = today or clock.today()
    task = db.session.get(CommitteeTask, task_id) if isinstance(task_id, int) and 0 < task_id < 2**31 else None
    if task is None:
        raise NotFound("Không tìm thấy nhiệm vụ.")
    get_hard_case(actor, task.hard_case_id)  # scope
    if task.status != "open":
        raise InvalidTransition("Nhiệm vụ này đã được trả lời hoặc đã hủy.", reason="wrong_state")
    day = today if on in (None, "") else _date(on, "on", "Ngày trả lời", not_after=today, not_before=task.given_on)
    case = get_case(actor, task.case_id, for_update=True)
    task.answer = _text(answer, "answer", "Nội dung trả lời")
    task.status, task.answered_on, task.closed_on = "answered", day, day
    event = _event(actor, case, "committee", "task_answered", day, task_id=task.id)
    _close_deadline(task, event)
    dl.refresh_next_due(case)
    db.session.flush()
    return task


@lifecycle.conflict_on_stale
def add_review(actor: User, hard_case_id: int, *, conclusion, next_review_on=None, meeting_id=None,
               today: date | None = None) -> HardCaseReview:
    """The committee's conclusion on a hard case (at a meeting) and the next review date."""
    _need(actor, COMMITTEE_ROLES, "Bạn không có quyền ghi nhận kết luận của Ban chỉ đạo.")
    today = today or clock.today()
    hard = get_hard_case(actor, hard_case_id, for_update=True)
    meeting = _meeting(actor, meeting_id)
    on = meeting.held_on if meeting else today
    review = HardCaseReview(hard_case_id=hard.id, meeting_id=meeting.id if meeting else None, on=on,
                            conclusion=_text(conclusion, "conclusion", "Kết luận"), created_by_id=actor.id,
                            next_review_on=_date(next_review_on, "next_review_on", "Ngày xem xét lại",
                                                 required=False, not_before=on, future=True,
                                                 not_after=on + timedelta(days=3660)))
    db.session.add(review)
    hard.next_review_on = review.next_review_on
    case = get_case(actor, hard.case_id, for_update=True)
    db.session.flush()
    _event(actor, case, "committee", "concluded", today, hard_case_id=hard.id, review_id=review.id)
    db.session.flush()
    return review


# --------------------------------------------------------------------------- lists and the report

@dataclass
class HardCaseRow:
    hard: HardCase
    case: Case
    at_stake: int  # money still to enforce (as of the report's date)
    open_tasks: int
    overdue_tasks: int


def hard_case_list(user: User, *, status: str | None = "open", today: date | None = None) -> list[HardCaseRow]:
    _need(user, LIST_ROLES, "Bạn không có quyền xem danh sách việc khó khăn, phức tạp.")
    today = today or clock.today()
    stmt = (select(HardCase, Case).join(Case, Case.id == HardCase.case_id)
            .where(HardCase.unit_id.in_(scope_units(user))))
    if status in ("open", "settled"):
        stmt = stmt.where(HardCase.status == status)
    rows = db.session.execute(stmt.order_by(HardCase.opened_on.desc(), HardCase.id.desc()).limit(500)).all()
    tasks = _task_counts([h.id for h, _ in rows], today)
    return [HardCaseRow(h, c, c.remaining, *tasks.get(h.id, (0, 0))) for h, c in rows]


def _task_counts(ids: list[int], today: date) -> dict[int, tuple[int, int]]:
    if not ids:
        return {}
    stmt = (select(CommitteeTask.hard_case_id, func.count(),
                   func.sum(when((CommitteeTask.due_on < today, 1), else_=0)))
            .where(CommitteeTask.hard_case_id.in_(ids), CommitteeTask.status == "open")
            .group_by(CommitteeTask.hard_case_id))
    return {hid: (int(n), int(late or 0)) for hid, n, late in db.session.execute(stmt)}


QUARTERS = {1: (10, 12), 2: (1, 3), 3: (4, 6), 4: (7, 9)}  # quarters of the statistical year


def report_period(year: int, quarter: int | None) -> tuple[date, date]:
    """Statistical year ``year`` runs 01/10/(year−1)–30/09/year; quarter 1 is Oct–Dec."""
    if not 2000 <= year <= 2100:
        raise InvalidInput("Năm không hợp lệ.", fields={"year": "Không hợp lệ."})
    if quarter is None:
        return date(year - 1, 10, 1), date(year, 9, 30)
    if quarter not in QUARTERS:
        raise InvalidInput("Quý không hợp lệ.", fields={"quarter": "Từ 1 đến 4."})
    first, last = QUARTERS[quarter]
    y = year - 1 if quarter == 1 else year
    end = (date(y, last + 1, 1) if last < 12 else date(y + 1, 1, 1)) - timedelta(days=1)
    return date(y, first, 1), end


@dataclass
class ReportCase:
    hard: HardCase
    case: Case
    status: str  # open / settled, as of the cut-off
    at_stake: int
    tasks_open: list[CommitteeTask]
    last_conclusion: HardCaseReview | None
    # What happened since the last meeting: (date, Vietnamese, English) lines.
    results: list[tuple[date, str, str]] = field(default_factory=list)


@dataclass
class CommitteeReport:
    unit: Unit
    year: int
    quarter: int | None
    start: date
    end: date
    cutoff: date
    last_meeting: CommitteeMeeting | None
    cases: list[ReportCase]
    owed: list[tuple[CommitteeAgency, int, int]]  # agency, tasks still owed, of which overdue
    totals: dict[str, int]


def committee_report(user: User, year: int, quarter: int | None = None, as_of: date | None = None,
                     today: date | None = None) -> CommitteeReport:
    """The committee's report for a quarter or a year, as of a date: the hard cases with their
    status and money at stake, what each member agency still owes, and results since the last
    meeting. Everything is read from dated records, so a past date gives the figures of then."""
    _need(user, LIST_ROLES, "Bạn không có quyền xem báo cáo của Ban chỉ đạo.")
    today = today or clock.today()
    start, end = report_period(year, quarter)
    cutoff = min(end, as_of or end, today)
    if cutoff < start:
        raise InvalidInput("Ngày số liệu không được trước ngày đầu kỳ.", fields={"as_of": "Trước đầu kỳ."})
    unit = committee_unit(user)
    scope = select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))
    # The hard cases open at some time in the period (marked by the cut-off, not settled before it).
    rows = db.session.execute(
        select(HardCase, Case).join(Case, Case.id == HardCase.case_id)
        .where(HardCase.unit_id.in_(scope), HardCase.opened_on <= cutoff,
               or_(HardCase.settled_on.is_(None), HardCase.settled_on >= start))
        .order_by(HardCase.opened_on, HardCase.id)).all()
    ids = [h.id for h, _ in rows]
    case_ids = [c.id for _, c in rows]
    last_meeting = db.session.scalars(
        select(CommitteeMeeting).where(CommitteeMeeting.unit_id == unit.id, CommitteeMeeting.held_on <= cutoff)
        .order_by(CommitteeMeeting.held_on.desc(), CommitteeMeeting.id.desc()).limit(1)).first()
    since = last_meeting.held_on if last_meeting else start
    stakes = money_at(case_ids, cutoff)
    tasks = _outstanding_tasks(ids, cutoff)
    reviews: dict[int, HardCaseReview] = {}
    for r in db.session.scalars(select(HardCaseReview).where(HardCaseReview.hard_case_id.in_(ids or [0]),
                                                             HardCaseReview.on <= cutoff)
                                .order_by(HardCaseReview.on, HardCaseReview.id)):
        reviews[r.hard_case_id] = r
    results = _results_since(case_ids, since, cutoff)
    cases = []
    for h, c in rows:
        settled = h.settled_on is not None and h.settled_on <= cutoff
        cases.append(ReportCase(h, c, "settled" if settled else "open", stakes.get(c.id, 0),
                                [t for t in tasks if t.hard_case_id == h.id], reviews.get(h.id),
                                results.get(c.id, [])))
    owed_by: dict[int, list[int]] = {}
    for t in tasks:
        counts = owed_by.setdefault(t.agency_id, [0, 0])
        counts[0] += 1
        counts[1] += t.due_on < cutoff
    owed = [(a, *owed_by.get(a.id, [0, 0])) for a in agencies(unit, active_only=False)
            if a.active or a.id in owed_by]
    totals = {
        "cases": len(cases), "open": sum(1 for c in cases if c.status == "open"),
        "settled": sum(1 for c in cases if c.status == "settled"),
        "opened_in_period": sum(1 for h, _ in rows if h.opened_on >= start),
        "at_stake": sum(c.at_stake for c in cases if c.status == "open"),
        "tasks_owed": len(tasks), "tasks_overdue": sum(1 for t in tasks if t.due_on < cutoff),
    }
    return CommitteeReport(unit, year, quarter, start, end, cutoff, last_meeting, cases, owed, totals)


def money_at(case_ids: list[int], cutoff: date) -> dict[int, int]:
    """Money still to enforce per case as of ``cutoff``, from the events (as form 01 does)."""
    if not case_ids:
        return {}
    E = CaseEvent
    signed = when((E.kind == "registered", E.amount_delta),
                  (and_(E.kind == "payment", E.trigger.in_(("collection", "reduction"))), -E.amount_delta), else_=0)
    stmt = select(E.case_id, func.sum(signed)).where(E.case_id.in_(case_ids), E.on <= cutoff).group_by(E.case_id)
    return {cid: int(v) for cid, v in db.session.execute(stmt)}


def _outstanding_tasks(hard_ids: list[int], cutoff: date) -> list[CommitteeTask]:
    """Tasks given by the cut-off and neither answered nor cancelled by it."""
    if not hard_ids:
        return []
    return list(db.session.scalars(
        select(CommitteeTask).where(CommitteeTask.hard_case_id.in_(hard_ids), CommitteeTask.given_on <= cutoff,
                                    or_(CommitteeTask.closed_on.is_(None), CommitteeTask.closed_on > cutoff))
        .order_by(CommitteeTask.due_on, CommitteeTask.id)))


def _results_since(case_ids: list[int], since: date, cutoff: date) -> dict[int, list[tuple[date, str, str]]]:
    """What happened on each case after the last meeting, up to the cut-off: (date, vi, en)."""
    from workflows.measures import COERCION_OUTCOMES, MEASURE_KINDS, measure_for

    outcomes = {k: (vi, en) for k, vi, en in COERCION_OUTCOMES}
    out: dict[int, list[tuple[date, str, str]]] = {}
    if not case_ids:
        return out
    for step in db.session.scalars(select(MeasureStep).where(
            MeasureStep.case_id.in_(case_ids), MeasureStep.on > since, MeasureStep.on <= cutoff)
            .order_by(MeasureStep.on, MeasureStep.id)):
        measure = step.measure
        mk = MEASURE_KINDS[measure.kind]
        wf = measure_for(measure.kind, step.on) or measure_for(measure.kind, measure.started_on)
        t = wf.transition(step.trigger) if wf and wf.has_trigger(step.trigger) else None
        out.setdefault(step.case_id, []).append(
            (step.on, f"{mk.label_vi} — {t.label_vi if t else ''}", f"{mk.label_en} — {t.label_en if t else ''}"))
    for plan in db.session.scalars(select(CoercionPlan).where(
            CoercionPlan.case_id.in_(case_ids), CoercionPlan.carried_out_on > since,
            CoercionPlan.carried_out_on <= cutoff)):
        vi, en = outcomes.get(plan.outcome, ("", ""))
        out.setdefault(plan.case_id, []).append((plan.carried_out_on, f"Cưỡng chế: {vi}", f"Coercion: {en}"))
    for e in db.session.scalars(select(CaseEvent).where(
            CaseEvent.case_id.in_(case_ids), CaseEvent.on > since, CaseEvent.on <= cutoff,
            CaseEvent.kind == "payment", CaseEvent.trigger == "collection")):
        amount = f"{e.amount_delta:,}".replace(",", ".")
        out.setdefault(e.case_id, []).append((e.on, f"Thu {amount} ₫", f"Collected {amount} ₫"))
    for t in db.session.scalars(select(CommitteeTask).where(
            CommitteeTask.case_id.in_(case_ids), CommitteeTask.answered_on > since,
            CommitteeTask.answered_on <= cutoff)):
        out.setdefault(t.case_id, []).append((t.answered_on, f"{t.agency.name} đã trả lời nhiệm vụ",
                                              f"{t.agency.name} answered its task"))
    for lines in out.values():
        lines.sort(key=lambda x: x[0])
    return out
