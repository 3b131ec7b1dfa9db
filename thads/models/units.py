"""Organisation units: a tree (central department → provincial body → regional office)."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from thads.extensions import db
from thads.models.base import check_in

UNIT_KINDS = ("central", "province", "regional")


class Unit(db.Model):
    __tablename__ = "unit"
    __table_args__ = (CheckConstraint(check_in("kind", UNIT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    # Materialised path "/1/4/": scope checks are one indexed prefix match, no recursion.
    path: Mapped[str] = mapped_column(String(255), index=True, default="")

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.code")

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"
