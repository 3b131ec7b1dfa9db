"""Registering a batch of cases (large creditors, transfers from courts): one result per item,
idempotent per item key. Each item runs in a savepoint: a refused item leaves nothing behind
(neither its case nor its key), the others are kept. Flushes; the API view commits."""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from thads.extensions import db
from thads.models import User
from thads.services import idempotency
from thads.services.errors import InvalidInput, ServiceError

PATH = "/api/v1/cases/batch"


@dataclass
class ItemResult:
    index: int
    key: str
    status: int
    replayed: bool = False
    case: dict | None = None
    error: dict | None = None
    case_id: int | None = None


def register_batch(user: User, items: list[tuple[str, dict]], serialize) -> list[ItemResult]:
    """``items`` = [(key, the case as sent)]; ``serialize(case) -> dict`` is what an item answers
    (and what a repeated key answers again)."""
    from thads.schemas.cases import CASE_MESSAGES, CaseIn
    from thads.schemas.errors import field_errors
    from thads.services.cases import register_case

    results = []
    idempotency.open_transaction()  # each item's savepoint must be inside the batch's transaction
    for index, (key, raw_case) in enumerate(items):
        try:
            with db.session.begin_nested():
                claimed = idempotency.claim(user, "batch:" + key, method="POST", path=PATH,
                                            digest=idempotency.fingerprint("POST", PATH, raw_case))
                if isinstance(claimed, idempotency.Replay):
                    results.append(ItemResult(index, key, claimed.status, True, claimed.body, None, claimed.case_id))
                    continue
                try:
                    clean = CaseIn.model_validate(raw_case).model_dump()
                except ValidationError as exc:
                    raise InvalidInput("Thông tin hồ sơ chưa hợp lệ.", fields=field_errors(exc, CASE_MESSAGES)) from None
                case = register_case(user, clean)
                body = serialize(case)
                idempotency.record(claimed, status=201, body=body, case_id=case.id)
                results.append(ItemResult(index, key, 201, False, body, None, case.id))
        except ServiceError as exc:
            results.append(ItemResult(index, key, exc.status, False, None,
                                      {"error": exc.code, "message": exc.message, "fields": dict(exc.fields or {})}))
    db.session.flush()
    return results
