"""API endpoints: each declared once with its schemas (``thads.api.spec.operation``), calling one
service and serialising the result; the OpenAPI document is generated from the declarations."""
from __future__ import annotations

from flask import jsonify

from thads.api import bp
from thads.api.serialize import case_json
from thads.api.spec import openapi_document, operation
from thads.extensions import csrf
from thads.schemas import responses
from thads.schemas.cases import CASE_MESSAGES, ActIn, CaseIn, CaseListQuery, PaymentIn, TransitionIn
from thads.services import lifecycle, queries
from thads.services.cases import register_case
from thads.services.scope import get_case

csrf.exempt(bp)  # bearer tokens, no cookies: CSRF does not apply


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@operation("get", "/cases", summary="Cases in the caller's scope, newest first, keyset-paginated",
           query=CaseListQuery, ok=(200, "a page; pass `next_cursor` as `cursor` for the next", responses.CasePage))
def list_cases(user, _body, query: CaseListQuery):
    page = queries.list_cases(user, state=query.state, officer=query.officer, overdue=query.overdue, q=query.q,
                              cursor=query.cursor, limit=query.limit)
    return {"items": [case_json(c, brief=True) for c in page.items], "next_cursor": page.next_cursor}, 200


@operation("post", "/cases", summary="Register a case (thụ lý)", body=CaseIn, idempotent=True,
           ok=(201, "registered", responses.CaseOut), errors=(403, 409), messages=CASE_MESSAGES)
def create_case(user, body: CaseIn, _query):
    case = register_case(user, body.model_dump())
    return case_json(case, user=user), 201, case.id


@operation("get", "/cases/{case_id}", summary="One case with deadlines, available transitions and events",
           ok=(200, "the case", responses.CaseOut))
def get_case_view(user, _body, _query, case_id: int):
    return case_json(get_case(user, case_id), user=user), 200


@operation("post", "/cases/{case_id}/transitions", summary="Apply a transition (one transaction; optimistic "
           "lock on `version`)", body=TransitionIn, idempotent=True, errors=(403, 409),
           ok=(200, "the case after the transition", responses.CaseOut))
def post_transition(user, body: TransitionIn, _query, case_id: int):
    case = lifecycle.apply_transition(user, case_id, body.trigger, on=body.on, version=body.version,
                                      inputs=body.inputs)
    return case_json(case, user=user), 200, case.id


@operation("post", "/cases/{case_id}/payments", summary="Record money collected, paid out or reduced",
           body=PaymentIn, idempotent=True, errors=(403, 409),
           ok=(201, "the case after the payment", responses.CaseOut))
def post_payment(user, body: PaymentIn, _query, case_id: int):
    lifecycle.record_payment(user, case_id, amount=body.amount, on=body.on, receipt_number=body.receipt_number,
                             kind=body.kind, method=body.method, payee=body.payee, version=body.version)
    return case_json(get_case(user, case_id), user=user), 201, case_id


@operation("post", "/cases/{case_id}/acts", summary="Record an act that meets a deadline without a state "
           "change (case_file, procuracy)", body=ActIn, idempotent=True, errors=(403, 409),
           ok=(200, "the case after the act", responses.CaseOut))
def post_act(user, body: ActIn, _query, case_id: int):
    case = lifecycle.record_act(user, case_id, body.kind, on=body.on, version=body.version)
    return case_json(case, user=user), 200, case.id
