"""Flask commands of the worklist slice (registered by thads.cli)."""
from __future__ import annotations

import json
from datetime import date

import click

from thads.extensions import db


@click.command("bench-data")
@click.option("--cases", "n_cases", default=200_000, show_default=True, help="how many cases to insert")
@click.option("--units", default=10, show_default=True, help="regional offices under one new province")
@click.option("--officers", default=8, show_default=True, help="officers per office")
@click.option("--seed", default=2026, show_default=True)
@click.option("--prefix", default="B", show_default=True, help="unit code / username prefix (must be new)")
@click.option("--today", default=None, help="YYYY-MM-DD (default: today in Asia/Ho_Chi_Minh)")
def bench_data(n_cases, units, officers, seed, prefix, today):
    """Bulk-insert benchmark cases with SQL (not through the per-row services)."""
    from thads.worklist.benchdata import generate

    summary = generate(n_cases, units=units, officers_per_unit=officers, seed=seed, prefix=prefix,
                       today=date.fromisoformat(today) if today else None, echo=click.echo)
    db.session.commit()
    click.echo(json.dumps(summary, ensure_ascii=False))


COMMANDS: list = [bench_data]
