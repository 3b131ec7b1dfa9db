"""Turn ``DeadlineOpen`` entries into concrete deadlines (rule + basis date + due date).

The service layer calls :func:`plan_transition` after a transition fires and
:func:`plan_initial` when a case is registered, then stores the result. Every
planned deadline carries the rule it was computed with, so the stored row can
say *why* it is due when it is (``explain``), even after the law changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflows.calendar import WorkingCalendar
from workflows.definition import DeadlineOpen, GuardContext, Transition, Workflow
from workflows.rules import DeadlineRule, due_date, explain, explain_en, rule_for

__all__ = ["PlannedDeadline", "plan_deadlines", "plan_initial", "plan_transition"]


@dataclass(frozen=True)
class PlannedDeadline:
    """A deadline ready to be stored."""

    kind: str
    rule: DeadlineRule
    basis_on: date
    due_on: date

    @property
    def explanation_vi(self) -> str:
        return explain(self.rule, self.basis_on, self.due_on)

    @property
    def explanation_en(self) -> str:
        return explain_en(self.rule, self.basis_on, self.due_on)


def _condition(cond: str, ctx: GuardContext, inputs: Mapping[str, Any]) -> bool:
    """Evaluate a ``when`` / ``unless`` condition (see ``DeadlineOpen``)."""
    if cond.startswith("input:"):
        name, sep, expected = cond[len("input:"):].partition("=")
        value = inputs.get(name)
        if not sep:
            return bool(value)
        if isinstance(value, bool):
            value = "true" if value else "false"
        return value is not None and str(value) == expected
    return bool(getattr(ctx, cond, False))


def _variant(spec: DeadlineOpen, ctx: GuardContext, inputs: Mapping[str, Any]) -> str | None:
    if spec.variant is not None:
        return spec.variant
    source = spec.variant_from
    if source is None:
        return None
    if source.startswith("ctx:"):
        name = source[len("ctx:"):]
        value = getattr(ctx, name, None)
    else:
        name = source.removeprefix("input:")
        value = inputs.get(name)
    if value is True:
        return name  # a true flag selects the variant named like the flag
    if isinstance(value, str) and value:
        return value
    return None


def plan_deadlines(
    opens: Iterable[DeadlineOpen],
    ctx: GuardContext,
    inputs: Mapping[str, Any],
    on: date,
    cal: WorkingCalendar,
) -> list[PlannedDeadline]:
    """Resolve ``opens`` in order; ``due:<kind>`` refers to an earlier entry.

    An entry whose basis is an empty date input, or whose ``due:`` reference
    was not opened (e.g. no voluntary period), is skipped: there is no
    statutory date to count from.
    """
    planned: list[PlannedDeadline] = []
    by_kind: dict[str, PlannedDeadline] = {}
    for spec in opens:
        if spec.unless and _condition(spec.unless, ctx, inputs):
            continue
        if spec.when and not _condition(spec.when, ctx, inputs):
            continue
        basis_on: date | None
        if spec.basis == "event":
            basis_on = on
        elif spec.basis.startswith("input:"):
            value = inputs.get(spec.basis[len("input:"):])
            basis_on = value if isinstance(value, date) else None
        elif spec.basis.startswith("due:"):
            earlier = by_kind.get(spec.basis[len("due:"):])
            basis_on = earlier.due_on if earlier else None
        else:
            raise ValueError(f"unknown deadline basis {spec.basis!r}")
        if basis_on is None:
            continue
        # The rule is chosen by the date of the event that starts the period
        # (Law 106/2025 Art 116), i.e. by basis_on, not by the case's age.
        rule = rule_for(spec.kind, basis_on, _variant(spec, ctx, inputs))
        item = PlannedDeadline(spec.kind, rule, basis_on, due_date(rule, basis_on, cal))
        planned.append(item)
        by_kind[spec.kind] = item
    return planned


def plan_initial(
    wf: Workflow, ctx: GuardContext, received_on: date, cal: WorkingCalendar
) -> list[PlannedDeadline]:
    """Deadlines opened when a case is registered (the enforcement decision)."""
    return plan_deadlines(wf.initial_opens, ctx, {}, received_on, cal)


def plan_transition(
    wf: Workflow,
    transition: Transition | str,
    ctx: GuardContext,
    inputs: Mapping[str, Any],
    on: date,
    cal: WorkingCalendar,
    *,
    new_state: str | None = None,
) -> list[PlannedDeadline]:
    """Deadlines a transition opens, including the restored state's on resumption.

    ``new_state`` is the state the case entered (needed for ``resume``; when
    omitted it is computed from the inputs and ``ctx.previous_state``).
    """
    t = wf.transition(transition) if isinstance(transition, str) else transition
    opens = list(t.opens)
    if t.dest is None:
        target = new_state or t.destination(inputs, ctx.previous_state)
        opens.extend(wf.state(target).on_resume_opens)
    return plan_deadlines(opens, ctx, inputs, on, cal)
