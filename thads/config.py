"""Configuration: defaults in the repository, ``THADS_*`` environment overrides, validated once.

Every setting has a default that works on one machine with no services (SQLite under
``instance/``, dramatiq's StubBroker, mail to the in-app mailbox). Production sets
``THADS_DATABASE_URL``, ``THADS_BROKER_URL``, ``THADS_SMTP_URL`` and ``THADS_SECRET_KEY``.
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import Flask


class ConfigError(RuntimeError):
    """A configuration value is unusable; the message is one sentence a person can act on."""


DEFAULTS: dict[str, object] = {
    "SECRET_KEY": None,  # generated into instance/secret_key when not given
    "DATABASE_URL": None,  # sqlite:///<instance>/thads.sqlite3 when not given
    "BROKER_URL": "stub://",
    "SMTP_URL": "",  # empty: email is written to the in-app mailbox only
    "MAIL_FROM": "thads@localhost",
    "BASE_URL": "http://127.0.0.1:5000",
    "EMBEDDED_WORKER": True,  # in-process worker + scheduler under `flask run`
    "SWEEP_MINUTES": 5,
    "DIGEST_HOUR": 7,
    # Where the sign-in throttle counts failures. Empty: the broker's Redis when BROKER_URL is
    # redis://… (shared by every web process), else memory:// (one process only).
    "RATELIMIT_STORAGE_URI": "",
    "LOGIN_MAX_FAILURES": 10,  # per username: the 11th failure within the window is refused
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 100,  # per client address (an office shares one NAT address)
    "LOGIN_WINDOW_MINUTES": 15,
    "SECURE_COOKIES": False,  # True in production behind HTTPS
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted
    # (werkzeug ProxyFix); 0 = none, the socket's address is the client's.
    "TRUSTED_PROXIES": 0,
    "SESSION_IDLE_MINUTES": 60,  # a sign-in unused this long ends
    "SESSION_MAX_HOURS": 12,  # a sign-in ends this long after it started, used or not
    "REAUTH_MINUTES": 10,  # sensitive administration asks for the password again after this
    "TOKEN_DAYS": 90,  # an API token expires this many days after it is issued
    # Password hashing: Argon2id; tests set a cheap werkzeug method such as "pbkdf2:sha256:1000".
    "PASSWORD_HASH_METHOD": "argon2id",
    "MAX_BODY_BYTES": 1024 * 1024,  # request bodies above this get 413 before they are parsed
    # HMAC key of the audit trail (hex or text, ≥ 32 characters); without it the chain uses
    # plain SHA-256, which detects edits but not a rewrite with recomputed hashes.
    "AUDIT_KEY": "",
    "DEFAULT_LOCALE": "vi",
    "PAGE_SIZE": 50,
    # Statistics: where suspension and non-agreed postponement count (domain.md: UNCONFIRMED).
    "STATS_SUSPENDED_AS": "in_progress",
    # Reminders (docs/reminders.md): step=offset in working days from the due date.
    "REMINDER_LADDER": "upcoming=-2,due=0,overdue=1,escalated=2",
    "REMINDER_MAX_RETRIES": 5,  # delivery attempts after the first, then the row is `failed`
    "REMINDER_MIN_BACKOFF_MS": 15_000,
    "REMINDER_MAX_BACKOFF_MS": 300_000,
    "REMINDER_REQUEUE_SECONDS": 900,  # a pending row untouched this long is enqueued again
    "EMAIL_HOURS": "07:30-17:00",  # local office hours on working days; email waits for them
    "DIGEST_DAYS": 5,  # the digest lists what is due within this many working days
}

SCHEMES_DB = ("sqlite", "postgresql", "postgresql+psycopg")
SCHEMES_BROKER = ("stub", "redis", "rediss", "amqp", "amqps")


def load_config(app: Flask, test_config: dict | None = None) -> None:
    """Fill ``app.config`` from defaults, the environment (``THADS_*``) and ``test_config``."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config.from_prefixed_env("THADS")
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    db_url = app.config["DATABASE_URL"] or (
        "sqlite:///" + os.path.join(app.instance_path, "thads.sqlite3")
    )
    if db_url.startswith("postgresql://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgresql://"):]
    app.config["DATABASE_URL"] = db_url
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", db_url)
    app.config["SQLALCHEMY_DATABASE_URI"] = db_url
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})

    configure_limiter(app.config)
    secure = bool(app.config["SECURE_COOKIES"])
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_SAMESITE="Lax",
        BOOTSTRAP_SERVE_LOCAL=True,
        BABEL_DEFAULT_LOCALE=app.config["DEFAULT_LOCALE"],
        BABEL_DEFAULT_TIMEZONE="Asia/Ho_Chi_Minh",
        BABEL_TRANSLATION_DIRECTORIES=os.path.join(os.path.dirname(__file__), "translations"),
        WTF_CSRF_TIME_LIMIT=None,  # the session bounds the token; long forms must not expire
    )
    validate(app.config)
    # Flask refuses a larger body with 413 before anything reads it; uploads set their own limit.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]


def configure_limiter(cfg) -> None:
    """Flask-Limiter's settings: shared storage in production, namespaced keys, and a per-process
    fallback so that sign-in keeps working (still throttled) while Redis is unreachable."""
    if not cfg["RATELIMIT_STORAGE_URI"]:
        broker = str(cfg["BROKER_URL"])
        shared = urlsplit(broker).scheme in ("redis", "rediss")
        cfg["RATELIMIT_STORAGE_URI"] = broker if shared else "memory://"
    cfg.setdefault("RATELIMIT_KEY_PREFIX", "thads")
    cfg.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED",
                   not str(cfg["RATELIMIT_STORAGE_URI"]).startswith("memory://"))


def validate(cfg) -> None:
    """Stop start-up with one clear sentence when a setting cannot work."""
    scheme = urlsplit(cfg["DATABASE_URL"]).scheme
    if scheme not in SCHEMES_DB:
        raise ConfigError(
            f"THADS_DATABASE_URL must start with sqlite:// or postgresql:// (got {scheme or 'nothing'!r})."
        )
    bscheme = urlsplit(str(cfg["BROKER_URL"])).scheme
    if bscheme not in SCHEMES_BROKER:
        raise ConfigError(
            f"THADS_BROKER_URL must be stub://, redis://… or amqp://… (got {cfg['BROKER_URL']!r})."
        )
    smtp = str(cfg["SMTP_URL"] or "")
    if smtp and urlsplit(smtp).scheme not in ("smtp", "smtps"):
        raise ConfigError(f"THADS_SMTP_URL must look like smtp://host:port (got {smtp!r}).")
    for key in ("SWEEP_MINUTES", "DIGEST_HOUR", "LOGIN_MAX_FAILURES", "LOGIN_WINDOW_MINUTES", "PAGE_SIZE",
                "LOGIN_MAX_FAILURES_PER_ADDRESS", "SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS",
                "REAUTH_MINUTES", "TOKEN_DAYS", "MAX_BODY_BYTES"):
        value = cfg[key]
        if isinstance(value, str) and value.isdigit():
            cfg[key] = value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0 and key != "DIGEST_HOUR":
            raise ConfigError(f"THADS_{key} must be a positive whole number (got {value!r}).")
    proxies = cfg["TRUSTED_PROXIES"]
    if isinstance(proxies, str) and proxies.isdigit():
        cfg["TRUSTED_PROXIES"] = proxies = int(proxies)
    if not isinstance(proxies, int) or isinstance(proxies, bool) or not 0 <= proxies <= 5:
        raise ConfigError(f"THADS_TRUSTED_PROXIES must be a whole number from 0 to 5 (got {proxies!r}).")
    method = str(cfg["PASSWORD_HASH_METHOD"])
    if method != "argon2id" and not method.startswith(("scrypt", "pbkdf2:")):
        raise ConfigError(f"THADS_PASSWORD_HASH_METHOD must be argon2id (or a werkzeug scrypt/pbkdf2 method; got {method!r}).")
    if cfg["AUDIT_KEY"] and len(str(cfg["AUDIT_KEY"])) < 32:
        raise ConfigError("THADS_AUDIT_KEY must be at least 32 characters (e.g. 64 hex digits) or empty.")
    _validate_reminders(cfg)
    if cfg["STATS_SUSPENDED_AS"] not in ("in_progress", "postponed"):
        raise ConfigError("THADS_STATS_SUSPENDED_AS must be 'in_progress' or 'postponed'.")
    if cfg["DEFAULT_LOCALE"] not in ("vi", "en"):
        raise ConfigError("THADS_DEFAULT_LOCALE must be 'vi' or 'en'.")


def _validate_reminders(cfg) -> None:
    import re

    for key in ("REMINDER_MAX_RETRIES", "REMINDER_MIN_BACKOFF_MS", "REMINDER_MAX_BACKOFF_MS",
                "REMINDER_REQUEUE_SECONDS", "DIGEST_DAYS"):
        value = cfg[key]
        if isinstance(value, str) and value.isdigit():
            cfg[key] = value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"THADS_{key} must be a whole number, 0 or more (got {value!r}).")
    steps = [part.strip() for part in str(cfg["REMINDER_LADDER"]).split(",") if part.strip()]
    if not steps or not all(re.fullmatch(r"(upcoming|due|overdue|escalated)=-?\d+", s) for s in steps):
        raise ConfigError("THADS_REMINDER_LADDER must look like 'upcoming=-2,due=0,overdue=1,escalated=2'.")
    if not re.fullmatch(r"\d{1,2}:\d{2}-\d{1,2}:\d{2}", str(cfg["EMAIL_HOURS"])):
        raise ConfigError("THADS_EMAIL_HOURS must look like '07:30-17:00'.")


def _instance_secret(instance_path: str) -> str:
    """A per-installation secret kept in instance/ so sessions survive restarts."""
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(os.urandom(32).hex())
    with open(path) as fh:
        return fh.read().strip()
