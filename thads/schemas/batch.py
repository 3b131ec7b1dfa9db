"""Batches of registrations (issue 13): ``POST /api/v1/cases/batch``.

The call is refused as a whole only when its shape is wrong (not a list of ``{key, case}``,
too many items, a malformed key); each ``case`` is then validated on its own with
:class:`thads.schemas.cases.CaseIn`, so one bad case is one item error, not a failed batch.
"""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from thads.schemas.responses import CaseBrief, Error, Out
from thads.services.idempotency import KEY_PATTERN

MAX_BATCH = 500  # items per call; the body must also stay under the API's 1 MiB


class BatchItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: Annotated[str, Field(pattern=KEY_PATTERN, description=(
        "the item's idempotency key (8–64 printable ASCII characters), the caller's own: the same key "
        "with the same case answers the first result again and creates nothing; with another case it is "
        "refused (422 `idempotency_key_reused`)"))]
    case: Annotated[dict[str, Any], WithJsonSchema({"type": "object", "x-schema": "CaseIn"})] = Field(
        description="the case to register, as the body of `POST /cases` (schema `CaseIn`)")


class BatchIn(BaseModel):
    """Up to 500 registrations in one call."""

    model_config = ConfigDict(extra="forbid")

    items: list[BatchItemIn] = Field(min_length=1, max_length=MAX_BATCH)


class BatchItemOut(Out):
    index: int = Field(description="the item's position in the request, from 0")
    key: str
    status: int = Field(description="201 registered; 422/403/409 refused (see `error`)")
    replayed: bool = Field(description="true when the key was used before: the first result is returned")
    case: CaseBrief | None = None
    error: Error | None = None


class BatchOut(Out):
    created: int = Field(description="cases registered by this call")
    replayed: int = Field(description="items answered from an earlier call with the same key")
    failed: int
    items: list[BatchItemOut]
