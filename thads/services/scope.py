"""Who may see what: a regional office sees its own cases, a province sees its offices'."""
from __future__ import annotations

from sqlalchemy import Select, select

from thads.extensions import db
from thads.models import Case, Unit, User
from thads.services.errors import NotFound


def scope_units(user: User) -> Select:
    """A sub-select of the unit ids ``user`` may see (its unit and every unit below it)."""
    return select(Unit.id).where(Unit.path.startswith(user.unit.path, autoescape=True))


def in_scope(user: User, unit_id: int) -> bool:
    unit = db.session.get(Unit, unit_id)
    return unit is not None and unit.path.startswith(user.unit.path)


def cases_for(user: User) -> Select:
    return select(Case).where(Case.unit_id.in_(scope_units(user)))


def get_case(user: User, case_id: int, *, for_update: bool = False) -> Case:
    """The case if ``user`` may see it; otherwise NotFound, the same answer as a missing case."""
    stmt = cases_for(user).where(Case.id == case_id)
    if for_update:
        stmt = stmt.with_for_update()
    case = db.session.scalars(stmt).first()
    if case is None:
        raise NotFound("Không tìm thấy hồ sơ việc thi hành án.")
    return case
