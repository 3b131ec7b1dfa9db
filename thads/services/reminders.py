"""Deadline reminders: the ladder, the sweep, delivery and the daily digest (the user's list of
notifications is ``thads.services.inbox``).

The notification table is the outbox and the record (docs/reminders.md):

* :func:`sweep` finds every reminder point that has passed and has no row yet — however late,
  without caps — inserts the rows (an existing key is skipped), commits, and only then hands
  ``deliver(id)`` messages to the broker. Rows still pending from an earlier sweep (broker down,
  worker killed) are enqueued again. One sweep at a time: a PostgreSQL advisory transaction lock,
  or SQLite's write lock.
* :func:`deliver` locks one row, skips it unless pending, sends it through its channel and marks
  it sent. A failed attempt is recorded; after the last retry the row is ``failed``.
* Obsolete steps collapse: when a sweep finds several passed steps of the same audience (after
  downtime), only the latest is delivered; the earlier ones are recorded as ``cancelled`` with
  ``cancel_reason='collapsed'`` so they are never created again.

Services flush; the caller (actor, CLI, view) commits — except :func:`sweep` and :func:`digest`,
which are whole units of work that must commit before enqueuing.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, exists, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from thads import notify
from thads.extensions import db
from thads.models import Case, Deadline, Notification, User, UserRole
from thads.models.base import utcnow
from thads.services import clock
from thads.services.deadlines import DEBTOR_KINDS, calendar
from thads.services.errors import InvalidInput, NotFound
from workflows.calendar import WorkingCalendar
from workflows.rules import KIND_LABELS

log = logging.getLogger(__name__)

# Advisory lock keys (any two constants unique to this application).
SWEEP_LOCK_KEY = 7_468_616_401
SCHEDULER_LOCK_KEY = 7_468_616_402

OFFICER_STEPS = ("upcoming", "due", "overdue")
ESCALATION_ROLES = ("supervisor", "head", "deputy")
BATCH = 2000
ENQUEUE_BATCH = 1000

STEP_TITLES = {
    "upcoming": "Sắp đến hạn",
    "due": "Đến hạn hôm nay",
    "overdue": "Quá hạn",
    "escalated": "Quá hạn, báo cáo lãnh đạo",
    "digest": "Tổng hợp thời hạn",
}


# --------------------------------------------------------------------------- the ladder


@dataclass(frozen=True)
class Step:
    name: str
    offset: int  # working days relative to the due date (negative: before)

    @property
    def audience(self) -> str:
        return "officer" if self.name in OFFICER_STEPS else "supervisors"


def ladder(config=None) -> list[Step]:
    """The reminder ladder from ``REMINDER_LADDER`` (validated at start-up), ordered by offset."""
    raw = str((config or current_app.config)["REMINDER_LADDER"])
    steps = []
    for part in raw.split(","):
        if part.strip():
            name, _, offset = part.strip().partition("=")
            steps.append(Step(name.strip(), int(offset)))
    return sorted(steps, key=lambda s: s.offset)


def point_of(step: Step, due_on: date, cal: WorkingCalendar) -> date:
    """The local date on which ``step`` fires for a deadline due on ``due_on``."""
    return cal.add_working_days(due_on, step.offset)


def threshold(step: Step, today: date, cal: WorkingCalendar) -> date:
    """The latest due date whose ``step`` point is on or before ``today``.

    The point is monotone in the due date, so "has the point passed?" becomes the index-friendly
    condition ``due_on <= threshold`` — the sweep never walks deadlines in Python to find them.
    """
    d = cal.add_working_days(today, -step.offset)
    while point_of(step, d, cal) > today:
        d -= timedelta(days=1)
    while point_of(step, d + timedelta(days=1), cal) <= today:
        d += timedelta(days=1)
    return d


# --------------------------------------------------------------------------- office hours


def email_hours(config=None) -> tuple[time, time]:
    start, _, end = str((config or current_app.config)["EMAIL_HOURS"]).partition("-")
    h1, m1 = start.split(":")
    h2, m2 = end.split(":")
    return time(int(h1), int(m1)), time(int(h2), int(m2))


def is_email_time(now: datetime, cal: WorkingCalendar, config=None) -> bool:
    """Email goes out only during office hours on working days (Asia/Ho_Chi_Minh)."""
    local = now.astimezone(clock.TZ)
    start, end = email_hours(config)
    return cal.is_working_day(local.date()) and start <= local.time().replace(tzinfo=None) < end


def next_email_time(now: datetime, cal: WorkingCalendar, config=None) -> datetime | None:
    """``None`` when email may go now; otherwise the start of the next office-hours window (UTC)."""
    if is_email_time(now, cal, config):
        return None
    local = now.astimezone(clock.TZ)
    start, _ = email_hours(config)
    day = local.date()
    if not (cal.is_working_day(day) and local.time().replace(tzinfo=None) < start):
        day = cal.next_working_day(day + timedelta(days=1))
    return datetime.combine(day, start, tzinfo=clock.TZ).astimezone(UTC)


# --------------------------------------------------------------------------- the sweep


@dataclass
class SweepResult:
    created: int = 0  # rows to deliver
    collapsed: int = 0  # rows recorded as cancelled because a later step had already passed
    cancelled: int = 0  # pending rows cancelled because their deadline closed or moved
    enqueued: int = 0
    enqueue_failed: int = 0  # rows left pending because the broker refused (next sweep retries)
    waiting: int = 0  # pending email rows waiting for office hours
    skipped: int = 0  # 1 when another sweep held the lock (try-lock only)
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = {k: getattr(self, k) for k in
                ("created", "collapsed", "cancelled", "enqueued", "enqueue_failed", "waiting", "skipped")}
        data.update(self.extra)
        return data


def parse_now(raw: str | None) -> datetime:
    """``2026-05-12T08:00`` (Asia/Ho_Chi_Minh unless an offset is given) → aware datetime."""
    if not raw:
        return clock.local_now()
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("Thời điểm không hợp lệ (ví dụ 2026-05-12T08:00).", fields={"now": raw}) from None
    return value if value.tzinfo else value.replace(tzinfo=clock.TZ)


def sweep(now: datetime | None = None, *, enqueue: bool = True, wait: bool = True) -> SweepResult:
    """Create every passed reminder that has no row yet, commit, then enqueue what is pending.

    ``now`` drives the ladder (tests and ``--now`` move time); ``wait=False`` returns at once
    with ``skipped=1`` when another sweep holds the lock. Enqueue failures never undo the rows.
    """
    now = now or clock.local_now()
    result = SweepResult()
    if not _take_sweep_lock(wait):
        db.session.rollback()
        result.skipped = 1
        return result
    try:
        result.cancelled = cancel_obsolete()
        result.created, result.collapsed = _create_passed(now)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    if enqueue:
        result.enqueued, result.enqueue_failed, result.waiting = enqueue_pending(now)
    return result


def _take_sweep_lock(wait: bool) -> bool:
    """Serialise sweeps across machines for the length of this transaction."""
    if db.engine.dialect.name == "postgresql":
        if wait:
            db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SWEEP_LOCK_KEY})
            return True
        return bool(db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": SWEEP_LOCK_KEY}))
    # SQLite: a write statement takes the database's write lock until commit, so a second sweep
    # waits here (busy timeout) before it reads anything.
    db.session.execute(update(Notification).where(text("0 = 1")).values(attempts=Notification.attempts))
    return True


def cancel_obsolete(deadline_ids: Iterable[int] | None = None) -> int:
    """Cancel pending reminders whose deadline is no longer open or whose due date moved.

    The sweep calls it every run; a service that closes or moves deadlines may call it with the
    ids at hand to re-arm at once. New reminders for a moved date are created by the next sweep.
    """
    total = 0
    for reason, cond in (
        ("deadline_closed", Deadline.status != "open"),
        ("deadline_moved", and_(Deadline.status == "open", Deadline.due_on != Notification.due_on)),
    ):
        stmt = (
            update(Notification)
            .where(Notification.status == "pending", Notification.deadline_id.is_not(None),
                   exists().where(Deadline.id == Notification.deadline_id, cond))
            .values(status="cancelled", cancel_reason=reason)
            .execution_options(synchronize_session=False)
        )
        if deadline_ids is not None:
            stmt = stmt.where(Notification.deadline_id.in_(list(deadline_ids)))
        total += db.session.execute(stmt).rowcount or 0
    return total


@dataclass
class _Person:
    id: int
    full_name: str
    email: str | None
    email_enabled: bool
    unit_id: int
    active: bool
    roles: set = field(default_factory=set)


class _People:
    """Users needed by one sweep, loaded in bulk and cached (never one query per deadline)."""

    def __init__(self) -> None:
        self.by_id: dict[int, _Person] = {}
        self.units: set[int] = set()

    def load_units(self, unit_ids: set[int]) -> None:
        missing = unit_ids - self.units
        if missing:
            self.units |= missing
            self._load(User.unit_id.in_(missing))

    def load_ids(self, user_ids: set[int]) -> None:
        missing = user_ids - set(self.by_id)
        if missing:
            self._load(User.id.in_(missing))

    def _load(self, cond) -> None:
        rows = db.session.execute(
            select(User.id, User.full_name, User.email, User.email_enabled, User.unit_id, User.active).where(cond)
        ).all()
        roles: dict[int, set] = {r.id: set() for r in rows}
        for uid, role in db.session.execute(select(UserRole.user_id, UserRole.role).where(UserRole.user_id.in_(list(roles)))):
            roles[uid].add(role)
        for r in rows:
            self.by_id[r.id] = _Person(r.id, r.full_name, r.email, bool(r.email_enabled), r.unit_id, bool(r.active),
                                       roles[r.id])

    def in_unit(self, unit_id: int, roles: tuple[str, ...]) -> list[_Person]:
        return sorted((p for p in self.by_id.values()
                       if p.unit_id == unit_id and p.active and p.roles.intersection(roles)), key=lambda p: p.id)

    def officer(self, officer_id: int | None, unit_id: int) -> list[_Person]:
        """The responsible officer; with none (or an inactive one), the unit's heads."""
        person = self.by_id.get(officer_id) if officer_id else None
        if person is not None and person.active:
            return [person]
        return self.in_unit(unit_id, ("head",))


def _create_passed(now: datetime) -> tuple[int, int]:
    """Insert rows for every passed reminder point lacking one; returns (to deliver, collapsed)."""
    cal = calendar()
    today = now.astimezone(clock.TZ).date()
    steps = ladder()
    if not steps:
        return 0, 0
    limits = {s.name: threshold(s, today, cal) for s in steps}
    n = db.aliased(Notification)
    wanted = [
        and_(Deadline.due_on <= limits[s.name],
             ~exists().where(n.deadline_id == Deadline.id, n.step == s.name, n.due_on == Deadline.due_on))
        for s in steps
    ]
    config = current_app.config
    email_after = next_email_time(now, cal, config)
    people = _People()
    created = collapsed = 0
    last_id = 0
    while True:
        batch = db.session.execute(
            select(Deadline.id, Deadline.kind, Deadline.due_on, Deadline.legal_basis,
                   Case.id.label("case_id"), Case.unit_id, Case.officer_id, Case.number, Case.stat_year)
            .join(Case, Case.id == Deadline.case_id)
            # The debtor's own period (voluntary) is not the agency's to meet: no reminders.
            .where(Deadline.status == "open", Deadline.due_on <= max(limits.values()),
                   Deadline.kind.not_in(DEBTOR_KINDS), Deadline.id > last_id, or_(*wanted))
            .order_by(Deadline.id).limit(BATCH)
        ).all()
        if not batch:
            break
        last_id = batch[-1].id
        existing: dict[int, set[str]] = {}
        for did, step, due_on in db.session.execute(
            select(Notification.deadline_id, Notification.step, Notification.due_on)
            .where(Notification.deadline_id.in_([r.id for r in batch]))
        ):
            existing.setdefault(did, set()).add((step, due_on))
        people.load_units({r.unit_id for r in batch})
        people.load_ids({r.officer_id for r in batch if r.officer_id})
        rows = []
        for d in batch:
            have = {step for step, due_on in existing.get(d.id, ()) if due_on == d.due_on}
            passed = [s for s in steps if d.due_on <= limits[s.name]]
            latest = {}
            for s in passed:
                latest[s.audience] = s.name  # steps are ordered by offset: the last one wins
            for s in passed:
                if s.name in have:
                    continue
                status = "pending" if latest[s.audience] == s.name else "cancelled"
                recipients = (people.officer(d.officer_id, d.unit_id) if s.audience == "officer"
                              else people.in_unit(d.unit_id, ESCALATION_ROLES))
                for person in recipients:
                    for channel in notify.channels_for(person, config):
                        rows.append(_row(d, s.name, person, channel, status, today, cal, people, config,
                                         email_after if channel == "email" else None))
        if rows:
            statuses = _insert_rows(rows)
            created += statuses.count("pending")
            collapsed += statuses.count("cancelled")
    return created, collapsed


_COLUMNS = ("user_id", "deadline_id", "case_id", "step", "channel", "status", "cancel_reason", "dedup_key",
            "due_on", "subject", "body", "attempts", "not_before", "created_at")


def _insert_rows(rows: list[dict]) -> list[str]:
    """Insert ``rows`` skipping existing keys; returns the status of each row actually inserted.

    On PostgreSQL the rows are streamed with COPY into a temporary table and moved with one
    ``INSERT … SELECT … ON CONFLICT DO NOTHING`` (a sweep after long downtime inserts hundreds of
    thousands of rows; a multi-row VALUES statement spends most of its time being parsed).
    """
    if db.engine.dialect.name != "postgresql":
        return list(db.session.scalars(_insert_ignore().returning(Notification.__table__.c.status), rows))
    cols = ", ".join(_COLUMNS)
    db.session.execute(text(
        "CREATE TEMP TABLE IF NOT EXISTS sweep_rows ON COMMIT DROP AS "
        f"SELECT {cols} FROM notification WITH NO DATA"))
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cur:
        with cur.copy(f"COPY sweep_rows ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in _COLUMNS])
    statuses = db.session.scalars(text(
        f"INSERT INTO notification ({cols}) SELECT {cols} FROM sweep_rows "
        "ON CONFLICT DO NOTHING RETURNING status")).all()
    db.session.execute(text("TRUNCATE sweep_rows"))
    return list(statuses)


def _insert_ignore():
    """INSERT … ON CONFLICT DO NOTHING: an existing key is skipped, not an error."""
    # Core insert on the table (not the ORM entity): executemany with RETURNING then runs as
    # batched multi-row statements ("insertmanyvalues") instead of one statement per row.
    ins = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    return ins(Notification.__table__).on_conflict_do_nothing()


def _row(d, step: str, person: _Person, channel: str, status: str, today: date, cal: WorkingCalendar,
         people: _People, config, not_before: datetime | None) -> dict:
    if status == "cancelled":  # a collapsed step is a record, never shown or sent: no body
        subject, body = f"{STEP_TITLES[step]}: {kind_label(d.kind)} - việc số {d.number}/{d.stat_year}", ""
    else:
        subject, body = compose(step, d, person, today, cal, people, config)
    return {
        "user_id": person.id, "deadline_id": d.id, "case_id": d.case_id, "step": step, "channel": channel,
        "status": status, "cancel_reason": "collapsed" if status == "cancelled" else None,
        "dedup_key": f"r:{d.id}:{d.due_on:%Y%m%d}:{step}:{person.id}:{channel}",
        "due_on": d.due_on, "subject": subject, "body": body, "attempts": 0,
        "not_before": not_before, "created_at": utcnow(),
    }


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, (kind, kind))[0]


def compose(step: str, d, person: _Person, today: date, cal: WorkingCalendar, people: _People,
            config) -> tuple[str, str]:
    """Vietnamese subject and body: case number, deadline, due date, legal basis and a link."""
    label = kind_label(d.kind)
    number = f"{d.number}/{d.stat_year}"
    due = d.due_on.strftime("%d/%m/%Y")
    left = cal.working_days_between(today, d.due_on)
    if step == "upcoming":
        status = (f"Còn {left} ngày làm việc đến hạn." if left > 0 else "Thời hạn sắp kết thúc.")
    elif step == "due":
        status = "Hôm nay là ngày cuối của thời hạn."
    elif step == "overdue":
        status = f"Thời hạn đã kết thúc ngày {due}; việc đang quá hạn {max(-left, 1)} ngày làm việc."
    else:
        officer = people.by_id.get(d.officer_id) if d.officer_id else None
        who = officer.full_name if officer else "chưa phân công"
        status = (f"Việc đã quá hạn {max(-left, 1)} ngày làm việc mà chưa được xử lý "
                  f"(Chấp hành viên phụ trách: {who}). Đề nghị lãnh đạo đơn vị kiểm tra, đôn đốc.")
    link = f"{str(config['BASE_URL']).rstrip('/')}/cases/{d.case_id}"
    subject = f"[THADS] {STEP_TITLES[step]}: {label} - việc số {number}, hạn {due}"
    body = "\n".join([
        f"Kính gửi {person.full_name},",
        "",
        status,
        "",
        f"Việc thi hành án số: {number}",
        f"Thời hạn: {label}",
        f"Hạn cuối: {due}",
        f"Căn cứ pháp lý: {d.legal_basis}",
        f"Xem hồ sơ: {link}",
        "",
        "Thư được gửi tự động từ Hệ thống quản lý thi hành án dân sự (THADS).",
    ])
    return subject, body


# --------------------------------------------------------------------------- enqueueing


def enqueue_pending(now: datetime | None = None) -> tuple[int, int, int]:
    """Hand pending rows to the broker (after commit); returns (enqueued, failed, waiting).

    A row is enqueued when it has no mark yet (new, or the broker was down) or its mark is older
    than ``REMINDER_REQUEUE_SECONDS`` (a worker died with it). Email rows wait for office hours
    (``not_before`` and the sweep's ``now``). The first broker error stops this round; the rows
    stay pending for the next sweep.
    """
    from thads.tasks import send_delivery

    now = now or clock.local_now()
    cal = calendar()
    config = current_app.config
    real_now = utcnow()
    stale = real_now - timedelta(seconds=int(config["REMINDER_REQUEUE_SECONDS"]))
    base = [
        Notification.status == "pending",
        or_(Notification.enqueued_at.is_(None), Notification.enqueued_at < stale),
    ]
    email_ok = is_email_time(now, cal, config)
    deliverable = [*base, or_(Notification.not_before.is_(None), Notification.not_before <= now)]
    if not email_ok:
        deliverable.append(Notification.channel != "email")
    waiting_cond = [Notification.status == "pending", Notification.channel == "email"]
    if email_ok:
        waiting_cond.append(Notification.not_before > now)
    waiting = db.session.scalar(select(func.count()).select_from(Notification).where(*waiting_cond)) or 0
    enqueued = failed = 0
    last_id = 0
    while True:
        ids = db.session.scalars(
            select(Notification.id).where(*deliverable, Notification.id > last_id)
            .order_by(Notification.id).limit(ENQUEUE_BATCH)
        ).all()
        if not ids:
            break
        last_id = ids[-1]
        done: list[int] = []
        try:
            for nid in ids:
                send_delivery(nid)
                done.append(nid)
        except Exception as exc:  # noqa: BLE001 — broker down: the rows are safe in the database
            log.warning("enqueue failed after %d messages: %s", enqueued + len(done), exc)
            failed = len(ids) - len(done) + _count_after(deliverable, last_id)
        if done:
            db.session.execute(
                update(Notification).where(Notification.id.in_(done), Notification.status == "pending")
                .values(enqueued_at=real_now).execution_options(synchronize_session=False)
            )
            db.session.commit()
            enqueued += len(done)
        if failed:
            break
    db.session.commit()
    return enqueued, failed, waiting


def _count_after(conds, last_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(*conds, Notification.id > last_id)
    ) or 0


# --------------------------------------------------------------------------- delivery


@dataclass
class Outcome:
    status: str  # sent | skipped | cancelled | retry | failed
    error: str | None = None


def deliver(notification_id: int, *, max_retries: int | None = None) -> Outcome:
    """Send one notification if it is still pending; the caller commits.

    The first statement marks the row (``enqueued_at``), which takes its row lock on PostgreSQL
    (and the write lock on SQLite): a second delivery of the same id waits here and then finds
    it sent. The lock is held until the caller commits ``sent``; so in-app rows are never sent
    twice, and an email is duplicated only if the process dies between the SMTP server's
    acceptance and the commit.
    """
    if max_retries is None:
        max_retries = int(current_app.config["REMINDER_MAX_RETRIES"])
    now = utcnow()
    touched = db.session.execute(
        update(Notification).where(Notification.id == notification_id, Notification.status == "pending")
        .values(enqueued_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if not touched:
        return Outcome("skipped")
    row = db.session.execute(
        select(Notification).where(Notification.id == notification_id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    user = db.session.get(User, row.user_id)
    reason = _obsolete_reason(row, user)
    if reason:
        row.status, row.cancel_reason = "cancelled", reason
        db.session.flush()
        return Outcome("cancelled")
    try:
        notify.get(row.channel).send(row, user, current_app.config)
    except Exception as exc:  # noqa: BLE001 — any channel error is one failed attempt
        row.attempts += 1
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if row.attempts > max_retries:
            row.status = "failed"
            db.session.flush()
            return Outcome("failed", row.last_error)
        db.session.flush()
        return Outcome("retry", row.last_error)
    row.attempts += 1
    row.status = "sent"
    row.sent_at = utcnow()
    row.last_error = None
    db.session.flush()
    return Outcome("sent")


def _obsolete_reason(row: Notification, user: User | None) -> str | None:
    if user is None or not user.active:
        return "user_inactive"
    if row.deadline_id is not None:
        deadline = db.session.get(Deadline, row.deadline_id)
        if deadline is None or deadline.status != "open":
            return "deadline_closed"
        if deadline.due_on != row.due_on:
            return "deadline_moved"
    if row.channel == "email" and not notify.get("email").enabled_for(user, current_app.config):
        return "email_disabled"
    return None


# --------------------------------------------------------------------------- digest


def digest(now: datetime | None = None, *, enqueue: bool = True) -> dict:
    """One summary per officer (working days): overdue deadlines and those due within
    ``DIGEST_DAYS`` working days. Email when the officer has it, else in-app. Idempotent per day."""
    now = now or clock.local_now()
    cal = calendar()
    today = now.astimezone(clock.TZ).date()
    if not cal.is_working_day(today):
        return {"digests": 0, "enqueued": 0, "enqueue_failed": 0}
    config = current_app.config
    horizon = cal.add_working_days(today, int(config["DIGEST_DAYS"]))
    email_after = next_email_time(now, cal, config)
    rows: list[dict] = []
    created = 0

    def flush_rows() -> int:
        if not rows:
            return 0
        ids = db.session.scalars(_insert_ignore().returning(Notification.__table__.c.id), rows).all()
        rows.clear()
        return len(ids)

    current: int | None = None
    items: list = []
    stmt = (
        select(Deadline.kind, Deadline.due_on, Case.id.label("case_id"), Case.number, Case.stat_year,
               Case.officer_id)
        .join(Case, Case.id == Deadline.case_id)
        .where(Deadline.status == "open", Deadline.due_on <= horizon, Case.officer_id.is_not(None))
        .order_by(Case.officer_id, Deadline.due_on, Deadline.id)
        .execution_options(yield_per=2000)
    )

    def finish(officer_id: int, items: list) -> None:
        user = db.session.get(User, officer_id)
        if user is None or not user.active:
            return
        channel = "email" if notify.get("email").enabled_for(user, config) else "inapp"
        subject, body = compose_digest(user, items, today, cal, config)
        rows.append({
            "user_id": user.id, "deadline_id": None, "case_id": None, "step": "digest", "channel": channel,
            "status": "pending", "dedup_key": f"digest:{user.id}:{today:%Y%m%d}",
            "due_on": None, "subject": subject, "body": body, "attempts": 0,
            "not_before": email_after if channel == "email" else None, "created_at": utcnow(),
            # The in-app list links each case (the same ones the body lists, in its order).
            "case_ids": list(dict.fromkeys(i.case_id for i in items))[:DIGEST_MAX_LINES * 2],
        })

    for r in db.session.execute(stmt).all():
        if r.officer_id != current:
            if current is not None:
                finish(current, items)
                if len(rows) >= 500:
                    created += flush_rows()
            current, items = r.officer_id, []
        items.append(r)
    if current is not None:
        finish(current, items)
    created += flush_rows()
    db.session.commit()
    result = {"digests": created, "enqueued": 0, "enqueue_failed": 0}
    if enqueue:
        result["enqueued"], result["enqueue_failed"], _ = enqueue_pending(now)
    return result


DIGEST_MAX_LINES = 50


def compose_digest(user: User, items: list, today: date, cal: WorkingCalendar, config) -> tuple[str, str]:
    overdue = [i for i in items if i.due_on < today]
    coming = [i for i in items if i.due_on >= today]
    base = str(config["BASE_URL"]).rstrip("/")
    subject = (f"[THADS] Tổng hợp thời hạn ngày {today:%d/%m/%Y}: "
               f"{len(overdue)} quá hạn, {len(coming)} sắp đến hạn")
    lines = [f"Kính gửi {user.full_name},", ""]

    def section(title: str, rows: list) -> None:
        lines.append(f"{title} ({len(rows)}):")
        for i in rows[:DIGEST_MAX_LINES]:
            left = cal.working_days_between(today, i.due_on)
            when = (f"quá hạn {-left} ngày làm việc" if left < 0 else
                    "hạn hôm nay" if i.due_on == today else f"còn {left} ngày làm việc")
            lines.append(f"- Việc số {i.number}/{i.stat_year}: {kind_label(i.kind)}, hạn {i.due_on:%d/%m/%Y} "
                         f"({when}) {base}/cases/{i.case_id}")
        if len(rows) > DIGEST_MAX_LINES:
            lines.append(f"- … và {len(rows) - DIGEST_MAX_LINES} việc khác (xem danh sách công việc).")
        lines.append("")

    section("Việc quá hạn", overdue)
    section(f"Việc đến hạn trong {config['DIGEST_DAYS']} ngày làm việc tới", coming)
    lines.append("Thư được gửi tự động từ Hệ thống quản lý thi hành án dân sự (THADS).")
    return subject, "\n".join(lines)


# --------------------------------------------------------------------------- administration


def failed_notifications(limit: int = 200) -> list[tuple[Notification, User]]:
    """Rows whose delivery gave up, newest first: the record dramatiq's dead letters are not."""
    return [(n, u) for n, u in db.session.execute(
        select(Notification, User).join(User, User.id == Notification.user_id)
        .where(Notification.status == "failed").order_by(Notification.id.desc()).limit(limit)
    )]


def retry_failed(notification_id: int) -> Notification:
    """Put a failed row back to pending with a fresh attempt budget; the next sweep enqueues it."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.status != "failed":
        raise NotFound("Không tìm thấy thông báo gửi lỗi.")
    row.status, row.attempts, row.enqueued_at = "pending", 0, None
    db.session.flush()
    return row
