"""Flask commands: units, users, tokens, demo data, audit. They call the same services as the web."""
from __future__ import annotations

import json
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from thads.extensions import db
from thads.services import accounts
from thads.services.errors import ServiceError

units_cli = AppGroup("units", help="Organisation units.")
users_cli = AppGroup("users", help="Users and API tokens.")
demo_cli = AppGroup("demo", help="Demo data.")
calendar_cli = AppGroup("calendar", help="Local calendar additions (swapped days).")


def _fail(exc: ServiceError) -> None:
    db.session.rollback()
    click.echo(f"Lỗi: {exc.message}", err=True)
    for k, v in exc.fields.items():
        click.echo(f"  {k}: {v}", err=True)
    sys.exit(1)


@units_cli.command("create")
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--parent", default=None, help="code of the parent unit")
@click.option("--kind", type=click.Choice(["central", "province", "regional"]), default=None)
def units_create(code, name, parent, kind):
    try:
        unit = accounts.create_unit(code, name, kind, parent)
    except ServiceError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"unit {unit.code} created (id {unit.id})")


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--unit", "unit_code", required=True)
@click.option("--role", "roles", required=True, help="comma-separated, e.g. officer,head")
@click.option("--full-name", default=None)
@click.option("--email", default=None)
def users_create(username, password, unit_code, roles, full_name, email):
    try:
        user = accounts.create_user(username, password, unit_code, [r.strip() for r in roles.split(",") if r.strip()],
                                    full_name=full_name, email=email)
    except ServiceError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"user {user.username} created (id {user.id})")


@users_cli.command("token")
@click.argument("username")
@click.option("--name", default="default", show_default=True,
              help="what the token is for; a token of the same name still in force is revoked")
@click.option("--days", type=click.IntRange(1, 3660), default=None,
              help="days until it expires (default: THADS_TOKEN_DAYS)")
def users_token(username, name, days):
    """Print a new API token (the last line of output)."""
    try:
        user = accounts.user_by_username(username)
        issued = accounts.create_token(user, name=name, days=days)
    except ServiceError as exc:
        _fail(exc)
    db.session.commit()
    for old in issued.replaced:
        click.echo(f"revoked token {old.id} named {old.name!r} of {user.username} (replaced by this one)")
    click.echo(f"token {issued.row.id} named {issued.row.name!r} for {user.username}, "
               f"expires {_when(issued.row.expires_at)}:")
    click.echo(issued.raw)


@users_cli.command("tokens")
@click.argument("username")
def users_tokens(username):
    """List a user's API tokens (never the tokens themselves: only their hashes are kept)."""
    try:
        user = accounts.user_by_username(username)
    except ServiceError as exc:
        _fail(exc)
    rows = [("id", "name", "created", "expires", "last used", "revoked")]
    rows += [(str(t.id), t.name, _when(t.created_at), _when(t.expires_at), _when(t.last_used_at),
              _when(t.revoked_at)) for t in accounts.list_tokens(user)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())


@users_cli.command("revoke-token")
@click.argument("token_id", type=int)
def users_revoke_token(token_id):
    """Revoke an API token by its id (see ``users tokens``); it answers 401 from now on."""
    try:
        row = accounts.revoke_token(token_id)
    except ServiceError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"token {row.id} named {row.name!r} of {row.user.username} is revoked (since {_when(row.revoked_at)})")


def _when(value) -> str:
    """A UTC timestamp as local time (Asia/Ho_Chi_Minh), or "-"."""
    from thads.services.clock import TZ

    return value.astimezone(TZ).strftime("%Y-%m-%d %H:%M") if value else "-"


@demo_cli.command("load")
@click.option("--cases", default=300, show_default=True)
@click.option("--seed", default=2026, show_default=True)
@click.option("--if-empty", is_flag=True, help="do nothing when units already exist")
def demo_load(cases, seed, if_empty):
    from thads.demo import load_demo
    from thads.models import Unit

    if if_empty and db.session.query(Unit.id).first() is not None:
        click.echo("demo: database not empty, nothing loaded")
        return
    summary = load_demo(n_cases=cases, seed=seed)
    db.session.commit()
    click.echo(json.dumps(summary, ensure_ascii=False))


@calendar_cli.command("add")
@click.option("--date", "on", required=True, type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]))
@click.option("--kind", required=True, type=click.Choice(["off", "work"]))
@click.option("--note", default="")
def calendar_add(on, kind, note):
    """Add an extra day off / worked Saturday; open deadlines are recomputed."""
    from thads.services.calendar_admin import add_day

    try:
        _row, moved = add_day(None, on.date(), kind, note)
    except ServiceError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(json.dumps({"date": on.date().isoformat(), "kind": kind, "deadlines_moved": moved}))


# Each slice that has commands exposes ``COMMANDS`` (a list of click commands/groups) in its
# ``cli`` module; they are registered here so the composition root stays in one place.
SLICE_CLI_MODULES = ("thads.tasks.cli", "thads.worklist.cli", "thads.reports.cli", "thads.audit.cli",
                     "thads.intake.cli", "thads.measures.cli")


def register(app: Flask) -> None:
    import importlib

    for group in (units_cli, users_cli, demo_cli, calendar_cli):
        app.cli.add_command(group)
    for name in SLICE_CLI_MODULES:
        for command in importlib.import_module(name).COMMANDS:
            app.cli.add_command(command)
