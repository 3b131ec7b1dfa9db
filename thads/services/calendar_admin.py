"""Local calendar additions (government-announced swaps) and the recomputation they cause."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from thads.extensions import db
from thads.models import CalendarDay, User
from thads.services import deadlines
from thads.services.errors import Forbidden, InvalidInput


def add_day(actor: User | None, on: date, kind: str, note: str = "") -> tuple[CalendarDay, int]:
    """Declare an extra day off or an extra working Saturday; recompute open deadlines.

    Returns the row and how many open deadlines moved (each records why in
    ``recomputed_reason``). ``actor`` None means the command line (an operator).
    """
    if actor is not None and not actor.has_role("admin"):
        raise Forbidden("Chỉ quản trị viên được sửa lịch làm việc.")
    if kind not in ("off", "work"):
        raise InvalidInput("Loại ngày phải là 'off' (nghỉ) hoặc 'work' (làm bù).", fields={"kind": "off|work"})
    if db.session.scalars(select(CalendarDay).where(CalendarDay.on == on)).first():
        raise InvalidInput(f"Ngày {on:%d/%m/%Y} đã có trong lịch bổ sung.", fields={"on": "Đã có."})
    row = CalendarDay(on=on, kind=kind, note=note)
    db.session.add(row)
    db.session.flush()
    label = "ngày nghỉ bổ sung" if kind == "off" else "ngày làm bù"
    moved = deadlines.recompute_open(f"Lịch thay đổi: {label} {on:%d/%m/%Y}")
    return row, moved
