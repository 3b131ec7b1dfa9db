"""The OpenAPI 3.1 document of /api/v1 (tests check it against the live endpoints)."""
from __future__ import annotations


def _err(desc: str) -> dict:
    return {"description": desc, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _case_resp(desc: str) -> dict:
    return {"description": desc, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}}


def openapi_document() -> dict:
    case_id = {"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    std = {"401": _err("missing, wrong, expired or revoked bearer token"), "404": _err("no such case in your scope")}
    return {
        "openapi": "3.1.0",
        "info": {"title": "THADS API", "version": "1",
                 "description": "Civil judgment enforcement cases. Errors: JSON with `error` code and a Vietnamese `message`."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/cases": {
                "get": {
                    "summary": "Cases in the caller's scope, newest first, keyset-paginated",
                    "parameters": [
                        {"name": n, "in": "query", "required": False, "schema": {"type": t}}
                        for n, t in (("state", "string"), ("officer", "string"), ("overdue", "boolean"),
                                     ("q", "string"), ("cursor", "string"), ("limit", "integer"))
                    ],
                    "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["items", "next_cursor"],
                        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/CaseBrief"}},
                                       "next_cursor": {"type": ["string", "null"]}}}}}},
                        "401": std["401"], "422": _err("bad filter or cursor")},
                },
                "post": {
                    "summary": "Register a case (thụ lý)",
                    "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                                    "schema": {"type": "string", "minLength": 8, "maxLength": 64},
                                    "description": "repeat-safe: the same key registers once (409 duplicate_submission with case_id)"}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewCase"}}}},
                    "responses": {"201": _case_resp("registered"), "400": _err("malformed JSON"),
                                  "401": std["401"], "403": _err("role may not register"),
                                  "409": _err("duplicate_submission: this Idempotency-Key already registered `case_id`"),
                                  "422": _err("invalid_input with `fields`")},
                },
            },
            "/cases/{case_id}": {"get": {"summary": "One case with deadlines, available transitions and events",
                                         "parameters": [case_id], "responses": {"200": _case_resp("the case"), **std}}},
            "/cases/{case_id}/transitions": {"post": {
                "summary": "Apply a transition (one transaction; optimistic lock on `version`)",
                "parameters": [case_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["trigger"],
                    "properties": {"trigger": {"type": "string"}, "on": {"type": "string", "format": "date"},
                                   "version": {"type": "integer"}, "inputs": {"type": "object"}}}}}},
                "responses": {"200": _case_resp("the case after the transition"), "400": _err("malformed JSON"),
                              "403": _err("role not allowed (e.g. a head's decision)"),
                              "409": _err("conflict: stale version"),
                              "422": _err("invalid_transition (wrong state, guard) or invalid_input (fields)"), **std},
            }},
            "/cases/{case_id}/payments": {"post": {
                "summary": "Record money collected, paid out or reduced",
                "parameters": [case_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["amount"],
                    "properties": {"amount": {"type": ["integer", "string"], "description": "whole đồng"},
                                   "on": {"type": "string", "format": "date"},
                                   "kind": {"type": "string", "enum": ["collection", "payout", "reduction"]},
                                   "receipt_number": {"type": "string"}, "version": {"type": "integer"}}}}}},
                "responses": {"201": _case_resp("the case after the payment"), "400": _err("malformed JSON"),
                              "403": _err("role not allowed"), "409": _err("conflict: stale version"),
                              "422": _err("invalid_input (e.g. over-payment) or invalid_transition"), **std},
            }},
            "/cases/{case_id}/acts": {"post": {
                "summary": "Record an act that meets a deadline without a state change (case_file, procuracy)",
                "parameters": [case_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["kind"],
                    "properties": {"kind": {"type": "string", "enum": ["case_file", "procuracy"]},
                                   "on": {"type": "string", "format": "date"}, "version": {"type": "integer"}}}}}},
                "responses": {"200": _case_resp("the case after the act"), "400": _err("malformed JSON"),
                              "403": _err("role not allowed"), "409": _err("conflict: stale version"),
                              "422": _err("invalid_input (kind, date) or invalid_transition (no open deadline)"), **std},
            }},
            "/notifications": {"get": {"summary": "The caller's notifications", "responses": {"200": {"description": "list"}, "401": std["401"]}}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"],
                          "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                                         "fields": {"type": "object", "additionalProperties": {"type": "string"}}}},
                "Money": {"type": "object", "properties": {k: {"type": "integer"} for k in
                          ("amount_total", "collected", "paid_out", "reduced", "remaining")}},
                "CaseBrief": {"type": "object", "required": ["id", "number", "state", "version", "law"],
                              "properties": {"id": {"type": "integer"}, "number": {"type": "string"},
                                             "unit": {"type": "string"}, "kind": {"type": "string"},
                                             "state": {"type": "string"}, "version": {"type": "integer"},
                                             "law": {"type": "string"}, "workflow": {"type": "string"},
                                             "officer": {"type": ["string", "null"]},
                                             "received_on": {"type": "string", "format": "date"},
                                             "money": {"$ref": "#/components/schemas/Money"}}},
                "Case": {"allOf": [{"$ref": "#/components/schemas/CaseBrief"}, {"type": "object",
                         "required": ["deadlines", "transitions", "events"],
                         "properties": {
                             "deadlines": {"type": "array", "items": {"type": "object", "required": [
                                 "id", "kind", "basis_on", "due_on", "status", "rule", "legal_basis"]}},
                             "transitions": {"type": "array", "items": {"type": "object", "required": ["trigger", "inputs"]}},
                             "events": {"type": "array", "items": {"type": "object"}}}}]},
                "NewCase": {"type": "object", "required": ["kind", "received_on", "judgment", "parties", "obligations"],
                            "properties": {
                                "unit": {"type": "string"}, "kind": {"type": "string", "enum": ["ex_officio", "on_request"]},
                                "received_on": {"type": "string", "format": "date"},
                                "interim": {"type": "boolean"}, "priority": {"type": "boolean"},
                                "officer": {"type": "string"},
                                "judgment": {"type": "object", "required": ["court", "number", "date"]},
                                "parties": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["role", "name"]}},
                                "obligations": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["description"]}}}},
            },
        },
    }
