"""The building blocks of the scenario's types: numbers that are not booleans, ids, a strict base model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _not_bool(value):
    # YAML reads `yes`, `on` and `true` as booleans, and Python counts True as 1:
    # `servers: on` must be an error, not one server.
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    return value


Number = Annotated[float, BeforeValidator(_not_bool)]
Whole = Annotated[int, BeforeValidator(_not_bool)]
PositiveFloat = Annotated[Number, Field(gt=0)]
NonNegativeFloat = Annotated[Number, Field(ge=0)]
PositiveInt = Annotated[Whole, Field(gt=0)]
# Ids are keys of field paths (`nodes.dostyk.station`): no dots in them.
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")]


class Strict(BaseModel):
    # Unknown keys are errors; .inf and .nan (valid YAML floats) are not numbers a corridor has.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
