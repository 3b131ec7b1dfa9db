"""The scheduler: one leader sweeps every ``SWEEP_MINUTES``, sends the digest each working-day
morning and takes the day's audit anchor. Leadership is a PostgreSQL session advisory lock held on a dedicated connection (a
standby takes over when the leader's connection dies), or an exclusive file lock on SQLite.
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
import time as _time
from datetime import date

from flask import Flask
from sqlalchemy import text

from thads.services import clock

log = logging.getLogger(__name__)

DIGEST_LAST_HOUR = 12  # no digest after noon: a late start does not mail a "morning" summary


class Leadership:
    """Held while this process is the one scheduler; ``ensure()`` is cheap to call every tick."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._conn = None
        self._fd: int | None = None

    def ensure(self) -> bool:
        with self.app.app_context():
            from thads.extensions import db
            from thads.services.reminders import SCHEDULER_LOCK_KEY

            if db.engine.dialect.name == "postgresql":
                return self._pg(db.engine, SCHEDULER_LOCK_KEY)
            return self._file(db.engine.url.database or "thads")

    def _pg(self, engine, key: int) -> bool:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                return True
            except Exception:  # noqa: BLE001 — the connection (and with it the lock) is gone
                self._drop()
        conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        if conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}):
            self._conn = conn
            log.info("scheduler: leadership acquired")
            return True
        conn.close()
        return False

    def _file(self, db_path: str) -> bool:
        if self._fd is not None:
            return True
        path = (db_path if db_path not in ("", ":memory:") else os.path.join(self.app.instance_path, "thads")) \
            + ".scheduler.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def _drop(self) -> None:
        try:
            self._conn.close()
        except Exception:
            log.debug("closing a dead leader connection failed", exc_info=True)
        self._conn = None

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock_all()"))
            except Exception:
                log.debug("advisory unlock failed (connection gone)", exc_info=True)
            self._drop()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Scheduler:
    def __init__(self, app: Flask, *, tick_seconds: float = 15.0) -> None:
        self.app = app
        self.tick = tick_seconds
        self._stop = threading.Event()
        self.leader = Leadership(app)
        self.next_sweep = 0.0
        self.digest_done: date | None = None
        self.anchor_done: date | None = None
        self.runs = {"sweeps": 0, "digests": 0, "anchors": 0}

    def stop(self) -> None:
        self._stop.set()

    def run(self, max_ticks: int | None = None) -> None:
        ticks = 0
        try:
            while not self._stop.is_set():
                try:
                    if self.leader.ensure():
                        self.tick_once()
                except Exception:
                    log.exception("scheduler tick failed")
                ticks += 1
                if max_ticks is not None and ticks >= max_ticks:
                    break
                self._stop.wait(self.tick)
        finally:
            self.leader.release()

    def tick_once(self) -> None:
        from thads.services import reminders

        with self.app.app_context():
            if _time.monotonic() >= self.next_sweep:
                result = reminders.sweep(wait=False)
                self.runs["sweeps"] += 1
                log.info("sweep: %s", result.as_dict())
                self.next_sweep = _time.monotonic() + 60 * int(self.app.config["SWEEP_MINUTES"])
            now = clock.local_now()
            if (self.digest_done != now.date()
                    and int(self.app.config["DIGEST_HOUR"]) <= now.hour < DIGEST_LAST_HOUR):
                result = reminders.digest(now)
                self.digest_done = now.date()
                self.runs["digests"] += 1
                log.info("digest: %s", result)
            if self.anchor_done != now.date():
                self._anchor(now)

    def _anchor(self, now) -> None:
        """One audit anchor per local day (none when the database already has today's, so a
        restarted scheduler does not take a second one)."""
        from thads.extensions import db
        from thads.services import audit

        row = audit.daily_anchor(now)
        db.session.commit()
        self.anchor_done = now.date()
        if row is not None:
            self.runs["anchors"] += 1
            log.info("audit anchor: %s", audit.anchor_line(row))
