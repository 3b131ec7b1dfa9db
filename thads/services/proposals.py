"""Proposals: an officer prepares a transition the law reserves to the head; the head decides.

Approving applies the transition through ``lifecycle.apply_transition`` as the head, so the
guards, the event and the deadlines are exactly those of the head doing it directly. Returning
needs a comment. Proposing, approving and returning are each recorded as a ``proposal`` event
on the case and notify the other side in-app.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from thads.extensions import db
from thads.models import (
    Case,
    CaseEvent,
    Notification,
    Proposal,
    Unit,
    User,
    UserRole,
    utcnow,
)
from thads.models.users import SIGNING_ROLES
from thads.services import audit, clock, inbox, lifecycle
from thads.services.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
)
from thads.services.permissions import roles_for
from thads.services.scope import get_case, in_scope
from thads.services.values import ValueProblem, clean_text
from workflows import machine as wm
from workflows import workflow_for

PROPOSE_ROLES = roles_for("propose")
NOTE_MAX = 2000  # an officer's explanation or a head's comment


def transition_spec(case: Case, trigger: str, on: date | None = None):
    """The transition definition of ``trigger`` for ``case`` now (InvalidTransition if unknown)."""
    on = on or clock.today()
    wf = workflow_for(max(on, case.last_event_on))
    if trigger not in {t.trigger for t in wf.transitions}:
        raise InvalidTransition(f"Không có thao tác '{trigger}' trong quy trình.", reason="unknown_trigger")
    return wf.transition(trigger)


def proposable(user: User, case: Case) -> list:
    """Head-only transitions available on ``case`` now that ``user`` may propose."""
    if not user.has_role(*PROPOSE_ROLES):
        return []
    return [t for t in lifecycle.available_transitions(user, case)
            if t.role == "head" or any(role == "head" for _n, _v, role in t.role_if)]


@lifecycle.conflict_on_stale
def propose(actor: User, case_id: int, trigger: str, *, inputs: dict | None = None, note: str = "",
            version: int | None = None, today: date | None = None) -> Proposal:
    today = today or clock.today()
    if not actor.has_role(*PROPOSE_ROLES):
        raise Forbidden("Bạn không có quyền lập đề xuất.")
    case = get_case(actor, case_id, for_update=True)
    lifecycle.check_version(case, version)
    spec = transition_spec(case, trigger, today)
    if trigger not in {t.trigger for t in lifecycle.available_transitions(actor, case, today)}:
        raise InvalidTransition("Thao tác này không thực hiện được ở trạng thái hiện tại của việc.",
                                reason="not_available")
    clean, errors = wm.validate_inputs(spec, inputs or {}, on=today)
    if errors:
        raise InvalidInput("Thông tin nhập chưa hợp lệ.", fields=errors)
    if spec.required_role(clean) != "head":
        raise InvalidInput("Thao tác này chấp hành viên tự thực hiện, không cần đề xuất.",
                           fields={"trigger": "Không cần đề xuất."})
    waiting = db.session.scalar(select(Proposal.id).where(
        Proposal.case_id == case.id, Proposal.trigger == trigger, Proposal.status == "pending"))
    if waiting is not None:
        raise Conflict("Đã có một đề xuất cùng nội dung đang chờ Thủ trưởng quyết định.", proposal_id=waiting)
    note = _text(note, "note")
    raw_inputs = audit._jsonable(clean)
    proposal = Proposal(case_id=case.id, unit_id=case.unit_id, trigger=trigger, inputs=raw_inputs,
                        note=note, case_version=case.version, status="pending",
                        proposed_by_id=actor.id, created_at=utcnow())
    db.session.add(proposal)
    db.session.flush()
    audit.append_event(case, actor, "proposal", today, trigger=trigger, from_state=case.state,
                       to_state=case.state, inputs={"action": "proposed", "proposal_id": proposal.id,
                                                    "inputs": raw_inputs, "note": proposal.note})
    for head in signers_for(case):
        _notify(head, proposal, "new", f"Đề xuất chờ duyệt: {spec.label_vi} – việc số {case.display_number}",
                f"{actor.full_name} đề xuất: {spec.label_vi}. {proposal.note}".strip())
    db.session.flush()
    return proposal


def _text(value, field: str) -> str:
    try:
        return clean_text(value or "", max_length=NOTE_MAX, multiline=True)
    except ValueProblem as exc:
        raise InvalidInput(str(exc), fields={field: str(exc)}) from None


def get_proposal(user: User, proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not in_scope(user, proposal.unit_id):
        raise NotFound("Không tìm thấy đề xuất.")
    return proposal


@lifecycle.conflict_on_stale
def approve(actor: User, proposal_id: int, *, on=None, today: date | None = None) -> Proposal:
    """Apply the proposed transition as ``actor`` (a head or deputy) and close the proposal."""
    if not actor.has_role(*SIGNING_ROLES):
        raise Forbidden("Chỉ Thủ trưởng hoặc Phó Thủ trưởng được duyệt đề xuất.")
    proposal = _pending(actor, proposal_id)
    case = lifecycle.apply_transition(actor, proposal.case_id, proposal.trigger, on=on,
                                      inputs=dict(proposal.inputs or {}), today=today)
    event_id = db.session.scalar(select(CaseEvent.id).where(CaseEvent.case_id == case.id)
                                 .order_by(CaseEvent.seq.desc()).limit(1))
    proposal.status, proposal.decided_by_id, proposal.decided_at = "approved", actor.id, utcnow()
    proposal.event_id = event_id
    inbox.resolve_proposal(proposal.id)
    spec = transition_spec(case, proposal.trigger, today)
    _notify(proposal.proposed_by, proposal, "approved",
            f"Đề xuất đã được duyệt: {spec.label_vi} – việc số {case.display_number}",
            f"{actor.full_name} đã duyệt đề xuất của bạn.")
    db.session.flush()
    return proposal


@lifecycle.conflict_on_stale
def return_proposal(actor: User, proposal_id: int, *, comment: str, today: date | None = None) -> Proposal:
    """Send the proposal back to the officer with the head's comment; nothing changes on the case."""
    today = today or clock.today()
    if not actor.has_role(*SIGNING_ROLES):
        raise Forbidden("Chỉ Thủ trưởng hoặc Phó Thủ trưởng được trả lại đề xuất.")
    comment = _text(comment, "comment")
    if not comment:
        raise InvalidInput("Hãy ghi lý do trả lại.", fields={"comment": "Hãy ghi lý do trả lại."})
    proposal = _pending(actor, proposal_id)
    case = get_case(actor, proposal.case_id, for_update=True)  # the event moves the case's chain head
    proposal.status, proposal.decided_by_id, proposal.decided_at = "returned", actor.id, utcnow()
    proposal.comment = comment
    inbox.resolve_proposal(proposal.id)
    audit.append_event(case, actor, "proposal", max(today, case.last_event_on), trigger=proposal.trigger,
                       from_state=case.state, to_state=case.state,
                       inputs={"action": "returned", "proposal_id": proposal.id, "comment": comment})
    spec = transition_spec(case, proposal.trigger, today)
    _notify(proposal.proposed_by, proposal, "returned",
            f"Đề xuất bị trả lại: {spec.label_vi} – việc số {case.display_number}", comment)
    db.session.flush()
    return proposal


def case_proposals(case_id: int) -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).where(Proposal.case_id == case_id)
                                   .order_by(Proposal.id.desc())))


def signers_for(case: Case) -> list[User]:
    """Heads/deputies of the case's unit, or of the nearest unit above that has one."""
    unit: Unit | None = case.unit
    while unit is not None:
        users = list(db.session.scalars(
            select(User).join(UserRole, UserRole.user_id == User.id)
            .where(User.unit_id == unit.id, User.active.is_(True), UserRole.role.in_(SIGNING_ROLES))
            .order_by(User.id)).unique())
        if users:
            return users
        unit = unit.parent
    return []


def _pending(actor: User, proposal_id: int) -> Proposal:
    proposal = get_proposal(actor, proposal_id)
    get_case(actor, proposal.case_id)
    if proposal.status != "pending":
        raise Conflict("Đề xuất này đã được xử lý.", status=proposal.status)
    return proposal


def _notify(user: User, proposal: Proposal, what: str, subject: str, body: str) -> None:
    db.session.add(Notification(
        user_id=user.id, case_id=proposal.case_id, proposal_id=proposal.id, step="proposal", channel="inapp",
        status="sent",
        dedup_key=f"proposal:{proposal.id}:{what}:{user.id}", subject=subject[:300], body=body,
        created_at=utcnow(), sent_at=utcnow(),
    ))
