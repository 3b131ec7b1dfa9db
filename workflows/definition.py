"""Data types describing an enforcement procedure (a workflow definition).

A :class:`Workflow` is pure data: states, transitions, the inputs each
transition asks for, the guards it must pass, and the statutory deadlines it
opens and closes. Nothing here touches a database or a web framework; the
service layer reads these definitions, :mod:`workflows.machine` executes them
and :mod:`workflows.planning` turns ``DeadlineOpen`` entries into due dates.

Guard context protocol
----------------------
Guards are plain functions ``guard(ctx, inputs) -> bool`` registered in
:data:`GUARDS` by name and referred to by name from :class:`Transition`.
``ctx`` is any object with the attributes of :class:`GuardContext`:

* ``state: str`` – current state of the case;
* ``kind: str`` – ``"ex_officio"`` (chủ động) or ``"on_request"`` (theo đơn);
* ``interim: bool`` – the judgment is an interim (urgent) measure;
* ``previous_state: str | None`` – state before postponement/suspension;
* ``money_remaining: int`` – money still to enforce, in whole đồng;
* ``nonmoney_pending: int`` – non-money obligations not yet done;
* ``not_enforceable_since: date | None`` – first "chưa có điều kiện" finding;
* ``on: date`` – the event date of the transition being tried.

Each guard has a failure message in :data:`GUARD_MESSAGES` (Vietnamese and
English) so the UI can say *why* an action is unavailable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "GUARDS",
    "GUARD_MESSAGES",
    "INPUT_TYPES",
    "CaseContext",
    "DeadlineOpen",
    "GuardContext",
    "InputSpec",
    "State",
    "Transition",
    "Workflow",
    "add_years",
]

#: Input types the service layer and :func:`workflows.machine.validate_inputs` know.
INPUT_TYPES = frozenset({"str", "text", "date", "int", "money", "choice", "officer", "bool"})
#: Default longest value of the text types: a line (a number, an agency) and a text (a ground).
TEXT_LIMITS = {"str": 200, "text": 2000, "officer": 64}


@dataclass(frozen=True)
class InputSpec:
    """One field a user fills in when taking an action."""

    name: str
    type: str
    required: bool = True
    choices: tuple[tuple[str, str, str], ...] = ()  # (value, label_vi, label_en)
    label_vi: str = ""
    label_en: str = ""
    # Longest text accepted (characters); 0 = the type's default (TEXT_LIMITS).
    max_length: int = 0

    def __post_init__(self) -> None:
        # Fail at import time: a typo in a definition must not reach a form.
        if self.type not in INPUT_TYPES:
            raise ValueError(f"unknown input type {self.type!r} for {self.name!r}")
        if self.type == "choice" and not self.choices:
            raise ValueError(f"choice input {self.name!r} has no choices")

    def choice_values(self) -> tuple[str, ...]:
        return tuple(value for value, _, _ in self.choices)

    def length_limit(self) -> int:
        """Longest value accepted for a text input (``str``: one line, ``text``: several)."""
        return self.max_length or TEXT_LIMITS.get(self.type, 0)


@dataclass(frozen=True)
class DeadlineOpen:
    """A statutory deadline a transition (or registration, or resumption) opens.

    ``basis`` says which date starts the period:

    * ``"event"`` – the event date ``on`` of the transition;
    * ``"input:<name>"`` – a date input (skipped when the input is empty);
    * ``"due:<kind>"`` – the due date of a deadline opened earlier in the same
      transition (verification runs from the end of the voluntary period).

    ``variant`` fixes a rule variant; ``variant_from`` derives it from an input
    (``"yearly"`` or ``"input:yearly"``) or from the context
    (``"ctx:interim"``): a true bool selects the variant named like the input /
    attribute, a non-empty string selects that value.
    ``unless`` / ``when`` suppress / require this deadline by a condition:
    either a boolean context attribute (``"interim"``: no voluntary period for
    interim measures) or an input test ``"input:<name>=<value>"`` (or
    ``"input:<name>"`` for a true / non-empty input), e.g. reverification only
    when verify's outcome is ``not_enforceable``.
    """

    kind: str
    basis: str = "event"
    variant_from: str | None = None
    unless: str | None = None
    when: str | None = None
    variant: str | None = None


@dataclass(frozen=True)
class Transition:
    """An action on a case: who may take it, from where, to where, and its effects.

    ``dest=None`` means "back to the state the case left" (resume).
    ``dest_from_input`` lets an input choose the destination (verify's outcome);
    one entry must then match (``dest`` is only the nominal/default for display). ``role_if`` raises the required role for
    some input values (a "not enforceable" finding is the head's decision).
    ``closes`` lists deadline kinds the action satisfies; ``cancels_open``
    cancels every other open deadline (termination, entrustment, ...). The
    service closes ``closes`` first, then cancels the rest.
    """

    trigger: str
    sources: tuple[str, ...]
    dest: str | None
    role: str
    label_vi: str
    label_en: str
    legal_basis: str
    inputs: tuple[InputSpec, ...] = ()
    guards: tuple[str, ...] = ()
    opens: tuple[DeadlineOpen, ...] = ()
    closes: tuple[str, ...] = ()
    cancels_open: bool = False
    role_if: tuple[tuple[str, str, str], ...] = ()
    dest_from_input: tuple[tuple[str, str, str], ...] = ()
    legal_basis_en: str = ""

    def input(self, name: str) -> InputSpec:
        for spec in self.inputs:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def required_role(self, inputs: Mapping[str, Any]) -> str:
        """Role needed to take this action with these inputs."""
        for name, value, role in self.role_if:
            if _matches(inputs.get(name), value):
                return role
        return self.role

    def destination(self, inputs: Mapping[str, Any], previous_state: str | None) -> str:
        """State the case ends up in. Raises ``ValueError`` if it cannot be known."""
        for name, value, dest in self.dest_from_input:
            if _matches(inputs.get(name), value):
                return dest
        if self.dest_from_input:
            # An input-chosen destination must not silently default (a missing
            # outcome must not make a case "enforceable").
            raise ValueError(f"{self.trigger}: no input selects the destination")
        if self.dest is not None:
            return self.dest
        if previous_state is None:
            raise ValueError(f"{self.trigger}: no previous state to return to")
        return previous_state


def _matches(actual: Any, expected: str) -> bool:
    # Inputs may arrive cleaned (bool/str) or raw (form strings): compare as text.
    if isinstance(actual, bool):
        return expected == ("true" if actual else "false")
    return actual is not None and str(actual) == expected


@dataclass(frozen=True)
class State:
    """A state of a case, with the statistics group it is counted in."""

    name: str
    label_vi: str
    label_en: str
    final: bool = False
    stat_group: str = "in_progress"
    on_resume_opens: tuple[DeadlineOpen, ...] = ()


@dataclass(frozen=True)
class Workflow:
    """A versioned procedure definition (one per law)."""

    id: str
    version: int
    law: str
    label_vi: str
    label_en: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    initial: str = "received"
    initial_opens: tuple[DeadlineOpen, ...] = ()
    _state_index: dict[str, State] = field(init=False, repr=False, compare=False)
    _trigger_index: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        states = {s.name: s for s in self.states}
        triggers = {t.trigger: t for t in self.transitions}
        if len(states) != len(self.states) or len(triggers) != len(self.transitions):
            raise ValueError(f"{self.id}: duplicate state or trigger")
        if self.initial not in states:
            raise ValueError(f"{self.id}: unknown initial state {self.initial!r}")
        for t in self.transitions:
            named = [*t.sources, *([t.dest] if t.dest else []), *(d for _, _, d in t.dest_from_input)]
            for name in named:
                if name not in states:
                    raise ValueError(f"{self.id}: {t.trigger} refers to unknown state {name!r}")
            for guard in t.guards:
                if guard not in GUARDS:
                    raise ValueError(f"{self.id}: {t.trigger} uses unknown guard {guard!r}")
        # Frozen dataclass: indexes are set once here for O(1) lookups.
        object.__setattr__(self, "_state_index", states)
        object.__setattr__(self, "_trigger_index", triggers)

    def state(self, name: str) -> State:
        return self._state_index[name]

    def transition(self, trigger: str) -> Transition:
        return self._trigger_index[trigger]

    def has_trigger(self, trigger: str) -> bool:
        return trigger in self._trigger_index

    def triggers_from(self, state: str) -> tuple[Transition, ...]:
        """Transitions whose sources include ``state`` (guards not evaluated)."""
        return tuple(t for t in self.transitions if state in t.sources)

    def state_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states)


# -- guards ----------------------------------------------------------------


@runtime_checkable
class GuardContext(Protocol):
    """What a guard may read about a case (see the module docstring)."""

    state: str
    kind: str
    interim: bool
    previous_state: str | None
    money_remaining: int
    nonmoney_pending: int
    not_enforceable_since: date | None
    on: date


@dataclass
class CaseContext:
    """A plain implementation of :class:`GuardContext` (tests, previews, services)."""

    state: str = "received"
    on: date = field(default_factory=date.today)
    kind: str = "ex_officio"
    interim: bool = False
    previous_state: str | None = None
    money_remaining: int = 0
    nonmoney_pending: int = 0
    not_enforceable_since: date | None = None


def add_years(d: date, years: int) -> date:
    """Same day ``years`` later; 29/02 becomes 28/02 in a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def _on_request(ctx: GuardContext, inputs: Mapping[str, Any]) -> bool:
    return ctx.kind == "on_request"


def _new_law(ctx: GuardContext, inputs: Mapping[str, Any]) -> bool:
    # Imported lazily to keep this module free of rule data.
    from workflows.rules import CHANGEOVER

    return ctx.on >= CHANGEOVER


def _two_years_not_enforceable(ctx: GuardContext, inputs: Mapping[str, Any]) -> bool:
    since = ctx.not_enforceable_since
    return since is not None and add_years(since, 2) <= ctx.on


def _all_collected(ctx: GuardContext, inputs: Mapping[str, Any]) -> bool:
    return ctx.money_remaining == 0 and ctx.nonmoney_pending == 0


GuardFn = Callable[[GuardContext, Mapping[str, Any]], bool]

GUARDS: dict[str, GuardFn] = {
    "on_request": _on_request,
    "new_law": _new_law,
    "two_years_not_enforceable": _two_years_not_enforceable,
    "all_collected": _all_collected,
}

#: Failure message per guard: {"label_vi": ..., "label_en": ...}.
GUARD_MESSAGES: dict[str, dict[str, str]] = {
    "on_request": {
        "label_vi": "Chỉ áp dụng cho việc thi hành án theo đơn yêu cầu.",
        "label_en": "Only for cases enforced on request.",
    },
    "new_law": {
        "label_vi": "Chỉ áp dụng từ ngày 01/07/2026 (Luật Thi hành án dân sự 2025).",
        "label_en": "Only from 01/07/2026 (Enforcement Law 2025).",
    },
    "two_years_not_enforceable": {
        "label_vi": "Việc thi hành án chưa đủ 2 năm chưa có điều kiện thi hành.",
        "label_en": "The case has not been unenforceable for two years yet.",
    },
    "all_collected": {
        "label_vi": "Còn tiền hoặc nghĩa vụ khác chưa thi hành xong.",
        "label_en": "Money or other obligations are still outstanding.",
    },
}
