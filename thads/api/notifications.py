"""API: GET /api/v1/notifications — the caller's notifications, newest first (keyset by id)."""
from __future__ import annotations

from thads.api.spec import operation
from thads.schemas import responses
from thads.schemas.cases import NotificationQuery
from thads.services import inbox


@operation("get", "/notifications", summary="The caller's notifications, newest first",
           query=NotificationQuery, ok=(200, "a page; pass `next_cursor` as `cursor` for the next",
                                        responses.NotificationPage))
def list_notifications(user, _body, query: NotificationQuery):
    items = inbox.api_notifications(user, before=query.cursor, limit=query.limit)
    next_cursor = str(items[-1]["id"]) if len(items) == query.limit else None
    return {"items": items, "next_cursor": next_cursor}, 200
