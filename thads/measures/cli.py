"""Flask commands of the measures slice (registered by thads.cli): ``flask committee seed``."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from thads.extensions import db
from thads.measures import committee
from thads.models import Unit

committee_cli = AppGroup("committee", help="The provincial steering committee (Ban chỉ đạo THADS).")


@committee_cli.command("seed")
@click.option("--unit", "unit_code", required=True, help="code of the province")
def seed(unit_code):
    """Add the usual member agencies to a province's committee that has none yet."""
    unit = db.session.scalars(select(Unit).where(Unit.code == unit_code)).first()
    if unit is None or unit.kind != "province":
        click.echo(f"Lỗi: không có tỉnh mã {unit_code}.", err=True)
        sys.exit(1)
    added = committee.ensure_default_agencies(unit)
    db.session.commit()
    click.echo(f"{added} cơ quan thành viên đã được thêm cho {unit.name}")


COMMANDS = [committee_cli]
