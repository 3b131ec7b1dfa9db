"""Errors the services raise; views and the API turn them into a page or a JSON body."""
from __future__ import annotations


class ServiceError(Exception):
    """A refusal a person can understand: ``code`` for machines, ``message`` in Vietnamese."""

    code = "error"
    status = 400
    headers: dict[str, str] = {}  # HTTP headers the answer carries (e.g. WWW-Authenticate)

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, **extra):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra

    def to_json(self) -> dict:
        body = {"error": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        body.update(self.extra)
        return body


class NotFound(ServiceError):
    code = "not_found"
    status = 404


class Forbidden(ServiceError):
    code = "forbidden"
    status = 403


class Conflict(ServiceError):
    code = "conflict"
    status = 409


class InvalidInput(ServiceError):
    code = "invalid_input"
    status = 422


class InvalidTransition(ServiceError):
    code = "invalid_transition"
    status = 422


class DuplicateSubmission(ServiceError):
    """The same form or API request was submitted again; ``case_id`` names what the first made."""

    code = "duplicate_submission"
    status = 409
