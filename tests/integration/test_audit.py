"""The audit trail resists a database user: each tampering is named by ``flask audit verify``.

Data is built through the services; the tampering is what a person with SQL access would do
(a DELETE or an UPDATE, hashes recomputed with the public SHA-256). Every test runs on SQLite and
PostgreSQL.
"""
from __future__ import annotations

import gc
import tracemalloc
from datetime import date, datetime

import pytest
from sqlalchemy import insert, select, text

from tests.conftest import _config
from tests.factories import build_world, decided_cases

KEY = "test-audit-key-0123456789abcdef0123456789abcdef"


@pytest.fixture
def keyed(app, tmp_path):
    """The same database as ``app``, served by an installation that set THADS_AUDIT_KEY."""
    from thads import create_app
    from thads.extensions import db

    keyed_app = create_app({**_config(app.config["DATABASE_URL"], tmp_path), "AUDIT_KEY": KEY})
    with keyed_app.app_context():
        yield keyed_app
        db.session.remove()
        db.engine.dispose()


def _history(w) -> tuple[int, int]:
    """Ids of a case that was decided, notified, verified, and had money collected, paid out and
    reduced (its last event is the reduction), and of a case that was only decided."""
    from thads.extensions import db
    from thads.services import lifecycle

    paid, decided = decided_cases(w, 2)
    lifecycle.apply_transition(w.officer_a, paid.id, "notify", on="2026-05-06", today=date(2026, 5, 6))
    lifecycle.apply_transition(w.officer_a, paid.id, "verify", on="2026-05-20", inputs={"outcome": "enforceable"},
                               today=date(2026, 5, 20))
    for kind, amount, on in (("collection", 100_000_000, "2026-05-21"), ("payout", 40_000_000, "2026-05-22"),
                             ("reduction", 10_000_000, "2026-05-25")):
        lifecycle.record_payment(w.accountant_a, paid.id, amount=amount, kind=kind, on=on,
                                 today=date.fromisoformat(on))
    db.session.commit()
    return paid.id, decided.id


def _run(app, *args: str):
    return app.test_cli_runner().invoke(args=["audit", *args])


def _sql(statement: str, **params) -> None:
    from thads.extensions import db

    db.session.execute(text(statement), params)
    db.session.commit()
    db.session.expire_all()


def _broken_lines(output: str, case_id: int) -> list[str]:
    return [line for line in output.splitlines()
            if line.startswith(f"BROKEN case {case_id}:") or line.startswith(f"BROKEN case {case_id} ")]


def test_untouched_data_verifies_with_exit_0_and_a_one_line_summary(app, world):
    from thads.extensions import db
    from thads.services import lifecycle

    _history(world)
    anchored = _run(app, "anchor", "--now", "2026-05-25T18:00")
    assert anchored.exit_code == 0, anchored.output
    later = decided_cases(world, 1)[0]  # a chain that moved after the anchor
    lifecycle.apply_transition(world.officer_a, later.id, "notify", on="2026-05-26", today=date(2026, 5, 26))
    db.session.commit()

    result = _run(app, "verify")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "audit: 3 cases, 12 events, 1 anchors (2 anchored heads) verify (hashes only, no AUDIT_KEY)"]


def test_a_deleted_tail_event_is_named_by_the_case_head(app, world):
    paid, decided = _history(world)
    _sql("DELETE FROM case_event WHERE case_id = :c AND seq = (SELECT max(seq) FROM case_event WHERE case_id = :c)",
         c=paid)

    result = _run(app, "verify")
    assert result.exit_code == 1
    lines = _broken_lines(result.output, paid)
    assert f"BROKEN case {paid}: the case row's chain head is event 7" in result.output
    assert any("last event is 6" in line for line in lines)
    # The replay names what the deleted event did: the money reduced.
    assert any("reduced is 10000000 but its events give 0" in line for line in lines)
    assert not _broken_lines(result.output, decided)


def test_a_case_state_set_to_completed_by_sql_is_named_by_the_replay(app, world):
    paid, decided = _history(world)
    _sql("UPDATE enforcement_case SET state = 'completed' WHERE id = :c", c=decided)

    result = _run(app, "verify")
    assert result.exit_code == 1
    assert _broken_lines(result.output, decided) == [
        f"BROKEN case {decided}: state is 'completed' but its events give 'decided'"]
    assert not _broken_lines(result.output, paid)


def test_money_collected_changed_by_sql_is_named_by_the_replay(app, world):
    paid, _decided = _history(world)
    _sql("UPDATE enforcement_case SET collected = collected + 1000000 WHERE id = :c", c=paid)

    result = _run(app, "verify")
    assert result.exit_code == 1
    assert _broken_lines(result.output, paid) == [
        f"BROKEN case {paid}: collected is 101000000 but its events give 100000000"]


def test_a_next_due_date_that_no_open_deadline_gives_is_named(app, world):
    _paid, decided = _history(world)
    _sql("UPDATE enforcement_case SET next_due_on = :d WHERE id = :c", d=date(2026, 12, 31), c=decided)

    result = _run(app, "verify", "--case", str(decided))
    assert result.exit_code == 1
    assert "next_due_on is 2026-12-31 but its open deadlines give 2026-05-07" in result.output


def test_events_rewritten_with_recomputed_hashes_pass_the_plain_check_but_not_the_keyed_one(app, keyed):
    """The attacker lowers the amount collected, recomputes every later SHA-256 and moves the
    head and the money on the case to match: only the HMAC under the key tells."""
    from thads.extensions import db
    from thads.models import CaseEvent
    from thads.models.events import chain_hash, event_payload

    w = build_world()
    paid, decided = _history(w)
    E = CaseEvent.__table__
    rows = db.session.execute(select(E).where(E.c.case_id == paid).order_by(E.c.seq)).all()
    prev = None
    for row in rows:
        values = dict(row._mapping)
        if values["kind"] == "payment" and values["trigger"] == "collection":
            values["amount_delta"] = 60_000_000
            values["inputs"] = {**values["inputs"], "amount": 60_000_000}
        if prev is not None:
            values["prev_hash"] = prev
        values["hash"] = prev = chain_hash(values["prev_hash"], event_payload(_Obj(values)))
        db.session.execute(E.update().where(E.c.id == row.id).values(
            amount_delta=values["amount_delta"], inputs=values["inputs"], prev_hash=values["prev_hash"],
            hash=values["hash"]))
    db.session.execute(text("UPDATE enforcement_case SET collected = 60000000, chain_hash = :h WHERE id = :c"),
                       {"h": prev, "c": paid})
    db.session.commit()

    with app.app_context():  # the same database without the key: the rewrite is self-consistent
        plain = _run(app, "verify")
    assert plain.exit_code == 0, plain.output

    result = _run(keyed, "verify")
    assert result.exit_code == 1
    lines = _broken_lines(result.output, paid)
    assert f"BROKEN case {paid} at event 5: the event MAC does not verify (and 2 later events)" in lines
    assert f"BROKEN case {paid}: the chain head MAC does not verify" in lines
    assert not _broken_lines(result.output, decided)


class _Obj:
    def __init__(self, values: dict) -> None:
        self.__dict__.update(values)


def _delete_case(backend: str, case_id: int) -> None:
    if backend == "sqlite":  # the embedded database runs without foreign-key enforcement: cascade by hand
        for table in ("deadline", "case_event", "party", "obligation", "payment"):
            _sql(f"DELETE FROM {table} WHERE case_id = :c", c=case_id)
    _sql("DELETE FROM enforcement_case WHERE id = :c", c=case_id)


def test_a_whole_case_deleted_after_an_anchor_is_named(app, world, backend):
    from thads.extensions import db
    from thads.models import CaseEvent

    paid, decided = _history(world)
    assert _run(app, "anchor").exit_code == 0
    _delete_case(backend, decided)
    assert db.session.scalar(select(CaseEvent.id).where(CaseEvent.case_id == decided)) is None

    result = _run(app, "verify")
    assert result.exit_code == 1
    assert _broken_lines(result.output, decided) == [
        f"BROKEN case {decided}: the case row is gone (deleted with its events); anchor 1 of "
        f"{_today().isoformat()} holds its head at event 2"]
    assert not _broken_lines(result.output, paid)
    # One case alone is checked too, anchors included.
    assert _run(app, "verify", "--case", str(decided)).exit_code == 1


def _today() -> date:
    from thads.services import clock

    return clock.today()


def test_a_rewritten_last_anchor_is_caught_by_its_printed_copy(app, world, backend):
    """Deleting the case, its anchored head and recomputing the anchor passes the database's own
    checks without a key; the line printed when the anchor was taken does not match any more."""
    from thads.models import AuditAnchor
    from thads.services import audit

    _paid, decided = _history(world)
    printed = _run(app, "anchor").output.strip()
    anchor_id, anchor_hash = int(printed.split()[1]), printed.split()[6]
    assert printed == f"anchor {anchor_id} {_today().isoformat()} heads 2 hash {anchor_hash} (unsigned)"
    assert _run(app, "anchors").output.strip() == printed

    _delete_case(backend, decided)
    _sql("DELETE FROM audit_anchor_head WHERE case_id = :c", c=decided)
    assert _run(app, "verify").output.startswith(f"BROKEN anchor {anchor_id}: its 1 head rows do not match")
    # … so the attacker recomputes the digest and the hash as the service would.
    from thads.extensions import db

    row = db.session.get(AuditAnchor, anchor_id)
    import hashlib

    digest = hashlib.sha256()
    for h in db.session.execute(text("SELECT case_id, seq, event_hash FROM audit_anchor_head WHERE anchor_id = :a "
                                     "ORDER BY case_id"), {"a": anchor_id}):
        digest.update((audit.head_message(*h) + "\n").encode())
    row.heads_count, row.heads_digest = 1, digest.hexdigest()
    row.hash = audit.anchor_hash(row.prev_hash, row.anchored_on, 1, row.heads_digest)
    db.session.commit()

    assert _run(app, "verify").exit_code == 0
    result = _run(app, "verify", "--anchor", f"{anchor_id}:{anchor_hash}")
    assert result.exit_code == 1
    assert f"BROKEN anchor {anchor_id}: hash is {row.hash}, the printed copy says {anchor_hash}" in result.output


def test_adding_a_key_later_reports_unsigned_rows_until_audit_sign_signs_them(app, keyed):
    from thads.extensions import db

    with app.app_context():  # written before the key was set
        paid, decided = _history(build_world())
        assert _run(app, "anchor").exit_code == 0

    downgraded = _run(keyed, "verify")
    assert downgraded.exit_code == 1
    assert f"BROKEN case {paid}: 7 events without a MAC although AUDIT_KEY is set" in downgraded.output
    assert "BROKEN anchor 1: has no MAC although AUDIT_KEY is set" in downgraded.output

    signed = _run(keyed, "sign")
    assert signed.exit_code == 0, signed.output
    assert "audit sign: signed 9 events, 2 case heads, 1 anchors" in signed.output
    assert _run(keyed, "verify").exit_code == 0

    # Removing one MAC is a downgrade, and is named.
    _sql("UPDATE case_event SET mac = NULL WHERE case_id = :c AND seq = 2", c=decided)
    result = _run(keyed, "verify")
    assert result.exit_code == 1
    assert _broken_lines(result.output, decided) == [
        f"BROKEN case {decided}: 1 event without a MAC although AUDIT_KEY is set"]
    assert db.session.scalar(text("SELECT count(*) FROM case_event WHERE mac IS NULL")) == 1


def test_audit_sign_refuses_a_broken_trail_and_signs_nothing(app, keyed):
    from thads.extensions import db

    with app.app_context():  # written before the key was set
        paid = _history(build_world())[0]
    _sql("UPDATE enforcement_case SET state = 'completed' WHERE id = :c", c=paid)

    result = _run(keyed, "sign")
    assert result.exit_code == 1
    assert f"BROKEN case {paid}: state is 'completed' but its events give 'enforcing'" in result.output
    assert "audit sign: refused, nothing was signed" in result.output
    assert db.session.scalar(text("SELECT count(*) FROM case_event WHERE mac IS NOT NULL")) == 0
    assert db.session.scalar(text("SELECT count(*) FROM enforcement_case WHERE chain_mac IS NOT NULL")) == 0


def test_the_scheduler_takes_one_anchor_a_local_day(app, world):
    from thads.extensions import db
    from thads.models import AuditAnchor
    from thads.services import clock
    from thads.tasks.scheduler import Scheduler

    _history(world)
    scheduler = Scheduler(app)
    scheduler.next_sweep = float("inf")  # this test is about the anchor, not the sweep
    scheduler.digest_done = clock.today()
    scheduler.tick_once()
    scheduler.tick_once()
    assert scheduler.runs["anchors"] == 1
    # A restarted scheduler finds today's anchor in the database and does not take another.
    again = Scheduler(app)
    again.next_sweep, again.digest_done = float("inf"), clock.today()
    again.tick_once()
    rows = db.session.execute(select(AuditAnchor.anchored_on, AuditAnchor.heads_count)).all()
    assert [tuple(r) for r in rows] == [(clock.today(), 2)]
    assert again.runs["anchors"] == 0


def test_an_anchor_taken_late_in_the_evening_utc_carries_the_local_date(app, world):
    from thads.services import audit

    _history(world)
    row = audit.anchor(datetime.fromisoformat("2026-05-25T18:30:00+00:00"))  # 01:30 on the 26th in Hà Nội
    assert row.anchored_on == date(2026, 5, 26)


def _load_generated(world, first_id: int, n: int) -> int:
    from bench.bench_audit import chained_cases
    from thads.extensions import db
    from thads.models import Case, CaseEvent, Deadline

    rows = list(chained_cases(n, first_id=first_id, unit_id=world.office_a.id, officer_id=world.officer_a.id))
    events = [e for _c, evs, _d in rows for e in evs]
    db.session.execute(insert(Case.__table__), [c for c, _e, _d in rows])
    db.session.execute(insert(CaseEvent.__table__), events)
    db.session.execute(insert(Deadline.__table__), [d for _c, _e, ds in rows for d in ds])
    db.session.commit()
    return len(events)


def _peak_memory(fn):
    gc.collect()
    tracemalloc.start()
    try:
        result = fn()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def test_verify_memory_stays_bounded_when_the_events_grow_fivefold(app, world):
    from thads.extensions import db
    from thads.services.audit_verify import verify

    def run():
        result = verify(batch_size=50)
        db.session.rollback()
        return result

    n = 200
    small_events = _load_generated(world, 1_000_000, n)
    run()  # warm the statement caches, so that the first measurement is not the larger one
    small, small_peak = _peak_memory(run)
    large_events = small_events + _load_generated(world, 1_000_000 + n, 4 * n)
    large, large_peak = _peak_memory(run)

    assert small.ok and large.ok
    assert (small.events, large.events) == (small_events, large_events)
    assert large_events > 4.5 * small_events
    # Five times the events, (nearly) the same peak: batches, not the table, are in memory.
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
