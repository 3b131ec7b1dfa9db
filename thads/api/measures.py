"""API: enforcement measures of a case — start one, read one, record a step (issue 11).

The case's measures are listed, with their deadlines, by ``GET /cases/{case_id}``. There is no
``GET /cases/{case_id}/measures``: werkzeug answers 405 instead of 404 for an out-of-range id on a
path that has a rule for another method, which would break the documented answers.
"""
from __future__ import annotations

from thads.api.serialize import measure_json
from thads.api.spec import operation
from thads.measures import services as measures
from thads.schemas import responses
from thads.schemas.measures import MeasureIn, MeasureStepIn
from thads.services.scope import get_case


@operation("post", "/cases/{case_id}/measures", summary="Start a security or coercive measure on an enforcing case",
           body=MeasureIn, idempotent=True, errors=(403, 409),
           ok=(201, "the measure after its start decision", responses.MeasureOut))
def post_measure(user, body: MeasureIn, _query, case_id: int):
    m = measures.start_measure(user, case_id, body.kind, on=body.on, inputs=body.inputs)
    return _one(user, case_id, m.id), 201, case_id


@operation("get", "/cases/{case_id}/measures/{measure_id}", summary="One measure: steps, deadlines, next steps",
           ok=(200, "the measure", responses.MeasureOut))
def get_measure(user, _body, _query, case_id: int, measure_id: int):
    return _one(user, case_id, measure_id), 200


@operation("post", "/cases/{case_id}/measures/{measure_id}/steps", summary="Record the next step of a measure "
           "(one transaction; optimistic lock on the measure's `version`)", body=MeasureStepIn, idempotent=True,
           errors=(403, 409), ok=(200, "the measure after the step", responses.MeasureOut))
def post_step(user, body: MeasureStepIn, _query, case_id: int, measure_id: int):
    measures.record_step(user, case_id, measure_id, body.trigger, on=body.on, version=body.version,
                         inputs=body.inputs)
    return _one(user, case_id, measure_id), 200, case_id


def _one(user, case_id: int, measure_id: int) -> dict:
    case = get_case(user, case_id)
    m = measures.get_measure(user, case_id, measure_id, case=case)
    return measure_json(measures.view_of(m, measures.deadlines_by_measure(case.id).get(m.id, []), case))
