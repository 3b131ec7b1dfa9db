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
def users_token(username):
    """Print a new API token (last line of output)."""
    try:
        user = accounts.user_by_username(username)
    except ServiceError as exc:
        _fail(exc)
    token = accounts.issue_token(user)
    db.session.commit()
    click.echo(token)


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
SLICE_CLI_MODULES = ("thads.tasks.cli", "thads.worklist.cli", "thads.reports.cli", "thads.audit.cli")


def register(app: Flask) -> None:
    import importlib

    for group in (units_cli, users_cli, demo_cli, calendar_cli):
        app.cli.add_command(group)
    for name in SLICE_CLI_MODULES:
        for command in importlib.import_module(name).COMMANDS:
            app.cli.add_command(command)
