"""``POST /api/v1/cases/batch``: up to 500 registrations in one call, a result per item."""
from __future__ import annotations

from thads.api.serialize import case_json
from thads.api.spec import operation
from thads.schemas.batch import MAX_BATCH, BatchIn, BatchOut


@operation("post", "/cases/batch", summary=f"Register up to {MAX_BATCH} cases in one call (banks, courts)",
           body=BatchIn, ok=(200, "one result per item, in the request's order", BatchOut),
           description=(
               f"Each item is `{{key, case}}`: `case` is what `POST /cases` takes, `key` the item's "
               "idempotency key. Items are registered independently: each answers 201 with the case, or its "
               "error (422 invalid_input with `fields`, 403, 409). An item whose key was used before with the "
               "same case answers the first result again (`replayed: true`) and creates nothing, so a batch "
               "can be re-sent after a timeout. Keys belong to the caller and to this endpoint. At most "
               f"{MAX_BATCH} items and 1 MiB per call."))
def create_batch(user, body: BatchIn, _query):
    from thads.intake.batch import register_batch

    results = register_batch(user, [(item.key, item.case) for item in body.items],
                             lambda case: case_json(case, brief=True))
    items = [{"index": r.index, "key": r.key, "status": r.status, "replayed": r.replayed, "case": r.case,
              "error": r.error} for r in results]
    created = sum(1 for r in results if r.status == 201 and not r.replayed)
    replayed = sum(1 for r in results if r.replayed)
    return {"created": created, "replayed": replayed, "failed": len(results) - created - replayed, "items": items}, 200
