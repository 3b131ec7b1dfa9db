"""Declaring API operations once: route, authentication, body and query schemas, idempotency and
documented responses. :func:`operation` registers the Flask view; :func:`openapi_document`
builds the OpenAPI 3.1 document from the same declarations and pydantic schemas.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Response, g, jsonify, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from thads.api import bp
from thads.extensions import db
from thads.schemas import responses
from thads.schemas.errors import field_errors
from thads.services import accounts, idempotency
from thads.services.errors import InvalidInput, ServiceError
from thads.services.scope import get_case

CONTENT = "application/json"


class MalformedJSON(ServiceError):
    code = "malformed_json"
    status = 400


class UnsupportedMediaType(ServiceError):
    code = "unsupported_media_type"
    status = 415


class Unauthorized(ServiceError):
    code = "unauthorized"
    status = 401


# What each common error means, for the document.
ERRORS = {
    400: "malformed_json: the body is not JSON (or uses NaN/Infinity, or nests too deep)",
    401: "unauthorized (missing or wrong bearer token), token_expired or token_revoked",
    403: "forbidden: the caller's role may not do this",
    404: "not_found: no such case in the caller's scope (the same answer for both)",
    409: "conflict: the case changed meanwhile (stale `version`), or a request with the same key is in flight",
    413: "payload_too_large: the body is above the limit (1 MiB by default)",
    415: "unsupported_media_type: the body must be application/json",
    422: "invalid_input (with `fields`), invalid_transition (with `reason`) or idempotency_key_reused",
}


@dataclass
class Operation:
    method: str
    path: str  # OpenAPI form: /cases/{case_id}
    summary: str
    endpoint: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    ok: tuple[int, str, type[BaseModel] | None] = (200, "OK", None)
    errors: tuple[int, ...] = ()
    idempotent: bool = False
    auth: bool = True
    description: str = ""
    extra_messages: dict = field(default_factory=dict)


OPERATIONS: list[Operation] = []


def operation(method: str, path: str, *, summary: str, ok: tuple[int, str, type[BaseModel] | None],
              body: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
              errors: tuple[int, ...] = (), idempotent: bool = False, auth: bool = True,
              description: str = "", messages: dict | None = None) -> Callable:
    """Register ``fn(user, body, query, **path_args) -> (json, status[, case_id])`` as an operation.

    The wrapper authenticates, parses the query and the JSON body with their schemas (422 with
    ``fields``), and with ``idempotent`` honours an ``Idempotency-Key`` header: the same key and
    request replay the first response, the same key with another request is refused.
    """
    rule = re.sub(r"{(\w+)}", r"<int:\1>", path)

    def decorate(fn: Callable) -> Callable:
        op = Operation(method.lower(), path, summary, fn.__name__, body, query, ok, errors, idempotent, auth,
                       description, messages or {})
        OPERATIONS.append(op)

        @wraps(fn)
        def view(**path_args):
            user = authenticate() if op.auth else None
            if "case_id" in path_args:
                # A case outside the caller's scope is 404 whatever was sent (no probing by 422s).
                get_case(user, path_args["case_id"])
            q = parse(op.query, request.args.to_dict(flat=True), op.extra_messages) if op.query else None
            raw = read_json() if op.body else None
            b = parse(op.body, raw, op.extra_messages) if op.body else None
            key = request.headers.get("Idempotency-Key") if op.idempotent else None
            if key is None:
                return _respond(fn(user, b, q, **path_args))
            claimed = idempotency.claim(user, "api:" + idempotency.check_key(key), method=op.method,
                                        path=request.path, digest=idempotency.fingerprint(op.method, request.path, raw))
            if isinstance(claimed, idempotency.Replay):
                db.session.rollback()
                response = jsonify(claimed.body)
                response.status_code = claimed.status
                response.headers["Idempotent-Replayed"] = "true"
                return response
            body_json, status, *case_id = fn(user, b, q, **path_args)
            idempotency.record(claimed, status=status, body=body_json, case_id=case_id[0] if case_id else None)
            return _respond((body_json, status))

        bp.add_url_rule(rule, endpoint=fn.__name__, view_func=view, methods=[method.upper()])
        return fn

    return decorate


def _respond(result) -> Response:
    body, status = result[0], result[1]
    db.session.commit()
    response = jsonify(body)
    response.status_code = status
    return response


TOKEN_PROBLEMS = {
    "unknown": ("unauthorized", "Thiếu hoặc sai mã truy cập (Bearer token)."),
    "expired": ("token_expired", "Mã truy cập đã hết hạn; hãy xin cấp mã mới."),
    "revoked": ("token_revoked", "Mã truy cập đã bị thu hồi."),
}


def authenticate():
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    raw = raw.strip() if scheme.lower() == "bearer" else ""
    check = accounts.check_token(raw)
    if check.user is None:
        code, message = TOKEN_PROBLEMS[check.problem]
        exc = Unauthorized(message)
        exc.code = code
        exc.headers = {"WWW-Authenticate": 'Bearer realm="thads"' + (', error="invalid_token"' if raw else "")}
        raise exc
    if check.changed:
        db.session.commit()  # last_used_at (at most once a minute), before the operation's own work
    g.api_user = check.user
    return check.user


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


def read_json() -> Any:
    """The request body as JSON. Above MAX_CONTENT_LENGTH werkzeug answers 413 before reading."""
    mimetype = request.mimetype or CONTENT
    if mimetype != CONTENT and not mimetype.endswith("+json"):
        raise UnsupportedMediaType("Nội dung phải là JSON (Content-Type: application/json).")
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise MalformedJSON("Thiếu nội dung JSON.")
    try:
        return json.loads(raw, parse_constant=_no_constants)
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, NaN/Infinity, nesting too deep
        raise MalformedJSON("Nội dung yêu cầu không phải JSON hợp lệ.") from None


def parse(model: type[BaseModel], data: Any, messages: dict | None = None) -> BaseModel:
    if isinstance(data, dict):
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise InvalidInput("Thông tin gửi lên chưa hợp lệ.", fields=field_errors(exc, messages)) from None
    raise InvalidInput("Nội dung yêu cầu phải là một đối tượng JSON.", fields={"_": "Phải là đối tượng JSON."})


# ----------------------------------------------------------------------------- the document


def openapi_document() -> dict:
    """The OpenAPI 3.1 document of every registered operation, schemas from pydantic."""
    models: set[type[BaseModel]] = {responses.Error}
    for op in OPERATIONS:
        models |= {m for m in (op.body, op.ok[2]) if m is not None}
    ordered = sorted(models, key=lambda m: m.__name__)
    refs, top = models_json_schema(
        [(m, "validation" if m in {op.body for op in OPERATIONS} else "serialization") for m in ordered],
        ref_template="#/components/schemas/{model}",
    )
    schemas = dict(top.get("$defs", {}))

    def ref(model) -> dict:
        return {"$ref": f"#/components/schemas/{model.__name__}"}

    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        entry: dict[str, Any] = {"summary": op.summary, "operationId": op.endpoint}
        if op.description:
            entry["description"] = op.description
        params = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}
                  for name in re.findall(r"{(\w+)}", op.path)]
        if op.query is not None:
            params += _query_parameters(op.query)
        if op.idempotent:
            params.append({
                "name": "Idempotency-Key", "in": "header", "required": False,
                "schema": {"type": "string", "pattern": idempotency.KEY_PATTERN},
                "description": "the same key and request replay the first response (with the header "
                               "`Idempotent-Replayed: true`); the same key with another request gets 422 "
                               "`idempotency_key_reused`. Keys belong to the caller.",
            })
        if params:
            entry["parameters"] = params
        if op.body is not None:
            entry["requestBody"] = {"required": True, "content": {CONTENT: {"schema": ref(op.body)}}}
        status, desc, model = op.ok
        resp: dict[str, Any] = {"description": desc}
        if model is not None:
            resp["content"] = {CONTENT: {"schema": ref(model)}}
        entry["responses"] = {str(status): resp}
        codes = set(op.errors)
        if op.auth:
            codes.add(401)
        if "{" in op.path:
            codes.add(404)
        if op.body is not None:
            codes |= {400, 413, 415, 422}
        if op.query is not None or op.idempotent:
            codes.add(422)
        for code in sorted(codes):
            entry["responses"][str(code)] = {"description": ERRORS[code],
                                             "content": {CONTENT: {"schema": ref(responses.Error)}}}
        if not op.auth:
            entry["security"] = []
        paths.setdefault(op.path, {})[op.method] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "THADS API", "version": "1",
                 "description": "Civil judgment enforcement cases. Every error is JSON with an `error` code, "
                                "a Vietnamese `message` and `fields` (field path → message)."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": schemas},
    }


def _query_parameters(model: type[BaseModel]) -> list[dict]:
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        any_of = [s for s in prop.pop("anyOf", []) if s.get("type") != "null"]
        if len(any_of) == 1:
            prop.update(any_of[0])
        elif any_of:
            prop["anyOf"] = any_of
        if prop.get("default") is None:
            prop.pop("default", None)
        prop.pop("title", None)
        description = prop.pop("description", None)
        param = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            param["description"] = description
        out.append(param)
    return out
