"""Who may do what: one table of actions and the roles that may take them.

The services refuse with ``Forbidden`` by these rules, and the pages show a menu, a button or a
link only when :func:`can` allows it (``{% if can('pay') %}`` in templates), so nobody fills a
form that will be refused on submit. Scope (which unit's cases) is ``thads.services.scope``'s.
"""
from __future__ import annotations

from thads.models import User
from thads.models.users import SIGNING_ROLES

#: action → roles that may take it. officer = chấp hành viên, head/deputy = Thủ trưởng / Phó,
#: supervisor = người theo dõi, inspector = thẩm tra viên, clerk = thư ký, accountant = kế toán.
ACTIONS: dict[str, tuple[str, ...]] = {
    "register": ("clerk", "officer", "head", "deputy", "supervisor", "admin"),  # thụ lý
    "officer_step": ("officer", "head", "deputy", "supervisor"),  # an officer's procedural step
    "sign": SIGNING_ROLES,  # the decisions the law reserves to the head (or a deputy)
    "pay": ("accountant", "officer", "head", "deputy"),  # thu, chi, giảm
    "act": ("officer", "head", "deputy", "supervisor", "clerk"),  # case file opened, sent to procuracy
    # correct the parties and obligations after intake (each change an event on the case)
    "edit_case": ("clerk", "officer", "head", "deputy", "supervisor"),
    "propose": ("officer", "supervisor", "head", "deputy"),
    "reassign": ("head", "deputy", "supervisor"),
    "board": ("supervisor", "head", "deputy", "inspector", "admin"),
    "reports": ("supervisor", "head", "deputy", "inspector", "admin"),
    "targets": ("admin",),
    "admin": ("admin",),
    "import": ("admin",),  # nhập sổ thụ lý (issue 13): the history is recorded as imported
    # Enforcement measures and coercion (issue 11). A measure step the law reserves to the head
    # (the exit postponement) needs "sign" as well; approving a coercion plan, marking a day
    # without coercion and marking a hard case are the head's ("sign").
    "measure": ("officer", "head", "deputy", "supervisor"),  # start a measure, record its steps
    "coercion": ("officer", "head", "deputy", "supervisor"),  # draft, send, police status, outcome
    "coercion_calendar": ("officer", "head", "deputy", "supervisor", "inspector", "clerk", "admin"),
    "committee": ("head", "deputy", "supervisor"),  # agencies, meetings, tasks, conclusions
    "committee_answer": ("officer", "head", "deputy", "supervisor", "clerk"),  # an agency's answer
    "hard_cases": ("officer", "head", "deputy", "supervisor", "inspector", "admin"),  # the list, the report
}


def roles_for(action: str) -> tuple[str, ...]:
    return ACTIONS[action]


def can(user: User | None, action: str) -> bool:
    """Whether ``user``'s roles allow ``action`` (an unknown action is a programming error)."""
    roles = ACTIONS[action]
    return user is not None and getattr(user, "is_authenticated", False) and user.has_role(*roles)
