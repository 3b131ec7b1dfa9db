"""Who may see what: a regional office sees its own cases, a province sees its offices'."""
from __future__ import annotations

from sqlalchemy import Select, select

from thads.extensions import db
from thads.models import Case, Unit, User
from thads.services.errors import NotFound

MAX_ID = 2**31 - 1  # ids are PostgreSQL integers; a larger one names nothing


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
    if not isinstance(case_id, int) or isinstance(case_id, bool) or not 1 <= case_id <= MAX_ID:
        raise NotFound("Không tìm thấy hồ sơ việc thi hành án.")
    stmt = cases_for(user).where(Case.id == case_id)
    if for_update:
        # The row as it is once the lock is granted: a request that waited for another one's
        # commit must see (and compare its version with) what that one wrote, not the copy
        # this session loaded before waiting.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    case = db.session.scalars(stmt).first()
    if case is None:
        raise NotFound("Không tìm thấy hồ sơ việc thi hành án.")
    return case
