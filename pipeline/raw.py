"""What the extract stage hands to normalise: objectives, indicators and the rest as printed.

Values stay strings; ``normalise.py`` types them, gives every item its id and links the hierarchy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Box = tuple[float, float, float, float]


@dataclass(slots=True)
class RawClassification:
    code: str
    title: str | None


@dataclass(slots=True, eq=False)
class RawObjective:
    code: str | None
    number: str | None                    # the plan's numbering, when it prints one instead of a code
    level: str
    level_label: str | None
    title: str
    page: int
    bbox: Box
    parent: "RawObjective | None" = None
    description: str | None = None
    department: str | None = None
    responsible: str | None = None
    political_owner: str | None = None
    weight_raw: str | None = None
    years: list[int] = field(default_factory=list)
    action_area: int | None = None
    mission: RawClassification | None = None
    programme: RawClassification | None = None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class RawValue:
    kind: str                  # baseline | target | actual
    raw: str
    year: int | None = None
    ordinal: int | None = None  # the plan's n-th year, resolved against its period by normalise


@dataclass(slots=True, eq=False)
class RawIndicator:
    code: str | None
    objective: RawObjective | None
    description: str
    page: int
    bbox: Box
    formula: str | None = None
    unit_raw: str | None = None
    weight_raw: str | None = None
    values: list[RawValue] = field(default_factory=list)
    expects_unit: bool = False  # printed in a table with a unit column


@dataclass(slots=True)
class RawArea:
    number: int
    title: str
    page: int
    bbox: Box


@dataclass(slots=True)
class RawDirection:
    code: str
    area: str
    text: str
    page: int
    bbox: Box


@dataclass(slots=True)
class Issue:
    kind: str
    message: str
    page: int | None = None
    ref: str | None = None
    item: RawObjective | RawIndicator | None = None  # its id becomes ``ref`` once ids are given


@dataclass(slots=True)
class Extracted:
    objectives: list[RawObjective] = field(default_factory=list)
    indicators: list[RawIndicator] = field(default_factory=list)
    action_areas: list[RawArea] = field(default_factory=list)
    strategic_directions: list[RawDirection] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
