"""Task queue integration (dramatiq), made by hand (~50 lines; flask-melodramatiq is broken on 2.x).

``init_app`` picks the broker from ``THADS_BROKER_URL`` and calls ``dramatiq.set_broker`` *before*
the actor module is imported (else actors bind to an auto-created broker). A middleware pushes the
Flask app context around every message. ``stub://`` is the embedded default: the serving process
(`flask run`) starts an in-process worker thread and a scheduler thread on its first request — not
the reloader parent, not CLI commands. Production runs ``dramatiq thads.tasks.actors`` and
``flask --app wsgi scheduler``.
"""
from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

import dramatiq
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Middleware
from flask import Flask, current_app

log = logging.getLogger(__name__)

QUEUE = "reminders"

_state: dict = {"broker": None, "app": None}


class AppContextMiddleware(Middleware):
    """Push the Flask app context for each message; pop it afterwards (also when skipped)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._local = threading.local()

    def before_process_message(self, broker, message):
        ctx = self.app.app_context()
        ctx.push()
        self._local.ctx = ctx

    def _pop(self) -> None:
        ctx = getattr(self._local, "ctx", None)
        if ctx is not None:
            self._local.ctx = None
            ctx.pop()

    def after_process_message(self, broker, message, *, result=None, exception=None):
        self._pop()

    def after_skip_message(self, broker, message):
        self._pop()


def make_broker(url: str) -> dramatiq.Broker:
    scheme = urlsplit(url).scheme
    if scheme == "stub":
        return StubBroker()
    if scheme in ("redis", "rediss"):
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=url)
    if scheme in ("amqp", "amqps"):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=url)
    raise ValueError(f"unsupported broker URL {url!r}")


def init_app(app: Flask) -> None:
    """Bind the broker chosen by ``THADS_BROKER_URL``; start embedded worker/scheduler if asked."""
    broker = make_broker(str(app.config["BROKER_URL"]))
    broker.add_middleware(AppContextMiddleware(app))
    dramatiq.set_broker(broker)
    _state.update(broker=broker, app=app)
    app.extensions["dramatiq"] = broker
    _bind_actors(broker)
    if isinstance(broker, StubBroker) and app.config.get("EMBEDDED_WORKER") and not app.testing:
        _arm_embedded(app, broker)


def _bind_actors(broker: dramatiq.Broker) -> None:
    """Declare the actors on ``broker``; a later app (tests, scripts) rebinds them to its broker."""
    from thads.tasks import actors

    for actor in getattr(actors, "ALL", ()):  # empty while actors.py itself is creating the app
        if actor.broker is not broker:
            actor.broker = broker
            broker.declare_actor(actor)


def broker_for(app: Flask | None = None) -> dramatiq.Broker:
    return (app or current_app).extensions["dramatiq"]


def is_embedded(app: Flask | None = None) -> bool:
    return isinstance(broker_for(app), StubBroker)


def send_delivery(notification_id: int) -> None:
    """Enqueue ``deliver(notification_id)`` with the retry policy of the current app's settings."""
    from thads.tasks.actors import deliver

    cfg = current_app.config
    deliver.send_with_options(
        args=(notification_id,),
        max_retries=int(cfg["REMINDER_MAX_RETRIES"]),
        min_backoff=int(cfg["REMINDER_MIN_BACKOFF_MS"]),
        max_backoff=max(int(cfg["REMINDER_MAX_BACKOFF_MS"]), int(cfg["REMINDER_MIN_BACKOFF_MS"])),
    )


# ---------------------------------------------------------------- embedded worker and scheduler

_embedded_lock = threading.Lock()


def _arm_embedded(app: Flask, broker: StubBroker) -> None:
    """Start the worker and scheduler threads lazily, on the serving process's first request."""
    started = {"done": False}

    @app.before_request
    def _start_embedded_once():
        if started["done"]:
            return
        with _embedded_lock:
            if started["done"]:
                return
            started["done"] = True
            start_embedded(app, broker)


def start_embedded(app: Flask, broker: dramatiq.Broker) -> tuple[dramatiq.Worker, threading.Thread]:
    import atexit

    from thads.tasks.scheduler import Scheduler

    worker = dramatiq.Worker(broker, worker_timeout=1000, worker_threads=2)
    worker.start()
    scheduler = Scheduler(app)
    thread = threading.Thread(target=scheduler.run, name="thads-scheduler", daemon=True)
    thread.start()

    def stop() -> None:
        scheduler.stop()
        worker.stop(timeout=5000)

    atexit.register(stop)
    log.info("embedded worker and scheduler started")
    return worker, thread
