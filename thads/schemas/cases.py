"""What a client may send about cases: registration, transitions, payments, acts and list queries.

Declared once, with pydantic: the API validates bodies and queries with these models, the
registration service validates the web form's data with :class:`CaseIn` too, and the OpenAPI
document is generated from them. Business rules that compare fields (a debtor is needed, the
judgment precedes its receipt, a date is not in the future) stay in the services, which know
the actor and today's date.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from thads.models import Case, Obligation, Party, Payment, Unit, User
from thads.models.cases import CASE_KINDS, CASE_STATES, PARTY_KINDS, PARTY_ROLES, PAYMENT_KINDS, PAYMENT_METHODS
from thads.schemas.types import MAX_ID, Flag, Id, LegalDate, Line, Money, Version, _problem
from thads.services import values
from thads.services.deadlines import ACT_KINDS
from workflows import WORKFLOWS

MAX_PARTIES = 50
MAX_OBLIGATIONS = 100
MAX_TRANSITION_INPUTS = 20
INPUT_TEXT_MAX = 2000
TRIGGERS = tuple(sorted({t.trigger for wf in WORKFLOWS.values() for t in wf.transitions}))


class Body(BaseModel):
    """A request body: unknown fields are refused, so a misspelt field is not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class JudgmentIn(Body):
    court: Line(Case.court)
    number: Line(Case.judgment_number)
    date: LegalDate
    effective_on: LegalDate | None = None


class PartyIn(Body):
    role: Literal[PARTY_ROLES]  # type: ignore[valid-type]
    kind: Literal[PARTY_KINDS] = "person"  # type: ignore[valid-type]
    name: Line(Party.name)
    id_number: Line(Party.id_number, required=False) | None = None
    address: Line(Party.address, required=False) | None = None


class ObligationIn(Body):
    description: Line(Obligation.description)
    amount: Money | None = Field(None, description="whole đồng; empty for a non-money obligation")
    rank: Literal[1, 2, 3] = Field(3, description="payment order, Art 47: 1 maintenance/wages/life-health, "
                                                  "2 court fees, 3 other")


class CaseIn(Body):
    """A case to register (thụ lý)."""

    kind: Literal[CASE_KINDS]  # type: ignore[valid-type]
    unit: Line(Unit.code, required=False) | None = Field(None, description="unit code; the caller's unit by default")
    officer: Line(User.username, required=False) | None = Field(None, description="username of the assigned officer")
    received_on: LegalDate
    interim: Flag = False
    priority: Flag = False
    judgment: JudgmentIn
    parties: list[PartyIn] = Field(min_length=1, max_length=MAX_PARTIES)
    obligations: list[ObligationIn] = Field(min_length=1, max_length=MAX_OBLIGATIONS)


#: Messages worded for the registration form's lists (instead of "at least 1 item").
CASE_MESSAGES = {
    ("parties", "too_short"): "Cần ít nhất một người phải thi hành án.",
    ("obligations", "too_short"): "Cần ít nhất một nghĩa vụ thi hành án.",
}


def _input_value(value: Any):
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not -MAX_ID <= value <= MAX_ID:
            raise _problem("Số quá lớn.")
        return value
    if isinstance(value, str):
        problem = values.text_problem(value, max_length=INPUT_TEXT_MAX, multiline=True)
        if problem:
            raise _problem(problem)
        return value
    raise _problem("Phải là chuỗi, số nguyên, true/false hoặc null.")


#: One input of a transition (its meaning is declared by the workflow and checked there).
InputValue = Annotated[Any, BeforeValidator(_input_value), WithJsonSchema({
    "type": ["string", "integer", "boolean", "null"], "maxLength": INPUT_TEXT_MAX,
    "minimum": -MAX_ID, "maximum": MAX_ID,
})]


class TransitionIn(Body):
    trigger: Literal[TRIGGERS]  # type: ignore[valid-type]
    on: LegalDate | None = Field(None, description="the legal date of the step; today by default")
    version: Version | None = Field(None, description="the case version the client saw (optimistic lock)")
    inputs: dict[Annotated[str, Field(max_length=40)], InputValue] = Field(
        default_factory=dict, max_length=MAX_TRANSITION_INPUTS,
        description="the transition's declared inputs (see `transitions[].inputs` of the case)")


class PaymentIn(Body):
    amount: Money
    on: LegalDate | None = None
    kind: Literal[PAYMENT_KINDS] = "collection"  # type: ignore[valid-type]
    receipt_number: Line(Payment.receipt_number, required=False) | None = None
    method: Literal[PAYMENT_METHODS] | None = Field(  # type: ignore[valid-type]
        None, description="how the money moved (cash, transfer, deduction, auction, other); none for a reduction")
    payee: Id | None = Field(None, description="id of the creditor (a party of this case) who received a payout")
    version: Version | None = None


class ActIn(Body):
    kind: Literal[ACT_KINDS]  # type: ignore[valid-type]
    on: LegalDate | None = None
    version: Version | None = None


class Query(BaseModel):
    """Query-string parameters: typed from text, unknown ones refused."""

    model_config = ConfigDict(extra="forbid")


Limit = Annotated[int, Field(ge=1, le=200)]


class CaseListQuery(Query):
    state: Literal[CASE_STATES] | None = None  # type: ignore[valid-type]
    officer: Line(User.username, required=False) | None = None
    overdue: bool | None = None
    q: Line(200, required=False) | None = Field(None, description="number, party, identity or judgment number")
    cursor: Annotated[str, Field(max_length=200, pattern=r"^[A-Za-z0-9_-]+$")] | None = Field(
        None, description="`next_cursor` of the previous page")
    limit: Limit = 50


class NotificationQuery(Query):
    cursor: Annotated[int, Field(ge=1, le=MAX_ID)] | None = Field(None, description="`next_cursor` of the previous page")
    limit: Limit = 50


__all__ = ["ActIn", "CASE_MESSAGES", "CaseIn", "CaseListQuery", "NotificationQuery", "PaymentIn", "TransitionIn"]
