"""``flask audit verify``: check every case's event chain and report the broken ones."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="Audit trail checks.")


@audit_cli.command("verify")
@click.option("--case", "case_id", type=int, default=None)
def audit_verify(case_id):
    """Check every case's event hash chain; exit 1 and list the broken cases."""
    from thads.services.audit import verify_chain

    broken = verify_chain(case_id)
    if broken:
        for b in broken:
            click.echo(f"BROKEN case {b['case_id']} at event {b['seq']}")
        sys.exit(1)
    click.echo("audit: all chains verify")


COMMANDS = [audit_cli]
