"""Fixtures for the pure-Python workflow tests (imports only ``workflows``)."""

from __future__ import annotations

from datetime import date

import pytest

from workflows import WORKFLOWS, CaseContext, WorkingCalendar


@pytest.fixture(scope="session")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.fixture(params=sorted(WORKFLOWS), ids=lambda wf_id: wf_id)
def wf(request: pytest.FixtureRequest):
    return WORKFLOWS[request.param]


def make_ctx(**overrides: object) -> CaseContext:
    """A context that passes every guard unless told otherwise."""
    values: dict[str, object] = {
        "state": "received",
        "on": date(2028, 9, 1),
        "kind": "on_request",
        "interim": False,
        "previous_state": None,
        "money_remaining": 0,
        "nonmoney_pending": 0,
        "not_enforceable_since": date(2026, 7, 1),
    }
    values.update(overrides)
    return CaseContext(**values)  # type: ignore[arg-type]
