"""Flask commands of the tasks slice (registered by thads.cli): reminders and the scheduler."""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from thads.extensions import db
from thads.services.errors import ServiceError

reminders_cli = AppGroup("reminders", help="Deadline reminders (sweep, digest, failed deliveries).")


def _now(raw: str | None):
    from thads.services.reminders import parse_now

    try:
        return parse_now(raw)
    except ServiceError as exc:
        click.echo(f"Lỗi: {exc.message}", err=True)
        sys.exit(2)


def _run_embedded(fn):
    """Run ``fn`` and, with the in-process broker, deliver what it queued before exiting."""
    from thads import tasks

    broker = tasks.broker_for()
    if not tasks.is_embedded():
        return fn()
    import dramatiq

    worker = dramatiq.Worker(broker, worker_timeout=100, worker_threads=2)
    worker.start()
    try:
        result = fn()
        broker.join(tasks.QUEUE, fail_fast=False)
        worker.join()
    finally:
        worker.stop()
    return result


@reminders_cli.command("sweep")
@click.option("--now", "now_raw", default=None, help="e.g. 2026-05-12T08:00 (Asia/Ho_Chi_Minh unless an offset is given)")
def sweep_command(now_raw):
    """Run one sweep; print one line of JSON counts."""
    from thads.services import reminders

    now = _now(now_raw)
    result = _run_embedded(lambda: reminders.sweep(now))
    click.echo(json.dumps(result.as_dict()))


@reminders_cli.command("digest")
@click.option("--now", "now_raw", default=None)
def digest_command(now_raw):
    """Create today's digest per officer (idempotent); print one line of JSON counts."""
    from thads.services import reminders

    now = _now(now_raw)
    click.echo(json.dumps(_run_embedded(lambda: reminders.digest(now))))


@reminders_cli.command("failed")
@click.option("--limit", default=200, show_default=True)
def failed_command(limit):
    """List notifications whose delivery failed after every retry."""
    from thads.services import reminders

    rows = reminders.failed_notifications(limit)
    if not rows:
        click.echo("Không có thông báo gửi lỗi.")
        return
    click.echo(f"{len(rows)} thông báo gửi lỗi:")
    for n, user in rows:
        error = (n.last_error or "").replace("\n", " ")[:200]
        click.echo(f"#{n.id}\t{n.step}\t{n.channel}\t{user.username}\tcase={n.case_id}\tdeadline={n.deadline_id}"
                   f"\tattempts={n.attempts}\t{error}")


@reminders_cli.command("retry")
@click.argument("notification_id", type=int)
def retry_command(notification_id):
    """Put a failed notification back in the queue (the next sweep sends it)."""
    from thads.services import reminders

    try:
        reminders.retry_failed(notification_id)
    except ServiceError as exc:
        db.session.rollback()
        click.echo(f"Lỗi: {exc.message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"notification {notification_id} pending again")


@click.command("scheduler")
@click.option("--ticks", type=int, default=None, help="stop after this many ticks (default: run forever)")
@click.option("--tick-seconds", type=float, default=15.0, show_default=True)
@with_appcontext
def scheduler_command(ticks, tick_seconds):
    """Run the scheduler: one leader sweeps every SWEEP_MINUTES and sends the morning digest."""
    import signal

    from thads import tasks
    from thads.tasks.scheduler import Scheduler

    app = current_app._get_current_object()
    scheduler = Scheduler(app, tick_seconds=tick_seconds)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.stop())
    worker = None
    if tasks.is_embedded(app):  # stub:// keeps messages in this process: deliver them here too
        import dramatiq

        worker = dramatiq.Worker(tasks.broker_for(app), worker_timeout=1000, worker_threads=2)
        worker.start()
    click.echo("scheduler: running (Ctrl-C to stop)")
    try:
        scheduler.run(max_ticks=ticks)
    except KeyboardInterrupt:
        scheduler.stop()
    finally:
        if worker is not None:
            tasks.broker_for(app).join(tasks.QUEUE, fail_fast=False, timeout=60_000)
            worker.stop()
    click.echo(json.dumps(scheduler.runs))


COMMANDS: list = [reminders_cli, scheduler_command]
