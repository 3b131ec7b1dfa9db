"""The user's in-app notifications (the inbox): reading them grouped by case, the unread count,
acknowledging, snoozing, the email preference — and resolving them when their cause is dealt with.

A notification asks for something (a deadline to meet, a proposal to decide). When that is done
— the deadline met, cancelled or moved, the proposal decided, the case handed to another officer —
the services that did it call the ``resolve_*`` functions here in the same transaction: the
notification stops counting as unread and shows what happened. Pending reminders of a closed or
moved deadline are cancelled at the same moment (the sweep and the delivery check it again).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import selectinload

from thads.extensions import db
from thads.models import Case, Deadline, Notification, Proposal, User
from thads.models.base import utcnow
from thads.services import clock
from thads.services.errors import InvalidInput, NotFound

# Reminder steps addressed to the case's officer (escalations go to the supervisors).
OFFICER_STEPS = ("upcoming", "due", "overdue")
CHUNK = 1000  # ids per IN (...) list


# --------------------------------------------------------------------------- reading


@dataclass
class Entry:
    """One notification with what its line shows (loaded in bulk, never one query per row)."""

    n: Notification
    case: Case | None = None
    cases: list[Case] = field(default_factory=list)  # several cases (an assignment, a digest)
    deadline_kind: str | None = None
    proposal: Proposal | None = None

    @property
    def unread(self) -> bool:
        return self.n.read_at is None and self.n.resolved_at is None

    @property
    def resolved(self) -> bool:
        return self.n.resolved_at is not None


@dataclass
class Group:
    """The notifications of one case (``case`` None: those about no single case)."""

    case: Case | None
    entries: list[Entry] = field(default_factory=list)

    @property
    def unread(self) -> int:
        return sum(1 for e in self.entries if e.unread)

    @property
    def newest(self) -> int:
        return max(e.n.id for e in self.entries)


def _visible(user: User, include_snoozed: bool, today: date):
    cond = [Notification.user_id == user.id, Notification.channel == "inapp", Notification.status == "sent"]
    if not include_snoozed:
        cond.append(or_(Notification.snoozed_until.is_(None), Notification.snoozed_until <= today))
    return cond


def unread_count(user: User, today: date | None = None) -> int:
    """Unread, unresolved in-app notifications (snoozed ones count again from their date)."""
    today = today or clock.today()
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(
            *_visible(user, False, today), Notification.read_at.is_(None), Notification.resolved_at.is_(None))
    ) or 0


def user_notifications(user: User, *, include_snoozed: bool = False, limit: int = 100,
                       today: date | None = None) -> list[Notification]:
    """The user's in-app notifications, newest first (snoozed ones hidden until their date)."""
    stmt = select(Notification).where(*_visible(user, include_snoozed, today or clock.today()))
    return list(db.session.scalars(stmt.order_by(Notification.id.desc()).limit(limit)))


def user_inbox(user: User, *, include_snoozed: bool = False, limit: int = 100,
               today: date | None = None) -> list[Group]:
    """The user's latest notifications grouped by case: groups with something unread first, then
    the most recent. Cases, deadline kinds and proposals are read in three queries."""
    rows = user_notifications(user, include_snoozed=include_snoozed, limit=limit, today=today)
    case_ids = {n.case_id for n in rows if n.case_id} | {i for n in rows for i in (n.case_ids or [])
                                                        if isinstance(i, int)}
    cases = {c.id: c for c in db.session.scalars(
        select(Case).where(Case.id.in_(case_ids)).options(selectinload(Case.parties))
    )} if case_ids else {}
    deadline_ids = {n.deadline_id for n in rows if n.deadline_id}
    kinds = dict(db.session.execute(select(Deadline.id, Deadline.kind).where(Deadline.id.in_(deadline_ids))).all()) \
        if deadline_ids else {}
    proposal_ids = {n.proposal_id for n in rows if n.proposal_id}
    proposals = {p.id: p for p in db.session.scalars(select(Proposal).where(Proposal.id.in_(proposal_ids)))} \
        if proposal_ids else {}

    groups: dict[int | None, Group] = {}
    for n in rows:
        entry = Entry(n=n, case=cases.get(n.case_id) if n.case_id else None,
                      cases=[cases[i] for i in (n.case_ids or []) if i in cases],
                      deadline_kind=kinds.get(n.deadline_id), proposal=proposals.get(n.proposal_id))
        key = n.case_id if entry.case is not None else None
        groups.setdefault(key, Group(case=entry.case)).entries.append(entry)
    return sorted(groups.values(), key=lambda g: (g.unread == 0, -g.newest))


def api_notifications(user: User, *, before: int | None = None, limit: int = 50) -> list[dict]:
    """Every notification of ``user`` (all channels), newest first, for the JSON API."""
    stmt = (select(Notification, Deadline.kind).outerjoin(Deadline, Deadline.id == Notification.deadline_id)
            .where(Notification.user_id == user.id))
    if before is not None:
        stmt = stmt.where(Notification.id < before)
    out = []
    for n, kind in db.session.execute(stmt.order_by(Notification.id.desc()).limit(limit)):
        out.append({
            "id": n.id, "step": n.step, "channel": n.channel, "status": n.status, "case_id": n.case_id,
            "case_ids": list(n.case_ids or []), "deadline_id": n.deadline_id, "deadline_kind": kind,
            "proposal_id": n.proposal_id, "due_on": n.due_on.isoformat() if n.due_on else None,
            "subject": n.subject, "created_at": n.created_at.isoformat(),
            "sent_at": n.sent_at.isoformat() if n.sent_at else None,
            "read_at": n.read_at.isoformat() if n.read_at else None,
            "resolved_at": n.resolved_at.isoformat() if n.resolved_at else None, "resolution": n.resolution,
        })
    return out


# --------------------------------------------------------------------------- the user's actions


def _own(user: User, notification_id: int) -> Notification:
    row = db.session.get(Notification, notification_id)
    # Someone else's notification answers exactly like a missing one: 404 tells nothing about
    # which ids exist or whose they are.
    if row is None or row.user_id != user.id:
        raise NotFound("Không tìm thấy thông báo.")
    return row


def acknowledge(user: User, notification_id: int | None = None, *, case_id: int | None = None) -> int:
    """Mark one notification, those of one case (``case_id``) or every unread in-app notification
    of ``user`` as read; returns how many."""
    now = utcnow()
    if notification_id is not None:
        row = _own(user, notification_id)
        if row.read_at is None:
            row.read_at = now
        db.session.flush()
        return 1
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.channel == "inapp",
                                      Notification.read_at.is_(None))
    if case_id is not None:
        stmt = stmt.where(Notification.case_id == case_id)
    return db.session.execute(stmt.values(read_at=now).execution_options(synchronize_session=False)).rowcount or 0


def snooze(user: User, notification_id: int, until: date, today: date | None = None) -> Notification:
    """Hide a notification until ``until`` (it comes back unread that day)."""
    today = today or clock.today()
    if until <= today:
        raise InvalidInput("Ngày nhắc lại phải sau hôm nay.", fields={"until": "Phải sau hôm nay."})
    if until > today + timedelta(days=90):
        raise InvalidInput("Chỉ tạm ẩn tối đa 90 ngày.", fields={"until": "Tối đa 90 ngày."})
    row = _own(user, notification_id)
    row.snoozed_until = until
    row.read_at = None
    db.session.flush()
    return row


def set_email_enabled(user: User, enabled: bool) -> None:
    user.email_enabled = bool(enabled)
    db.session.flush()


# --------------------------------------------------------------------------- resolving


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = list(dict.fromkeys(ids))
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def _resolve(where, resolution: str) -> int:
    return db.session.execute(
        update(Notification).where(Notification.status == "sent", Notification.resolved_at.is_(None), *where)
        .values(resolved_at=utcnow(), resolution=resolution).execution_options(synchronize_session=False)
    ).rowcount or 0


def resolve_deadlines(deadline_ids: Iterable[int], resolution: str) -> int:
    """The deadlines were closed (``deadline_met``, ``deadline_missed``, ``deadline_cancelled``):
    their delivered reminders are resolved and the pending ones cancelled."""
    total = 0
    for ids in _chunks(deadline_ids):
        db.session.execute(
            update(Notification).where(Notification.status == "pending", Notification.deadline_id.in_(ids))
            .values(status="cancelled", cancel_reason="deadline_closed").execution_options(synchronize_session=False))
        total += _resolve((Notification.deadline_id.in_(ids),), resolution)
    return total


def resolve_moved(deadline_ids: Iterable[int]) -> int:
    """The due dates of these deadlines moved: reminders of the old date are resolved (pending ones
    cancelled); the sweep creates those of the new date."""
    moved = exists().where(Deadline.id == Notification.deadline_id, Deadline.due_on != Notification.due_on)
    total = 0
    for ids in _chunks(deadline_ids):
        db.session.execute(
            update(Notification).where(Notification.status == "pending", Notification.deadline_id.in_(ids), moved)
            .values(status="cancelled", cancel_reason="deadline_moved").execution_options(synchronize_session=False))
        total += _resolve((Notification.deadline_id.in_(ids), moved), "deadline_moved")
    return total


def resolve_proposal(proposal_id: int) -> int:
    """The proposal was decided: the heads' "waiting for your decision" notifications are resolved."""
    return _resolve((Notification.proposal_id == proposal_id,
                     Notification.dedup_key.like(f"proposal:{proposal_id}:new:%")), "proposal_decided")


def resolve_reassigned(moves: Iterable[tuple[int, int | None]]) -> int:
    """Cases moved to another officer (``(case id, previous officer id)``): the previous officer's
    reminders about them are resolved (the pending ones were handed to the new officer)."""
    by_officer: dict[int, list[int]] = {}
    for case_id, officer_id in moves:
        if officer_id is not None:
            by_officer.setdefault(officer_id, []).append(case_id)
    total = 0
    for officer_id, case_ids in by_officer.items():
        for ids in _chunks(case_ids):
            total += _resolve((Notification.user_id == officer_id, Notification.case_id.in_(ids),
                               Notification.step.in_(OFFICER_STEPS)), "reassigned")
    return total
