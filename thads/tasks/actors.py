"""Dramatiq actors: thin wrappers around services. ``dramatiq thads.tasks.actors`` loads this module.

When the dramatiq CLI imports it directly, no app exists yet: the module creates one (which binds
the broker from ``THADS_BROKER_URL``) *before* declaring any actor.
"""
from __future__ import annotations

from thads import tasks

if tasks._state["broker"] is None:  # imported by the dramatiq CLI, not by create_app()
    from thads import create_app

    worker_app = create_app()

import dramatiq
from flask import current_app

from thads.extensions import db


class DeliveryFailed(Exception):
    """One delivery attempt failed; dramatiq's Retries middleware schedules the next one."""


# Generous dramatiq limits: the database's attempt counter (REMINDER_MAX_RETRIES, passed with
# each message) decides when a row is `failed`; dramatiq only spaces the attempts.
@dramatiq.actor(queue_name=tasks.QUEUE, max_retries=20, time_limit=120_000)
def deliver(notification_id: int) -> None:
    """Send notification ``notification_id`` unless it was already sent (idempotent)."""
    from thads.services import reminders

    try:
        outcome = reminders.deliver(notification_id, max_retries=int(current_app.config["REMINDER_MAX_RETRIES"]))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    if outcome.status == "retry":
        raise DeliveryFailed(outcome.error)


@dramatiq.actor(queue_name=tasks.QUEUE, max_retries=0)
def ping() -> None:
    """Does nothing: a health check, and the benchmark's measure of the broker's own cost."""


# An import of a register (issue 13): long, committed in batches, resumable — a retry after a lost
# worker continues where the last committed batch ended (thads.intake.runner).
@dramatiq.actor(queue_name=tasks.QUEUE, max_retries=3, time_limit=6 * 3600 * 1000)
def import_cases(run_id: int) -> None:
    """Import (or resume) register import run ``run_id``."""
    from thads.intake import runner

    runner.execute(run_id)


ALL = (deliver, ping, import_cases)
