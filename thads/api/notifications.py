"""API: GET /api/v1/notifications — the caller's notifications, newest first (keyset by id)."""
from __future__ import annotations

from flask import g, jsonify, request

from thads.api.views import bp, token_required
from thads.services import reminders
from thads.services.errors import InvalidInput


@bp.get("/notifications")
@token_required
def list_notifications():
    try:
        limit = min(max(int(request.args.get("limit", 50)), 1), 200)
        before = int(request.args["cursor"]) if request.args.get("cursor") else None
    except ValueError:
        raise InvalidInput("limit và cursor phải là số nguyên.",
                           fields={"limit": "Phải là số nguyên.", "cursor": "Phải là số nguyên."}) from None
    items = reminders.api_notifications(g.api_user, before=before, limit=limit)
    next_cursor = str(items[-1]["id"]) if len(items) == limit else None
    return jsonify(items=items, next_cursor=next_cursor)
