"""API endpoints: thin wrappers that parse JSON, call one service, serialise the result."""
from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request

from thads.api import bp
from thads.api.openapi import openapi_document
from thads.api.serialize import case_json
from thads.extensions import csrf, db
from thads.services import accounts, lifecycle, queries
from thads.services.cases import register_case
from thads.services.errors import InvalidInput, ServiceError
from thads.services.scope import get_case

csrf.exempt(bp)  # bearer tokens, no cookies: CSRF does not apply


TOKEN_PROBLEMS = {
    "unknown": "Thiếu hoặc sai mã truy cập (Bearer token).",
    "expired": "Mã truy cập đã hết hạn; hãy xin cấp mã mới.",
    "revoked": "Mã truy cập đã bị thu hồi.",
}


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        raw = raw.strip() if scheme.lower() == "bearer" else ""
        check = accounts.check_token(raw)
        if check.user is None:
            error = "unauthorized" if check.problem == "unknown" else f"token_{check.problem}"
            challenge = 'Bearer realm="thads"' + (', error="invalid_token"' if raw else "")
            return (jsonify(error=error, message=TOKEN_PROBLEMS[check.problem]), 401,
                    {"WWW-Authenticate": challenge})
        if check.changed:
            db.session.commit()  # last_used_at (at most once a minute), before the view's own work
        g.api_user = check.user
        return view(*args, **kwargs)

    return wrapper


def json_body() -> dict:
    data = request.get_json(silent=True)
    if data is None:
        raise MalformedJSON("Nội dung yêu cầu không phải JSON hợp lệ.")
    if not isinstance(data, dict):
        raise InvalidInput("Nội dung yêu cầu phải là một đối tượng JSON.", fields={"_": "Phải là đối tượng."})
    return data


class MalformedJSON(ServiceError):
    code = "malformed_json"
    status = 400


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/cases")
@token_required
def list_cases():
    overdue = request.args.get("overdue")
    try:
        limit = min(max(int(request.args.get("limit", 50)), 1), 200)
    except ValueError:
        raise InvalidInput("limit phải là số nguyên.", fields={"limit": "Phải là số nguyên."}) from None
    page = queries.list_cases(
        g.api_user, state=request.args.get("state") or None, officer=request.args.get("officer") or None,
        overdue=overdue in ("1", "true", "yes") if overdue else None, q=request.args.get("q") or None,
        cursor=request.args.get("cursor") or None, limit=limit,
    )
    return jsonify(items=[case_json(c, brief=True) for c in page.items], next_cursor=page.next_cursor)


@bp.post("/cases")
@token_required
def create_case():
    case = register_case(g.api_user, json_body(), submission_key=request.headers.get("Idempotency-Key") or None)
    db.session.commit()
    return jsonify(case_json(case, user=g.api_user)), 201


@bp.get("/cases/<int:case_id>")
@token_required
def get_case_view(case_id: int):
    case = get_case(g.api_user, case_id)
    return jsonify(case_json(case, user=g.api_user))


@bp.post("/cases/<int:case_id>/transitions")
@token_required
def post_transition(case_id: int):
    body = json_body()
    trigger = body.get("trigger")
    if not isinstance(trigger, str) or not trigger:
        raise InvalidInput("Thiếu 'trigger'.", fields={"trigger": "Bắt buộc, là chuỗi."})
    case = lifecycle.apply_transition(
        g.api_user, case_id, trigger, on=body.get("on"), version=body.get("version"),
        inputs=body.get("inputs") or {},
    )
    db.session.commit()
    return jsonify(case_json(case, user=g.api_user))


@bp.post("/cases/<int:case_id>/payments")
@token_required
def post_payment(case_id: int):
    body = json_body()
    lifecycle.record_payment(
        g.api_user, case_id, amount=body.get("amount"), on=body.get("on"),
        receipt_number=body.get("receipt_number"), kind=body.get("kind", "collection"),
        version=body.get("version"),
    )
    db.session.commit()
    case = get_case(g.api_user, case_id)
    return jsonify(case_json(case, user=g.api_user)), 201


@bp.post("/cases/<int:case_id>/acts")
@token_required
def post_act(case_id: int):
    body = json_body()
    # The service checks scope before the kind, so a foreign case answers 404 whatever is sent.
    case = lifecycle.record_act(g.api_user, case_id, body.get("kind"), on=body.get("on"), version=body.get("version"))
    db.session.commit()
    return jsonify(case_json(case, user=g.api_user))
