"""What a client may send about enforcement measures: start one, record a step (issue 11).

The inputs of each step are declared by the measure's definition (``workflows.measures``) and
checked there, as a transition's are; the kinds and steps offered here come from the same data.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from thads.schemas.cases import MAX_TRANSITION_INPUTS, Body, InputValue
from thads.schemas.types import LegalDate, Version
from workflows.measures import MEASURE_KINDS, MEASURES

MEASURE_KIND_NAMES = tuple(sorted(MEASURE_KINDS))
STEP_TRIGGERS = tuple(sorted({t.trigger for kinds in MEASURES.values() for wf in kinds.values()
                              for t in wf.transitions if t.trigger != "start"}))

Inputs = dict[Annotated[str, Field(max_length=40)], InputValue]


class MeasureIn(Body):
    """Start a measure on an enforcing case (its decision)."""

    kind: Literal[MEASURE_KIND_NAMES]  # type: ignore[valid-type]
    on: LegalDate | None = Field(None, description="the legal date of the decision; today by default")
    inputs: Inputs = Field(default_factory=dict, max_length=MAX_TRANSITION_INPUTS,
                           description="the start step's declared inputs (see the measure catalogue in docs/measures.md)")


class MeasureStepIn(Body):
    """Record the next step of a measure."""

    trigger: Literal[STEP_TRIGGERS]  # type: ignore[valid-type]
    on: LegalDate | None = Field(None, description="the legal date of the step; today by default")
    version: Version | None = Field(None, description="the measure version the client saw (optimistic lock)")
    inputs: Inputs = Field(default_factory=dict, max_length=MAX_TRANSITION_INPUTS,
                           description="the step's declared inputs (see `next_steps[].inputs` of the measure)")


__all__ = ["MeasureIn", "MeasureStepIn"]
