"""The full check of the audit trail (``flask audit verify``) and the signing of an existing
trail when a key is added (``flask audit sign``).

For every case: its hash chain; the head on the case row against the last event (a deleted tail,
a rewrite that did not update the row); a replay of its events against the row (state, officer,
unit, money) and ``next_due_on`` against its open deadlines; with ``AUDIT_KEY`` every event MAC
and the head MAC (a missing one is reported: a downgrade); its latest anchored head. Then the
anchor chain itself, each anchor's digest of its heads, and anchored heads whose case is gone.

Memory is bounded: cases are read in keyset batches of ``batch_size`` ids and, for each range
of ids, the events in keyset pages, the nearest open deadlines and the latest anchored heads,
with Core selects (rows, not ORM objects). Findings go to ``report`` as they are found.
"""
from __future__ import annotations

import hashlib
from collections import namedtuple
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, func, select, tuple_, update

from thads.extensions import db
from thads.models import AuditAnchor, AuditAnchorHead, Case, CaseEvent, Deadline
from thads.models.events import chain_hash, event_payload
from thads.services import audit
from thads.services.deadlines import nearest_due, next_due_on_from

BATCH = 1000  # cases per batch
EVENT_PAGE = 5000  # events per page inside a batch

C = Case.__table__
E = CaseEvent.__table__
H = AuditAnchorHead.__table__
A = AuditAnchor.__table__
D = Deadline.__table__

CASE_COLUMNS = (C.c.id, C.c.state, C.c.officer_id, C.c.unit_id, C.c.amount_total, C.c.collected, C.c.paid_out,
                C.c.reduced, C.c.next_due_on, C.c.chain_seq, C.c.chain_hash, C.c.chain_mac)
EVENT_COLUMNS = (E.c.id, E.c.case_id, E.c.seq, E.c.actor_id, E.c.created_at, E.c.on, E.c.kind, E.c.trigger,
                 E.c.from_state, E.c.to_state, E.c.officer_id, E.c.unit_id, E.c.amount_delta, E.c.inputs,
                 E.c.legal_basis, E.c.prev_hash, E.c.hash, E.c.mac)
# SQLAlchemy rows resolve an attribute in about 2 µs; a namedtuple's is a C slot. At a million
# events and some fifteen attributes each, that is half the run.
CaseRow = namedtuple("CaseRow", [c.name for c in CASE_COLUMNS])
EventRow = namedtuple("EventRow", [c.name for c in EVENT_COLUMNS])
REPLAYED = ("state", "officer_id", "unit_id", "amount_total", "collected", "paid_out", "reduced")


@dataclass(frozen=True)
class Finding:
    """One problem: ``problem`` is a code (chain, head, replay, mac, unsigned, anchored, deleted,
    orphan, anchor), ``message`` says what is wrong in a sentence."""

    problem: str
    message: str
    case_id: int | None = None
    seq: int | None = None
    anchor_id: int | None = None

    def line(self) -> str:
        if self.case_id is None:
            return f"BROKEN anchor {self.anchor_id}: {self.message}"
        at = f" at event {self.seq}" if self.seq is not None else ""
        return f"BROKEN case {self.case_id}{at}: {self.message}"


@dataclass
class Result:
    keyed: bool
    cases: int = 0
    events: int = 0
    anchors: int = 0
    anchored_heads: int = 0
    problems: int = 0
    signed: dict[str, int] = field(default_factory=lambda: {"events": 0, "cases": 0, "anchors": 0})
    findings: list[Finding] = field(default_factory=list)  # filled only when no ``report`` is given

    @property
    def ok(self) -> bool:
        return self.problems == 0

    def summary(self) -> str:
        how = "hashes and HMACs" if self.keyed else "hashes only, no AUDIT_KEY"
        if self.ok:
            return (f"audit: {self.cases} cases, {self.events} events, {self.anchors} anchors "
                    f"({self.anchored_heads} anchored heads) verify ({how})")
        return f"audit: {self.problems} problems in {self.cases} cases, {self.events} events ({how})"


@dataclass
class _CaseState:
    """What the events of one case gave so far."""

    row: object
    expected: int = 1
    prev: str = audit.GENESIS
    chain_broken: bool = False
    last_seq: int = 0
    last_hash: str = audit.GENESIS
    replay: dict = field(default_factory=lambda: {"state": None, "officer_id": None, "unit_id": None,
                                                  "amount_total": 0, "collected": 0, "paid_out": 0, "reduced": 0})
    bad_macs: list[int] = field(default_factory=list)
    unsigned: list[tuple[int, str]] = field(default_factory=list)  # (event id, hash)
    anchored: object | None = None
    anchored_ok: bool = False
    findings: list[Finding] = field(default_factory=list)


def _snapshot():
    """The session's connection; on PostgreSQL, when the transaction is still to begin, one
    snapshot for the whole check, so that an event appended meanwhile cannot show as a case row
    that disagrees with its events."""
    if db.session.get_bind().dialect.name == "postgresql" and not db.session().in_transaction():
        return db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return db.session.connection()


class _Verifier:
    def __init__(self, *, batch_size: int, report: Callable[[Finding], None] | None, sign: bool) -> None:
        self.key = audit.audit_key()
        self.batch_size = batch_size
        self.sign = sign
        self.result = Result(keyed=self.key is not None)
        self.report = report or self.result.findings.append
        self.conn = _snapshot()

    # -- findings --
    def found(self, finding: Finding) -> None:
        self.result.problems += 1
        self.report(finding)

    def unsigned(self, finding: Finding) -> None:
        """A missing MAC under a key: a problem when verifying, the work to do when signing."""
        if not self.sign:
            self.found(finding)

    # -- anchors --
    def anchors(self, expect: dict[int, str]) -> None:
        prev, after, seen = audit.GENESIS, 0, {}
        while True:
            page = self.conn.execute(select(A).where(A.c.id > after).order_by(A.c.id).limit(500)).all()
            if not page:
                break
            for a in page:
                self.anchor(a, prev)
                prev, seen[a.id] = a.hash, a.hash
            after = page[-1].id
        for anchor_id, printed in expect.items():
            if anchor_id not in seen:
                self.found(Finding("anchor", f"missing; the printed copy says hash {printed}", anchor_id=anchor_id))
            elif seen[anchor_id] != printed:
                self.found(Finding("anchor", f"hash is {seen[anchor_id]}, the printed copy says {printed}",
                                   anchor_id=anchor_id))

    def anchor(self, a, prev: str) -> None:
        self.result.anchors += 1
        if a.prev_hash != prev:
            self.found(Finding("anchor", "does not chain to the previous anchor (one was removed or rewritten)",
                               anchor_id=a.id))
        if audit.anchor_hash(a.prev_hash, a.anchored_on, a.heads_count, a.heads_digest) != a.hash:
            self.found(Finding("anchor", "its hash does not match its content", anchor_id=a.id))
        if self.key is not None:
            if a.mac is None:
                if self.sign and self.result.ok:
                    self.conn.execute(update(A).where(A.c.id == a.id).values(mac=audit.mac(self.key, a.hash)))
                    self.result.signed["anchors"] += 1
                else:
                    self.unsigned(Finding("unsigned", "has no MAC although AUDIT_KEY is set", anchor_id=a.id))
            elif not audit.mac_ok(self.key, a.hash, a.mac):
                self.found(Finding("mac", "its MAC does not verify", anchor_id=a.id))
        digest, count, after = hashlib.sha256(), 0, -1
        while True:
            heads = self.conn.execute(
                select(H.c.case_id, H.c.seq, H.c.event_hash).where(H.c.anchor_id == a.id, H.c.case_id > after)
                .order_by(H.c.case_id).limit(EVENT_PAGE)).all()
            if not heads:
                break
            for h in heads:
                digest.update((audit.head_message(h.case_id, h.seq, h.event_hash) + "\n").encode())
            count += len(heads)
            after = heads[-1].case_id
        self.result.anchored_heads += count
        if count != a.heads_count or digest.hexdigest() != a.heads_digest:
            self.found(Finding("anchor", f"its {count} head rows do not match its digest of {a.heads_count} heads "
                                         "(head rows were removed, added or edited)", anchor_id=a.id))

    # -- cases --
    def cases(self, case_id: int | None) -> None:
        if case_id is not None:
            rows = [CaseRow._make(r) for r in self.conn.execute(select(*CASE_COLUMNS).where(C.c.id == case_id))]
            self.batch(case_id - 1, case_id, rows)
            return
        lo = min(0, self._min_id() - 1)
        while True:
            rows = [CaseRow._make(r) for r in self.conn.execute(
                select(*CASE_COLUMNS).where(C.c.id > lo).order_by(C.c.id).limit(self.batch_size)).all()]
            if len(rows) < self.batch_size:
                self.batch(lo, None, rows)  # open-ended: anchored heads and events past the last case
                return
            self.batch(lo, rows[-1].id, rows)
            lo = rows[-1].id

    def _min_id(self) -> int:
        # Ids are positive in practice; start below the smallest id any of the tables mentions.
        low = [self.conn.scalar(select(func.min(t))) for t in (C.c.id, E.c.case_id, H.c.case_id)]
        return min([x for x in low if x is not None], default=1)

    def batch(self, lo: int, hi: int | None, rows: Iterable) -> None:
        def in_range(col):
            return (col > lo,) if hi is None else (col > lo, col <= hi)

        states = {r.id: _CaseState(row=r) for r in rows}
        due = {r.case_id: r.due_on for r in self.conn.execute(nearest_due(*in_range(D.c.case_id)))}
        h2 = H.alias("h2")
        latest = select(func.max(h2.c.anchor_id)).where(h2.c.case_id == H.c.case_id).scalar_subquery()
        deleted = []
        for h in self.conn.execute(
                select(H.c.case_id, H.c.seq, H.c.event_hash, H.c.anchor_id, A.c.anchored_on)
                .join(A, A.c.id == H.c.anchor_id)
                .where(*in_range(H.c.case_id), H.c.anchor_id == latest).order_by(H.c.case_id)):
            if h.case_id in states:
                states[h.case_id].anchored = h
            else:
                deleted.append(h)

        orphans: set[int] = set()
        after = (lo, 0)
        while True:
            page = [EventRow._make(r) for r in self.conn.execute(
                select(*EVENT_COLUMNS).where(*in_range(E.c.case_id), tuple_(E.c.case_id, E.c.seq) > after)
                .order_by(E.c.case_id, E.c.seq).limit(EVENT_PAGE)).all()]
            if not page:
                break
            for ev in page:
                st = states.get(ev.case_id)
                if st is None:
                    orphans.add(ev.case_id)
                else:
                    self.event(st, ev)
            self.result.events += len(page)
            after = (page[-1].case_id, page[-1].seq)

        signing = self.sign and self.result.ok
        event_macs, head_macs, findings = [], [], []
        for st in states.values():
            self.result.cases += 1
            self.finish(st, due.get(st.row.id))
            findings += st.findings
            if signing:
                event_macs += [{"_id": i, "_mac": audit.mac(self.key, h)} for i, h in st.unsigned]
                r = st.row
                if r.chain_mac is None and r.chain_seq == st.last_seq and r.chain_hash == st.last_hash:
                    head_macs.append({"_id": r.id, "_mac": audit.mac(self.key, audit.head_message(
                        r.id, r.chain_seq, r.chain_hash))})
        findings += [Finding("deleted", f"the case row is gone (deleted with its events); anchor {h.anchor_id} "
                                        f"of {h.anchored_on.isoformat()} holds its head at event {h.seq}",
                             case_id=h.case_id) for h in deleted]
        findings += [Finding("orphan", "events exist but the case row does not", case_id=cid) for cid in orphans]
        for f in sorted(findings, key=lambda f: f.case_id):  # stable: a case's findings keep their order
            if f.problem == "unsigned":
                self.unsigned(f)
            else:
                self.found(f)
        if signing and self.result.ok:
            if event_macs:
                self.conn.execute(update(E).where(E.c.id == bindparam("_id")).values(mac=bindparam("_mac")),
                                  event_macs)
            if head_macs:
                self.conn.execute(update(C).where(C.c.id == bindparam("_id")).values(chain_mac=bindparam("_mac")),
                                  head_macs)
            self.result.signed["events"] += len(event_macs)
            self.result.signed["cases"] += len(head_macs)

    def event(self, st: _CaseState, ev) -> None:
        if not st.chain_broken:
            problem = None
            if ev.seq != st.expected:
                problem = f"expected event {st.expected} here (an event is missing or out of order)"
            elif ev.prev_hash != st.prev:
                problem = "does not link to the previous event"
            elif chain_hash(ev.prev_hash, event_payload(ev)) != ev.hash:
                problem = "its content does not match its hash (the row was edited)"
            if problem:
                st.chain_broken = True
                st.findings.append(Finding("chain", problem, case_id=ev.case_id, seq=ev.seq))
            st.prev, st.expected = ev.hash, st.expected + 1
        if self.key is not None:
            if ev.mac is None:
                st.unsigned.append((ev.id, ev.hash))
            elif not audit.mac_ok(self.key, ev.hash, ev.mac):
                st.bad_macs.append(ev.seq)
        a = st.anchored
        if a is not None and ev.seq == a.seq:
            st.anchored_ok = ev.hash == a.event_hash
        st.last_seq, st.last_hash = ev.seq, ev.hash
        rp = st.replay
        rp["state"], rp["officer_id"], rp["unit_id"] = ev.to_state, ev.officer_id, ev.unit_id
        column = audit.MONEY_COLUMNS.get((ev.kind, ev.trigger))
        if column is not None:
            rp[column] += int(ev.amount_delta or 0)

    def finish(self, st: _CaseState, nearest_due_on: date | None) -> None:
        r, add = st.row, st.findings.append
        if st.last_seq == 0:
            add(Finding("replay", "has no events (a registered case has at least one)", case_id=r.id))
        if (r.chain_seq, r.chain_hash) != (st.last_seq, st.last_hash):
            add(Finding("head", f"the case row's chain head is event {r.chain_seq} ({r.chain_hash[:12]}…) but its "
                                f"last event is {st.last_seq} ({st.last_hash[:12]}…)", case_id=r.id))
        if st.last_seq:
            for name in REPLAYED:
                have, want = getattr(r, name), st.replay[name]
                if have != want:
                    add(Finding("replay", f"{name} is {have!r} but its events give {want!r}", case_id=r.id))
        want_due = next_due_on_from(nearest_due_on)
        if r.next_due_on != want_due:
            add(Finding("replay", f"next_due_on is {r.next_due_on.isoformat()} but its open deadlines give "
                                  f"{want_due.isoformat()}", case_id=r.id))
        if self.key is not None:
            if st.bad_macs:
                more = f" (and {len(st.bad_macs) - 1} later events)" if len(st.bad_macs) > 1 else ""
                add(Finding("mac", f"the event MAC does not verify{more}", case_id=r.id, seq=st.bad_macs[0]))
            if st.unsigned:
                n = len(st.unsigned)
                add(Finding("unsigned", f"{n} event{'s' if n > 1 else ''} without a MAC although AUDIT_KEY is set",
                            case_id=r.id))
            message = audit.head_message(r.id, r.chain_seq, r.chain_hash)
            if r.chain_mac is None:
                add(Finding("unsigned", "the chain head has no MAC although AUDIT_KEY is set", case_id=r.id))
            elif not audit.mac_ok(self.key, message, r.chain_mac):
                add(Finding("mac", "the chain head MAC does not verify", case_id=r.id))
        a = st.anchored
        if a is not None:
            if r.chain_seq < a.seq or st.last_seq < a.seq:
                add(Finding("anchored", f"anchor {a.anchor_id} of {a.anchored_on.isoformat()} holds event {a.seq} "
                                        f"but the chain now ends at event {min(r.chain_seq, st.last_seq)}",
                            case_id=r.id))
            elif not st.anchored_ok:
                add(Finding("anchored", f"event {a.seq} is not the one anchor {a.anchor_id} of "
                                        f"{a.anchored_on.isoformat()} holds", case_id=r.id, seq=a.seq))


def verify(case_id: int | None = None, *, anchors: bool = True, expect: dict[int, str] | None = None,
           batch_size: int = BATCH, report: Callable[[Finding], None] | None = None) -> Result:
    """Check the whole trail (or one case: no anchor chain then). ``expect`` maps anchor ids to
    hashes printed earlier and kept outside the database. Reads only."""
    v = _Verifier(batch_size=batch_size, report=report, sign=False)
    if anchors and case_id is None:
        v.anchors(expect or {})
    v.cases(case_id)
    return v.result


def sign(*, batch_size: int = BATCH, report: Callable[[Finding], None] | None = None) -> Result:
    """Verify everything and sign what has no MAC yet (events, case heads, anchors) under
    ``AUDIT_KEY``. Signing stops at the first problem; the caller commits only if ``ok``."""
    v = _Verifier(batch_size=batch_size, report=report, sign=True)
    if v.key is None:
        raise RuntimeError("audit.sign needs AUDIT_KEY")
    v.anchors({})
    v.cases(None)
    return v.result
