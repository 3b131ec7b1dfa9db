"""``flask audit …``: verify the whole trail, sign it when a key is added, take and list anchors."""
from __future__ import annotations

import re
import sys
from datetime import datetime

import click
from flask.cli import AppGroup

from thads.extensions import db

audit_cli = AppGroup("audit", help="Audit trail: verify, sign, anchors (docs/audit.md).")

PRINTED = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _printed(_ctx, _param, values: tuple[str, ...]) -> dict[int, str]:
    expect = {}
    for value in values:
        m = PRINTED.match(value.strip().lower())
        if not m:
            raise click.BadParameter(f"{value!r} is not ID:HASH (the anchor id and its 64 hex digits)")
        expect[int(m.group(1))] = m.group(2)
    return expect


@audit_cli.command("verify")
@click.option("--case", "case_id", type=int, default=None, help="check one case only (no anchor chain)")
@click.option("--anchor", "expect", multiple=True, callback=_printed,
              help="ID:HASH of an anchor printed earlier; repeatable")
@click.option("--batch", "batch_size", type=click.IntRange(10, 100_000), default=1000, show_default=True)
def audit_verify(case_id, expect, batch_size):
    """Check every case's chain, head, replay, MACs and the anchors; exit 1 and list problems."""
    from thads.services.audit_verify import verify

    result = verify(case_id, expect=expect, batch_size=batch_size, report=lambda f: click.echo(f.line()))
    db.session.rollback()  # read only
    click.echo(result.summary())
    if not result.ok:
        sys.exit(1)


@audit_cli.command("sign")
@click.option("--batch", "batch_size", type=click.IntRange(10, 100_000), default=1000, show_default=True)
def audit_sign(batch_size):
    """With AUDIT_KEY set: verify, then sign every event, case head and anchor without a MAC.
    Nothing is signed when anything fails to verify."""
    from thads.services import audit
    from thads.services.audit_verify import sign

    if audit.audit_key() is None:
        click.echo("Lỗi: chưa đặt khóa THADS_AUDIT_KEY; không có gì để ký.", err=True)
        sys.exit(2)
    result = sign(batch_size=batch_size, report=lambda f: click.echo(f.line()))
    if not result.ok:
        db.session.rollback()
        click.echo(result.summary())
        click.echo("audit sign: refused, nothing was signed (fix or explain the problems above first)")
        sys.exit(1)
    db.session.commit()
    s = result.signed
    click.echo(f"audit sign: signed {s['events']} events, {s['cases']} case heads, {s['anchors']} anchors")
    click.echo(result.summary())


@audit_cli.command("anchor")
@click.option("--now", "now_raw", default=None, help="e.g. 2026-05-12T08:00 (Asia/Ho_Chi_Minh unless an offset is given)")
def audit_anchor(now_raw):
    """Anchor the heads of the chains that changed since the last anchor; print the line to keep."""
    from thads.services import audit, clock

    now = None
    if now_raw:
        try:
            now = datetime.fromisoformat(now_raw)
        except ValueError:
            raise click.BadParameter(f"{now_raw!r} is not a date and time like 2026-05-12T08:00") from None
        if now.tzinfo is None:
            now = now.replace(tzinfo=clock.TZ)
    row = audit.anchor(now)
    db.session.commit()
    click.echo(audit.anchor_line(row))


@audit_cli.command("anchors")
def audit_anchors():
    """List every anchor, oldest first, one printable line each."""
    from thads.services import audit

    for row in audit.iter_anchors():
        click.echo(audit.anchor_line(row))


COMMANDS = [audit_cli]
