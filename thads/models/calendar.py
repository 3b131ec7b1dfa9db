"""Local calendar additions announced by the government each year (swapped days)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from thads.extensions import db
from thads.models.base import check_in


class CalendarDay(db.Model):
    __tablename__ = "calendar_day"
    __table_args__ = (CheckConstraint(check_in("kind", ("off", "work")), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    on: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # "off": extra day off; "work": worked Saturday
    note: Mapped[str] = mapped_column(String(300), default="")
