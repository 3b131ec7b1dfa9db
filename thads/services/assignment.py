"""Reassigning cases to another officer: one case, a selection, or all of an officer's cases.

``reassign(..., dry_run=True)`` computes the plan and writes nothing; the same call with
``dry_run=False`` applies exactly that plan. Each moved case gets a ``reassigned`` event; its
open deadlines belong to the case and follow it unchanged; reminders not yet sent to the old
officer are handed to the new one (future reminders are addressed by the sweep to whoever is
the case's officer then); the new officer gets one in-app notification for the batch.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from thads.extensions import db
from thads.models import Case, Deadline, Notification, User, utcnow
from thads.services import audit, clock, inbox
from thads.services.errors import Conflict, Forbidden, InvalidInput
from thads.services.permissions import roles_for
from thads.services.scope import cases_for, get_case
from thads.services.values import ValueProblem, clean_text
from thads.services.worklist import OPEN_STATES
from workflows import law_for

REASSIGN_ROLES = roles_for("reassign")
# Reminder steps addressed to the case's officer (escalations go to the supervisor and stay).
OFFICER_STEPS = ("upcoming", "due", "overdue")
MAX_BATCH = 5000
MAX_LINKS = 200  # cases linked from the new officer's notification (the list says how many in all)
LEGAL_BASIS = {
    "law_2008": "Điều 10 Nghị định 62/2015/NĐ-CP",
    "law_2025": "Điều 13 Nghị định 152/2026/NĐ-CP",
}


@dataclass
class MoveItem:
    case: Case
    from_officer: User | None
    deadlines: list[Deadline] = field(default_factory=list)  # open: they follow the case
    reminders: list[Notification] = field(default_factory=list)  # pending, handed to the new officer


@dataclass
class ReassignPlan:
    to_officer: User
    items: list[MoveItem]
    skipped: list[tuple[Case, str]]
    dry_run: bool
    notification: Notification | None = None

    @property
    def versions(self) -> dict[int, int]:
        return {i.case.id: i.case.version for i in self.items}


def can_reassign(user: User) -> bool:
    return user.has_role(*REASSIGN_ROLES)


def reassign(actor: User, *, to_officer: str, case_ids: list[int] | None = None,
             from_officer: str | None = None, dry_run: bool = True, reason: str = "",
             versions: dict[int, int] | None = None, previewed_to: str | None = None,
             today: date | None = None) -> ReassignPlan:
    """Plan (``dry_run``) or apply the move of cases to ``to_officer`` (a username).

    Select either ``case_ids`` or every open case of ``from_officer`` in the actor's scope.
    ``versions`` (case id → version seen in the preview) turns a change made since the
    preview into a Conflict instead of moving something the supervisor did not see; when it is
    given, every case to move must be one of the preview (one that joined the selection since is a
    Conflict too). ``previewed_to`` (the officer the preview was for) must
    be ``to_officer``: confirming applies exactly what was previewed.
    """
    today = today or clock.today()
    try:
        reason = clean_text(reason or "", max_length=2000, multiline=True)
    except ValueProblem as exc:
        raise InvalidInput(str(exc), fields={"reason": str(exc)}) from None
    if not can_reassign(actor):
        raise Forbidden("Việc thay đổi chấp hành viên thuộc thẩm quyền của Thủ trưởng hoặc người được giao.")
    target = db.session.scalars(select(User).where(User.username == (to_officer or "").strip())).first()
    if target is None or not target.active or not target.has_role("officer") \
            or not target.unit.path.startswith(actor.unit.path):
        raise InvalidInput("Chấp hành viên nhận không hợp lệ.", fields={"to_officer": "Không có chấp hành viên này."})

    cases = _select(actor, case_ids, from_officer)
    items: list[MoveItem] = []
    skipped: list[tuple[Case, str]] = []
    for case in cases:
        if case.officer_id == target.id:
            skipped.append((case, "Việc đã do chấp hành viên này phụ trách."))
        elif case.state not in OPEN_STATES:
            skipped.append((case, "Việc đã kết thúc."))
        elif target.unit_id != case.unit_id:
            skipped.append((case, "Chấp hành viên nhận không thuộc đơn vị thụ lý việc này."))
        else:
            items.append(MoveItem(case=case, from_officer=case.officer))
    if not items and not skipped:
        raise InvalidInput("Không có việc nào được chọn.", fields={"cases": "Hãy chọn ít nhất một việc."})
    if previewed_to is not None and previewed_to != target.username:
        raise Conflict("Chấp hành viên nhận đã được đổi sau khi xem trước. Hãy xem trước lại với "
                       "chấp hành viên mới trước khi xác nhận.", previewed_to=previewed_to)
    if versions is not None and not dry_run:
        changed = [i.case.display_number for i in items
                   if i.case.id in versions and versions[i.case.id] != i.case.version]
        if changed:
            raise Conflict("Các việc sau đã thay đổi sau khi xem trước: " + ", ".join(changed)
                           + ". Hãy xem trước lại.", cases=changed)
        if any(i.case.id not in versions for i in items):  # nothing moves that was not previewed
            raise Conflict("Danh sách việc sẽ chuyển đã thay đổi sau khi xem trước. Hãy xem trước lại.")
    if not items and not dry_run:
        raise InvalidInput("Không có việc nào chuyển được cho chấp hành viên này.",
                           fields={"to_officer": "Không có việc nào chuyển được."})

    ids = [i.case.id for i in items]
    by_case = {i.case.id: i for i in items}
    if ids:
        for d in db.session.scalars(select(Deadline).where(Deadline.case_id.in_(ids), Deadline.status == "open")
                                    .order_by(Deadline.due_on, Deadline.id)):
            by_case[d.case_id].deadlines.append(d)
        for n in db.session.scalars(select(Notification).where(
                Notification.case_id.in_(ids), Notification.status == "pending",
                Notification.step.in_(OFFICER_STEPS)).order_by(Notification.id)):
            item = by_case[n.case_id]
            if item.from_officer is not None and n.user_id == item.from_officer.id:
                item.reminders.append(n)
    plan = ReassignPlan(to_officer=target, items=items, skipped=skipped, dry_run=dry_run)
    if dry_run or not items:
        return plan

    try:
        plan.notification = _apply(actor, target, items, reason, today)
    except StaleDataError:  # a case changed between our read and our write (at any flush)
        db.session.rollback()
        raise Conflict("Có việc vừa được người khác cập nhật. Hãy xem trước lại.") from None
    return plan


def _apply(actor: User, target: User, items: list[MoveItem], reason: str, today: date) -> Notification:
    """Move each case, record a ``reassigned`` event, hand pending reminders over, notify."""
    last_event = None
    for item in items:
        case = item.case
        on = max(today, case.last_event_on)
        case.officer_id = target.id
        case.officer = target
        case.last_event_on = on
        last_event = audit.append_event(
            case, actor, "reassigned", on, from_state=case.state, to_state=case.state,
            inputs={"from": item.from_officer.username if item.from_officer else None,
                    "to": target.username, "reason": reason or "",
                    "deadlines": [d.id for d in item.deadlines]},
            legal_basis=LEGAL_BASIS[law_for(on)],
        )
        for n in item.reminders:
            taken = db.session.scalar(select(Notification.id).where(
                Notification.deadline_id == n.deadline_id, Notification.step == n.step,
                Notification.user_id == target.id, Notification.channel == n.channel))
            if taken is None:
                n.user_id = target.id
            else:
                n.status = "cancelled"
                n.last_error = f"reassigned to {target.username}"
    inbox.resolve_reassigned((i.case.id, i.from_officer.id if i.from_officer else None) for i in items)
    notification = _notify(target, items, last_event)
    db.session.flush()
    return notification


def _select(actor: User, case_ids: list[int] | None, from_officer: str | None) -> list[Case]:
    if case_ids:
        if len(case_ids) > MAX_BATCH:
            raise InvalidInput(f"Chọn tối đa {MAX_BATCH} việc một lần.", fields={"cases": "Quá nhiều việc."})
        for cid in case_ids:
            get_case(actor, cid)  # NotFound for anything outside the actor's scope
        stmt = cases_for(actor).where(Case.id.in_(case_ids))
    elif from_officer:
        officer = db.session.scalars(select(User).where(User.username == from_officer)).first()
        if officer is None or not officer.unit.path.startswith(actor.unit.path):
            raise InvalidInput("Chấp hành viên không hợp lệ.", fields={"from_officer": "Không có chấp hành viên này."})
        stmt = cases_for(actor).where(Case.officer_id == officer.id, Case.state.in_(OPEN_STATES))
    else:
        raise InvalidInput("Không có việc nào được chọn.", fields={"cases": "Hãy chọn ít nhất một việc."})
    stmt = stmt.options(selectinload(Case.parties), selectinload(Case.officer)).order_by(Case.id)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=Case).execution_options(populate_existing=True)
    return list(db.session.scalars(stmt).unique())


def _notify(target: User, items: list[MoveItem], event) -> Notification:
    numbers = [i.case.display_number for i in items]
    shown = ", ".join(numbers[:20]) + ("…" if len(numbers) > 20 else "")
    note = Notification(
        user_id=target.id, case_id=items[0].case.id if len(items) == 1 else None, step="assigned",
        channel="inapp", status="sent", dedup_key=f"assigned:{event.id}:{target.id}",
        subject=(f"Bạn được giao việc số {numbers[0]}" if len(numbers) == 1
                 else f"Bạn được giao {len(numbers)} việc thi hành án"),
        body=f"Việc được giao: {shown}.", created_at=utcnow(), sent_at=utcnow(),
        case_ids=[i.case.id for i in items][:MAX_LINKS] if len(items) > 1 else None,
    )
    db.session.add(note)
    return note
