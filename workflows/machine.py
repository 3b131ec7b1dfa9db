"""Executing a workflow definition with the ``transitions`` library.

One ``transitions.Machine`` is built per workflow definition and shared by
every case (a machine per row costs ~240 µs and ~54 KiB; see stack-notes).
The machine is unbound (``model=None``); each firing wraps the caller's
context in a tiny adapter whose ``state`` attribute reads and writes
``ctx.state``, so the real library evaluates the guards and performs the state
change.

``transitions`` needs a concrete destination per transition, but two of ours
pick it at run time: ``resume`` returns to the state the case left and
``verify``'s outcome chooses ``enforcing`` or ``not_enforceable``. Each such
trigger is registered as a set of internal transitions, one per possible
destination, dispatched by a condition comparing that destination with the one
:meth:`Transition.destination` computed for this firing.

Roles are not checked here (the service knows the user); use
``Transition.required_role(inputs)``. Input conversion is
:func:`validate_inputs`, shared by the API and the UI.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, ClassVar

from transitions import Machine

from workflows.definition import (
    GUARD_MESSAGES,
    GUARDS,
    GuardContext,
    InputSpec,
    Transition,
    Workflow,
)

__all__ = ["CaseMachine", "InvalidTransition", "to_mermaid", "validate_inputs"]


class InvalidTransition(Exception):
    """A transition cannot be taken. ``code`` ∈ unknown_trigger, wrong_state, guard_failed."""

    def __init__(self, code: str, message_vi: str, message_en: str, guard: str | None = None):
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        self.guard = guard


class _Adapter:
    """What ``transitions`` sees as the model: the case's state plus this firing's data."""

    __slots__ = ("ctx", "dest", "inputs")

    def __init__(self, ctx: GuardContext, inputs: Mapping[str, Any], dest: str) -> None:
        self.ctx = ctx
        self.inputs = inputs
        self.dest = dest

    @property
    def state(self) -> str:
        return self.ctx.state

    @state.setter
    def state(self, value: str) -> None:
        # The library's state change lands directly on the caller's context.
        self.ctx.state = value


def _guard_condition(name: str) -> Callable[[Any], bool]:
    fn = GUARDS[name]

    def condition(event: Any) -> bool:
        model: _Adapter = event.model
        return fn(model.ctx, model.inputs)

    condition.__name__ = f"guard_{name}"
    return condition


def _dest_condition(dest: str) -> Callable[[Any], bool]:
    def condition(event: Any) -> bool:
        return event.model.dest == dest

    condition.__name__ = f"dest_is_{dest}"
    return condition


def _possible_destinations(wf: Workflow, t: Transition) -> tuple[str, ...]:
    """Every state ``t`` can lead to."""
    dests: list[str] = [d for _, _, d in t.dest_from_input]
    if t.dest_from_input:
        pass  # the input decides; ``dest`` is only nominal
    elif t.dest is not None:
        dests.append(t.dest)
    else:
        # Back to where the case came from: any state from which a transition
        # leads into one of t's sources (e.g. the states one can postpone from).
        for other in wf.transitions:
            if other.dest in t.sources:
                dests.extend(s for s in other.sources if s not in t.sources)
    return tuple(dict.fromkeys(dests))


class CaseMachine:
    """Runs one workflow definition for any number of cases."""

    _cache: ClassVar[dict[tuple[str, int], CaseMachine]] = {}

    def __init__(self, wf: Workflow) -> None:
        self.workflow = wf
        self._dests = {t.trigger: _possible_destinations(wf, t) for t in wf.transitions}
        self._machine = Machine(
            model=None,
            states=list(wf.state_names()),
            initial=None,
            auto_transitions=False,
            send_event=True,
            queued=False,  # a shared machine must not queue across threads
        )
        for t in wf.transitions:
            guards = [_guard_condition(g) for g in t.guards]
            for dest in self._dests[t.trigger]:
                self._machine.add_transition(
                    t.trigger,
                    source=list(t.sources),
                    dest=dest,
                    conditions=[*guards, _dest_condition(dest)],
                )

    @classmethod
    def for_workflow(cls, wf: Workflow) -> CaseMachine:
        """The shared machine of ``wf`` (built once per id and version)."""
        key = (wf.id, wf.version)
        machine = cls._cache.get(key)
        if machine is None or machine.workflow is not wf:
            machine = cls(wf)
            cls._cache[key] = machine
        return machine

    def destinations(self, trigger: str) -> tuple[str, ...]:
        """Every state ``trigger`` can lead to (several for resume and verify)."""
        return self._dests[trigger]

    # -- checks ----------------------------------------------------------

    def _failed_guard(self, t: Transition, ctx: GuardContext, inputs: Mapping[str, Any]) -> str | None:
        for name in t.guards:
            if not GUARDS[name](ctx, inputs):
                return name
        return None

    def _resolve(self, ctx: GuardContext, trigger: str, inputs: Mapping[str, Any]) -> tuple[Transition, str]:
        wf = self.workflow
        if not wf.has_trigger(trigger):
            raise InvalidTransition(
                "unknown_trigger",
                f"Thao tác «{trigger}» không có trong quy trình {wf.id}.",
                f"Action {trigger!r} is not part of workflow {wf.id}.",
            )
        t = wf.transition(trigger)
        if ctx.state not in t.sources:
            try:
                state_vi, state_en = wf.state(ctx.state).label_vi, wf.state(ctx.state).label_en
            except KeyError:
                state_vi = state_en = str(ctx.state)
            raise InvalidTransition(
                "wrong_state",
                f"Không thể «{t.label_vi}» khi việc thi hành án đang ở trạng thái «{state_vi}».",
                f"Cannot '{t.label_en}' while the case is '{state_en}'.",
            )
        failed = self._failed_guard(t, ctx, inputs)
        if failed is not None:
            msg = GUARD_MESSAGES[failed]
            raise InvalidTransition("guard_failed", msg["label_vi"], msg["label_en"], guard=failed)
        try:
            dest = t.destination(inputs, ctx.previous_state)
        except ValueError:
            dest = None
        if dest not in self._dests[trigger]:
            raise InvalidTransition(
                "wrong_state",
                "Không xác định được trạng thái để chuyển đến (thiếu trạng thái trước khi "
                "hoãn/tạm đình chỉ hoặc thiếu kết quả).",
                "Cannot determine the destination state (no previous state or no outcome).",
            )
        return t, dest

    def check(self, ctx: GuardContext, trigger: str, inputs: Mapping[str, Any] | None = None) -> None:
        """Raise :class:`InvalidTransition` if ``trigger`` cannot be taken now."""
        self._resolve(ctx, trigger, inputs or {})

    def destination(self, ctx: GuardContext, trigger: str, inputs: Mapping[str, Any] | None = None) -> str:
        """State ``trigger`` would lead to (after the same checks as :meth:`check`)."""
        return self._resolve(ctx, trigger, inputs or {})[1]

    def available(self, ctx: GuardContext) -> list[Transition]:
        """Transitions from ``ctx.state`` whose guards pass (guards do not read inputs).

        ``resume`` is listed only when the previous state is known; ``verify``
        is listed although its destination depends on the outcome input.
        """
        result = []
        for t in self.workflow.triggers_from(ctx.state):
            if self._failed_guard(t, ctx, {}) is not None:
                continue
            if t.dest is None and ctx.previous_state not in self._dests[t.trigger]:
                continue
            result.append(t)
        return result

    # -- firing ------------------------------------------------------------

    def fire(self, ctx: GuardContext, trigger: str, inputs: Mapping[str, Any] | None = None) -> str:
        """Take the transition, setting ``ctx.state``; return the new state.

        The caller records ``previous_state`` when postponing/suspending and
        plans deadlines (``workflows.planning.plan_transition``) in the same
        database transaction.
        """
        inputs = inputs or {}
        _, dest = self._resolve(ctx, trigger, inputs)
        adapter = _Adapter(ctx, inputs, dest)
        if not self._machine.events[trigger].trigger(adapter):
            # Only reachable if a guard changed its mind between check and fire.
            raise InvalidTransition(
                "guard_failed", "Điều kiện thực hiện thao tác không được đáp ứng.",
                "The action's conditions are not met.",
            )
        return ctx.state


# -- input validation ------------------------------------------------------

_REQUIRED = "Trường này là bắt buộc."
_TRUE = frozenset({"1", "true", "on", "yes", "y", "có", "co"})
_FALSE = frozenset({"0", "false", "off", "no", "n", "không", "khong", ""})
# ASCII digits only: ``\d`` and ``int()`` also take full-width (１２) and Arabic-Indic (١٢) digits.
_DMY = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MONEY_SEPARATORS = re.compile(r"[.,\s_]|₫|đ|VND|vnd")
#: Bounds of what an input may hold: dates from 1975, at most ten years after the step; whole
#: numbers that fit a database integer; money up to 10^15 đồng (as the registration's).
MIN_DATE = date(1975, 1, 1)
HORIZON_YEARS = 10
MAX_INT = 2**31 - 1
MAX_MONEY = 10**15
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        m = _DMY.match(text)
        if m:  # Vietnamese users type dd/mm/yyyy
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if _ISO.match(text):
            return date.fromisoformat(text)
    raise ValueError(value)


def _to_int(value: Any) -> int:
    if isinstance(value, bool):  # bool is an int subclass; a checkbox is not a number
        raise ValueError(value)  # noqa: TRY004 - callers map ValueError to a form error
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]{1,10}", value.strip()):
        number = int(value.strip())
    else:
        raise ValueError(value)
    if abs(number) > MAX_INT:
        raise ValueError(value)
    return number


def _to_money(value: Any) -> int:
    # Money is whole đồng, never a float: reject floats outright.
    if isinstance(value, (bool, float)):
        raise ValueError(value)  # noqa: TRY004 - callers map ValueError to a form error
    if isinstance(value, int):
        return value
    if isinstance(value, str) and len(value) <= 40:
        text = _MONEY_SEPARATORS.sub("", value.strip())
        if re.fullmatch(r"-?[0-9]+", text):
            return int(text)
    raise ValueError(value)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29/02
        return d.replace(year=d.year + years, day=28)


def _text_error(spec: InputSpec, value: Any) -> str | None:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return "Phải là chuỗi ký tự."
    text = str(value)
    limit = spec.length_limit()
    if len(text) > limit:
        return f"Dài quá {limit} ký tự."
    if (_CONTROL_TEXT if spec.type == "text" else _CONTROL_LINE).search(text):
        return "Chứa ký tự không hợp lệ."
    return None


def validate_inputs(transition: Transition, raw: Mapping[str, Any],
                    on: date | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Convert raw inputs (form strings or JSON values) to typed values.

    Returns ``(clean, errors)``; ``errors`` maps input name → Vietnamese
    message and is empty when everything is valid. Missing optional inputs
    become ``None`` (``False`` for bools). Unknown keys are dropped.
    Dates accept ``YYYY-MM-DD`` and ``DD/MM/YYYY`` and, given the step's date
    ``on``, must lie between it and ten years after it (a ground's expected
    end); money accepts "1.500.000" or "1.500.000 ₫", 0…10^15; text has a
    length limit and no control characters; officers are usernames or ids.
    """
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in transition.inputs:
        value = raw.get(spec.name)
        if spec.type == "bool":
            if isinstance(value, bool):
                clean[spec.name] = value
            elif value is None or str(value).strip().lower() in _FALSE:
                clean[spec.name] = False
            elif str(value).strip().lower() in _TRUE:
                clean[spec.name] = True
            else:
                errors[spec.name] = "Giá trị có/không không hợp lệ."
            continue
        if _is_empty(value):
            if spec.required:
                errors[spec.name] = _REQUIRED
            else:
                clean[spec.name] = None
            continue
        try:
            if spec.type in ("str", "text"):
                problem = _text_error(spec, value)
                if problem:
                    errors[spec.name] = problem
                else:
                    clean[spec.name] = str(value).strip()
            elif spec.type == "date":
                try:
                    day = _to_date(value)
                except ValueError:
                    errors[spec.name] = "Ngày không hợp lệ (định dạng DD/MM/YYYY hoặc YYYY-MM-DD)."
                    continue
                if day < (on or MIN_DATE):
                    errors[spec.name] = f"Ngày không được trước {(on or MIN_DATE).strftime('%d/%m/%Y')}."
                elif on is not None and day > _add_years(on, HORIZON_YEARS):
                    errors[spec.name] = f"Ngày không được sau quá {HORIZON_YEARS} năm kể từ ngày thực hiện."
                else:
                    clean[spec.name] = day
            elif spec.type == "int":
                clean[spec.name] = _to_int(value)
            elif spec.type == "money":
                amount = _to_money(value)
                if amount < 0:
                    errors[spec.name] = "Số tiền không được âm."
                elif amount > MAX_MONEY:
                    errors[spec.name] = "Số tiền quá lớn."
                else:
                    clean[spec.name] = amount
            elif spec.type == "officer":
                # A reference the service resolves: a username (API, forms) or a user id.
                if isinstance(value, bool) or not isinstance(value, (str, int)):
                    raise ValueError(value)
                ref = value.strip() if isinstance(value, str) else value
                if ref == "" or (isinstance(ref, int) and not 0 < ref <= MAX_INT) or _text_error(spec, ref):
                    raise ValueError(value)
                clean[spec.name] = ref
            elif spec.type == "choice":
                text = str(value).strip()
                if text in spec.choice_values():
                    clean[spec.name] = text
                else:
                    allowed = ", ".join(label for _, label, _ in spec.choices)
                    errors[spec.name] = f"Giá trị không hợp lệ; chọn một trong: {allowed}."
        except ValueError:
            errors[spec.name] = {
                "int": "Phải là số nguyên.",
                "money": "Số tiền không hợp lệ (số nguyên, đơn vị đồng).",
                "officer": "Chấp hành viên không hợp lệ.",
            }.get(spec.type, "Giá trị không hợp lệ.")
    return clean, errors


# -- diagrams ------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    # Mermaid labels break on quotes, colons after the first, ';' and '#'.
    return text.replace('"', "'").replace(":", " ").replace(";", ",").replace("#", "")


def to_mermaid(wf: Workflow, *, language: str = "vi") -> str:
    """Mermaid ``stateDiagram-v2`` text of ``wf`` with Vietnamese (or English) labels."""
    machine = CaseMachine.for_workflow(wf)
    lines = ["stateDiagram-v2"]
    for s in wf.states:
        label = s.label_vi if language == "vi" else s.label_en
        lines.append(f'    state "{_mermaid_text(label)}" as {s.name}')
    lines.append(f"    [*] --> {wf.initial}")
    for t in wf.transitions:
        label = _mermaid_text(t.label_vi if language == "vi" else t.label_en)
        for dest in machine.destinations(t.trigger):
            for source in t.sources:
                if t.dest is None and dest == source:
                    continue
                lines.append(f"    {source} --> {dest} : {label}")
    for s in wf.states:
        if s.final:
            lines.append(f"    {s.name} --> [*]")
    return "\n".join(lines) + "\n"
