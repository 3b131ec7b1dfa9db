"""What the API answers, as schemas for the OpenAPI document (``thads.api.serialize`` builds the
bodies; the Schemathesis test checks every response against these)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class Error(Out):
    """Every error: a machine code, a Vietnamese message and the fields at fault (may be empty)."""

    error: str = Field(description="machine-readable code, e.g. invalid_input, conflict, not_found")
    message: str
    fields: dict[str, str] = Field(description="field path (`parties.0.name`) → message")


class Money(Out):
    amount_total: int
    collected: int
    paid_out: int
    reduced: int
    remaining: int


class CaseBrief(Out):
    id: int
    number: str
    unit: str
    kind: str
    state: str
    version: int
    law: str
    workflow: str
    officer: str | None
    received_on: dt.date
    money: Money


class DeadlineOut(Out):
    id: int
    kind: str
    basis_on: dt.date
    due_on: dt.date
    status: str
    law: str
    rule: str
    legal_basis: str
    explanation: str
    measure_id: int | None = Field(None, description="the enforcement measure whose step opened it (issue 11)")


class InputOut(Out):
    name: str
    type: str
    required: bool
    choices: list[str]
    label: str


class TransitionOut(Out):
    trigger: str
    label: str
    role: str
    inputs: list[InputOut]


class EventOut(Out):
    seq: int
    on: dt.date
    kind: str
    trigger: str | None
    from_state: str | None
    to_state: str | None
    inputs: dict[str, Any]
    legal_basis: str | None
    actor_id: int | None
    created_at: dt.datetime


class MeasureStepOut(Out):
    trigger: str
    label: str
    on: dt.date
    from_state: str
    to_state: str
    inputs: dict[str, Any]
    legal_basis: str | None


class MeasureOut(Out):
    """An enforcement measure: its kind, current step, deadlines, the steps taken and those it can
    take next (issue 11)."""

    id: int
    case_id: int
    kind: str
    category: str = Field(description="security (bảo đảm) or coercive (cưỡng chế)")
    label: str
    state: str
    state_label: str
    law: str
    subject: str
    asset_class: str | None
    current_price: int | None
    sold_price: int | None
    proceeds: int
    started_on: dt.date
    last_step_on: dt.date
    closed_on: dt.date | None
    version: int
    deadlines: list[DeadlineOut]
    steps: list[MeasureStepOut]
    next_steps: list[TransitionOut]


class Judgment(Out):
    court: str
    number: str
    date: dt.date
    effective_on: dt.date | None


class PartyOut(Out):
    id: int
    role: str
    kind: str
    name: str
    id_number: str | None
    address: str | None


class ObligationOut(Out):
    id: int
    description: str
    amount: int | None
    rank: int
    done: bool


class PaymentOut(Out):
    id: int
    kind: str
    amount: int
    on: dt.date
    method: str | None
    receipt_number: str | None
    payee: int | None = Field(description="party id of the creditor who received a payout")
    recorded_by: str | None
    created_at: dt.datetime


class CaseOut(CaseBrief):
    judgment: Judgment
    interim: bool
    priority: bool
    decision_number: str | None
    parties: list[PartyOut]
    obligations: list[ObligationOut]
    payments: list[PaymentOut]
    deadlines: list[DeadlineOut]
    transitions: list[TransitionOut]
    events: list[EventOut]
    measures: list[MeasureOut] = Field(default_factory=list, description="enforcement measures (issue 11)")


class CasePage(Out):
    items: list[CaseBrief]
    next_cursor: str | None


class NotificationOut(Out):
    id: int
    step: str
    channel: str
    status: str
    case_id: int | None
    deadline_id: int | None
    deadline_kind: str | None
    due_on: dt.date | None
    subject: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    read_at: dt.datetime | None
    case_ids: list[int] = Field(description="the cases of a notification about several (an assignment, a digest)")
    proposal_id: int | None
    resolved_at: dt.datetime | None = Field(description="when its cause was dealt with (deadline met or moved, "
                                                        "proposal decided, case reassigned)")
    resolution: str | None


class NotificationPage(Out):
    items: list[NotificationOut]
    next_cursor: str | None
