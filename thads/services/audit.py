"""The case event trail: append (hash-chained, head kept on the case, HMAC-signed under
``AUDIT_KEY``), periodic anchors of every chain head, and the rules a replay of events follows.

The full check (``flask audit verify``) and the signing of an installation that adds a key
later (``flask audit sign``) stream the database in batches: ``thads.services.audit_verify``.
See ``docs/audit.md`` for what is detected with and without a key.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterator
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, insert, select, text

from thads.extensions import db
from thads.models import AuditAnchor, AuditAnchorHead, Case, CaseEvent, User, utcnow
from thads.services import clock

log = logging.getLogger(__name__)

GENESIS = "0" * 64
# Serialises anchors on PostgreSQL (two at once would both chain to the same previous anchor).
ANCHOR_LOCK_KEY = 7_468_616_403
ANCHOR_BATCH = 5000

# Corrections of the obligations after intake that change the amount to enforce (their
# ``amount_delta`` is the change, negative when the amount went down): ``thads.services.case_edits``.
AMOUNT_EDITS = ("obligation_added", "obligation_edited")

# Where an event's ``amount_delta`` goes when the events are replayed: (kind, trigger) → column.
MONEY_COLUMNS: dict[tuple[str, str | None], str] = {
    ("registered", None): "amount_total",
    **{("edited", trigger): "amount_total" for trigger in AMOUNT_EDITS},
    ("payment", "collection"): "collected",
    ("payment", "payout"): "paid_out",
    ("payment", "reduction"): "reduced",
}


# -- keys and MACs -------------------------------------------------------------------------------

def audit_key() -> bytes | None:
    """The HMAC key (the UTF-8 bytes of THADS_AUDIT_KEY as written), or None when unset."""
    key = current_app.config.get("AUDIT_KEY") or ""
    return str(key).encode() if key else None


def mac(key: bytes, message: str) -> str:
    """HMAC-SHA256 of ``message`` under ``key``, in hex."""
    return hmac.digest(key, message.encode(), "sha256").hex()


def head_message(case_id: int, seq: int, event_hash: str) -> str:
    """The text a chain head stands for: signed as ``chain_mac`` and one line of an anchor digest."""
    return f"{case_id}:{seq}:{event_hash}"


def mac_ok(key: bytes, message: str, value: str | None) -> bool:
    return value is not None and hmac.compare_digest(mac(key, message), value)


# -- appending -----------------------------------------------------------------------------------

def append_event(
    case: Case, actor: User | None, kind: str, on: date, *, trigger: str | None = None,
    from_state: str | None = None, to_state: str | None = None, inputs: dict | None = None,
    legal_basis: str | None = None, amount_delta: int = 0,
) -> CaseEvent:
    """Append one event to ``case``'s chain and move the head on the case row with it (same
    transaction). The (case, seq) unique key refuses a fork; every event write goes through here."""
    if case.id is None:
        db.session.flush()
    last = db.session.execute(
        select(CaseEvent.seq, CaseEvent.hash).where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.seq.desc()).limit(1)
    ).first()
    last_seq, last_hash = (last.seq, last.hash) if last else (0, GENESIS)
    row_seq, row_hash = case.chain_seq or 0, case.chain_hash or GENESIS
    if (row_seq, row_hash) != (last_seq, last_hash):
        # Events were removed, or the row edited, outside the services. Build on the further
        # head so a deleted tail stays a visible gap instead of being papered over by this event.
        log.warning("audit: case %s head is %s but its last event is %s", case.id, row_seq, last_seq)
    prev_seq, prev_hash = (row_seq, row_hash) if row_seq > last_seq else (last_seq, last_hash)
    event = CaseEvent(
        case_id=case.id, seq=prev_seq + 1, actor_id=actor.id if actor else None,
        created_at=utcnow(), on=on, kind=kind, trigger=trigger, from_state=from_state,
        to_state=to_state if to_state is not None else case.state, officer_id=case.officer_id,
        unit_id=case.unit_id, amount_delta=amount_delta, inputs=_jsonable(inputs or {}),
        legal_basis=legal_basis, prev_hash=prev_hash,
    )
    event.hash = event.compute_hash()
    key = audit_key()
    event.mac = mac(key, event.hash) if key else None
    case.chain_seq, case.chain_hash = event.seq, event.hash
    case.chain_mac = mac(key, head_message(case.id, event.seq, event.hash)) if key else None
    db.session.add(event)
    db.session.flush()
    return event


def verify_chain(case_id: int | None = None) -> list[dict]:
    """Every case whose hash chain does not verify, with the first bad event's sequence number
    (the chain part of :func:`thads.services.audit_verify.verify`)."""
    from thads.services.audit_verify import verify

    result = verify(case_id, anchors=False)
    return [{"case_id": f.case_id, "seq": f.seq} for f in result.findings if f.problem == "chain"]


# -- anchors -------------------------------------------------------------------------------------

def anchor_hash(prev_hash: str, anchored_on: date, heads_count: int, heads_digest: str) -> str:
    """SHA-256 binding an anchor to the previous one, its day and its heads."""
    body = f"{prev_hash}:{anchored_on.isoformat()}:{heads_count}:{heads_digest}"
    return hashlib.sha256(body.encode()).hexdigest()


def anchor(now: datetime | None = None, *, batch_size: int = ANCHOR_BATCH) -> AuditAnchor:
    """Write one anchor: the heads of the chains that moved since the previous anchor, chained
    to it (HMAC-signed with a key). Streams the cases in id order; flushes, the caller commits."""
    now = now or clock.local_now()
    _lock_anchors()
    prev = db.session.execute(select(AuditAnchor.hash).order_by(AuditAnchor.id.desc()).limit(1)).first()
    row = AuditAnchor(created_at=utcnow(), anchored_on=now.astimezone(clock.TZ).date(),
                      prev_hash=prev.hash if prev else GENESIS, heads_count=0, heads_digest="", hash="")
    db.session.add(row)
    db.session.flush()

    C, H = Case.__table__, AuditAnchorHead.__table__
    # The last anchored seq of each case: one backward probe of ix_audit_anchor_head_case
    # (case_id, anchor_id) per case, so the daily anchor is one pass in primary-key order.
    anchored = (select(H.c.seq).where(H.c.case_id == C.c.id).order_by(H.c.anchor_id.desc())
                .limit(1).correlate(C).scalar_subquery())
    conn = db.session.connection()
    digest, count, after = hashlib.sha256(), 0, 0
    while True:
        heads = conn.execute(
            select(C.c.id, C.c.chain_seq, C.c.chain_hash)
            .where(C.c.id > after, C.c.chain_seq > func.coalesce(anchored, 0))
            .order_by(C.c.id).limit(batch_size)
        ).all()
        if not heads:
            break
        conn.execute(insert(H), [{"anchor_id": row.id, "case_id": h.id, "seq": h.chain_seq,
                                  "event_hash": h.chain_hash} for h in heads])
        for h in heads:
            digest.update((head_message(h.id, h.chain_seq, h.chain_hash) + "\n").encode())
        count += len(heads)
        after = heads[-1].id
    row.heads_count, row.heads_digest = count, digest.hexdigest()
    row.hash = anchor_hash(row.prev_hash, row.anchored_on, count, row.heads_digest)
    key = audit_key()
    row.mac = mac(key, row.hash) if key else None
    db.session.flush()
    return row


def daily_anchor(now: datetime | None = None) -> AuditAnchor | None:
    """The scheduler's anchor: one per local day (None when today's was already taken)."""
    now = now or clock.local_now()
    today = now.astimezone(clock.TZ).date()
    _lock_anchors()
    if db.session.scalar(select(AuditAnchor.id).where(AuditAnchor.anchored_on == today).limit(1)) is not None:
        return None
    return anchor(now)


def _lock_anchors() -> None:
    """Serialise anchor writers until commit (SQLite serialises writers anyway)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ANCHOR_LOCK_KEY})


def iter_anchors(batch_size: int = 500) -> Iterator[AuditAnchor]:
    """Every anchor, oldest first, read in keyset pages."""
    after = 0
    while True:
        page = list(db.session.scalars(select(AuditAnchor).where(AuditAnchor.id > after)
                                       .order_by(AuditAnchor.id).limit(batch_size)))
        if not page:
            return
        yield from page
        after = page[-1].id


def anchor_line(a: AuditAnchor) -> str:
    """The printable line of an anchor: keep it outside the database (paper, mail, a ledger)."""
    signed = "signed" if a.mac else "unsigned"
    return (f"anchor {a.id} {a.anchored_on.isoformat()} heads {a.heads_count} "
            f"hash {a.hash} ({signed})")


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
