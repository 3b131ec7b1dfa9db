"""Yearly completion-rate targets, per statistical year and unit (None = national)."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from thads.extensions import db


class Target(db.Model):
    __tablename__ = "target"
    __table_args__ = (
        UniqueConstraint("stat_year", "unit_id"),
        CheckConstraint("cases_bp BETWEEN 0 AND 10000 AND money_bp BETWEEN 0 AND 10000", name="range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stat_year: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    # Rates in hundredths of a percent (8390 = 83.90 %): exact, no floats in the database.
    cases_bp: Mapped[int] = mapped_column(Integer)
    money_bp: Mapped[int] = mapped_column(Integer)
