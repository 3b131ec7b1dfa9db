"""THADS enforcement procedures, statutory deadlines and the working-day calendar.

Pure Python (stdlib, ``holidays``, ``transitions``): no web framework, no
database. The service layer calls:

* :func:`workflow_for` / :data:`WORKFLOWS` – the procedure definitions;
* :class:`CaseMachine` – checking and firing transitions on a case context;
* :func:`rule_for`, :func:`due_date`, :func:`explain` – statutory periods;
* :func:`plan_transition`, :func:`plan_initial` – deadlines to store;
* :class:`WorkingCalendar` – Vietnamese working days.
"""

from __future__ import annotations

from datetime import date

from workflows import law_2008, law_2025
from workflows.calendar import (
    KNOWN_SWAPS,
    KnownSwap,
    PeriodUnit,
    WorkingCalendar,
    period_end,
)
from workflows.definition import (
    GUARD_MESSAGES,
    GUARDS,
    CaseContext,
    DeadlineOpen,
    GuardContext,
    InputSpec,
    State,
    Transition,
    Workflow,
)
from workflows.machine import (
    CaseMachine,
    InvalidTransition,
    to_mermaid,
    validate_inputs,
)
from workflows.planning import (
    PlannedDeadline,
    plan_deadlines,
    plan_initial,
    plan_transition,
)
from workflows.rules import (
    ALL_KINDS,
    CHANGEOVER,
    KIND_LABELS,
    LAW_2008,
    LAW_2025,
    DeadlineRule,
    UnknownRule,
    due_date,
    explain,
    explain_en,
    law_for,
    rule_for,
)

__all__ = [
    "ALL_KINDS",
    "CHANGEOVER",
    "GUARDS",
    "GUARD_MESSAGES",
    "KIND_LABELS",
    "KNOWN_SWAPS",
    "LAW_2008",
    "LAW_2025",
    "WORKFLOWS",
    "WORKFLOWS_BY_LAW",
    "CaseContext",
    "CaseMachine",
    "DeadlineOpen",
    "DeadlineRule",
    "GuardContext",
    "InputSpec",
    "InvalidTransition",
    "KnownSwap",
    "PeriodUnit",
    "PlannedDeadline",
    "State",
    "Transition",
    "UnknownRule",
    "Workflow",
    "WorkingCalendar",
    "due_date",
    "explain",
    "explain_en",
    "law_for",
    "period_end",
    "plan_deadlines",
    "plan_initial",
    "plan_transition",
    "rule_for",
    "to_mermaid",
    "validate_inputs",
    "workflow_for",
]

WORKFLOWS: dict[str, Workflow] = {
    law_2008.WORKFLOW.id: law_2008.WORKFLOW,
    law_2025.WORKFLOW.id: law_2025.WORKFLOW,
}

WORKFLOWS_BY_LAW: dict[str, Workflow] = {wf.law: wf for wf in WORKFLOWS.values()}


def workflow_for(d: date) -> Workflow:
    """The procedure in force on ``d`` (2008 law before 01/07/2026, 2025 law from then)."""
    return WORKFLOWS_BY_LAW[law_for(d)]
