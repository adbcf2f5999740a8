"""The output contract: what planextract promises to downstream systems.

``planextract schema`` prints the JSON Schema generated from :class:`Extraction`.
Field names are part of the contract; add fields, never rename them without bumping
``SCHEMA_VERSION``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "2.0"

DocumentKind = Literal["pap", "dup", "piao", "performance", "ict_plan", "unknown"]
Level = Literal["area", "strategic", "general", "operational", "specific", "action"]
"""The levels of the hierarchy, from the broadest; a profile maps the names a plan prints onto them."""
ValueKind = Literal["baseline", "target", "actual"]
UnitKind = Literal["date", "number", "percent", "currency", "days", "hours", "boolean", "text"]
Value = bool | int | float | str | None

NOT_COMPARED = {"compare": False}
"""Field metadata: provenance and derived fields that ``compare`` does not report as changes."""


class _SharedFieldsSet(set):
    """The names of the fields an instance was given, one set shared by all instances given the same."""


_FIELDS_SETS: dict[tuple[type, frozenset[str]], _SharedFieldsSet] = {}
_FIELDS_SETS_KEPT = 4096  # distinct (model, fields given) pairs: a few dozen in practice


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    # pydantic keeps, per instance, the set of the fields it was given: for an indicator and its box
    # and values that set weighs as much as the data (about 200 MB at 10,000 pages). Instances given
    # the same fields share one set; an instance gets its own again before an attribute is assigned.
    def model_post_init(self, context: object, /) -> None:
        key = (type(self), frozenset(self.__pydantic_fields_set__))
        shared = _FIELDS_SETS.get(key)
        if shared is None and len(_FIELDS_SETS) < _FIELDS_SETS_KEPT:
            shared = _FIELDS_SETS[key] = _SharedFieldsSet(self.__pydantic_fields_set__)
        if shared is not None:
            object.__setattr__(self, "__pydantic_fields_set__", shared)

    def __setattr__(self, name: str, value: object) -> None:
        if type(self.__pydantic_fields_set__) is _SharedFieldsSet:
            object.__setattr__(self, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        super().__setattr__(name, value)


class BBox(Model):
    """Where an item sits on its page: PDF points, origin at the top-left corner."""

    x0: float
    top: float
    x1: float
    bottom: float

    @classmethod
    def of(cls, box: tuple[float, float, float, float]) -> "BBox":
        return cls(x0=round(box[0], 2), top=round(box[1], 2), x1=round(box[2], 2), bottom=round(box[3], 2))


class Source(Model):
    file: str = Field(description="file name of the PDF (no directory)")
    sha256: str
    pages: int


class Period(Model):
    from_: int | None = Field(None, alias="from", serialization_alias="from")
    to: int | None = None


class DocumentInfo(Model):
    kind: DocumentKind
    profile: str | None = Field(None, description="rules profile that recognised the document")
    title: str | None = None
    entity: str | None = Field(None, description="the issuing body, e.g. 'Città metropolitana di Bologna'")
    period: Period = Field(default_factory=Period)


class ActionArea(Model):
    number: int
    title: str
    page: int
    bbox: BBox


class StrategicDirection(Model):
    code: str = Field(description="area number and item letter, e.g. '1.a'")
    area: str
    text: str
    page: int
    bbox: BBox


class Classification(Model):
    """A budget mission or programme (D.Lgs. 118/2011)."""

    code: str
    title: str | None = None


class Objective(Model):
    """An objective at any level of the plan's hierarchy (strategic direction, general, operational,
    specific objective, action), with its place in the hierarchy and its owners."""

    id: str = Field(description="unique in the document: the printed code, else the printed numbering "
                                "('operational-1.2'), else the level and position ('action-3')",
                    json_schema_extra=NOT_COMPARED)
    code: str | None = Field(None, description="objective code as printed (a string: leading zeros kept); "
                                               "null when the plan prints none")
    level: Level = Field(description="area, strategic, general, operational, specific or action")
    level_label: str | None = Field(None, description="the level's name as printed ('Obiettivo operativo')")
    parent_id: str | None = Field(None, description="id of the objective this one belongs to",
                                  json_schema_extra=NOT_COMPARED)
    title: str
    description: str | None = None
    department: str | None = Field(None, description="responsible unit, as printed (whitespace normalised)")
    department_known: bool | None = Field(
        None, description="true if the department is in the rules' known list (then canonical)",
        json_schema_extra=NOT_COMPARED)
    responsible: str | None = Field(None, description="the person or role responsible, printed apart from the "
                                                      "department (Dirigente responsabile)")
    political_owner: str | None = Field(None, description="political owner (Sindaco / Assessore / Consigliere)")
    weight: float | None = Field(None, description="weight in percent (Peso 15% → 15)", json_schema_extra=NOT_COMPARED)
    weight_raw: str | None = Field(None, description="weight as printed")
    years: list[int] = Field(default_factory=list, description="the years the objective runs, where the plan "
                                                                "marks them (an X under a year column)")
    action_area: int | None = Field(None, description="number of the PAP action area (ambito/azione)")
    mission: Classification | None = None
    programme: Classification | None = None
    attributes: dict[str, str] = Field(default_factory=dict, description="other labelled fields printed with "
                                       "the objective (recipients, timing …), under the profile's names")
    page: int = Field(json_schema_extra=NOT_COMPARED)
    bbox: BBox = Field(json_schema_extra=NOT_COMPARED)


class IndicatorValue(Model):
    """One printed value of an indicator: its baseline, a target for a year, or an actual value."""

    kind: ValueKind
    year: int | None = Field(None, description="the year it is for; a relative year ('primo anno') is resolved "
                                               "against the plan period")
    raw: str = Field(description="as printed")
    value: Value = Field(None, description="typed: ISO date, number or boolean; text kept as printed; null if "
                                           "unreadable")


class Indicator(Model):
    id: str = Field(description="unique in the document: the printed code, else the objective's id and the "
                                "indicator's position under it ('operational-1.2/3')", json_schema_extra=NOT_COMPARED)
    code: str | None = Field(None, description="indicator code as printed (a string); null when none is printed")
    objective_id: str | None = Field(None, description="id of the objective the indicator measures",
                                     json_schema_extra=NOT_COMPARED)
    objective_code: str | None = Field(None, description="printed code of that objective")
    description: str
    formula: str | None = Field(None, description="how it is computed (Formula di calcolo)")
    unit: UnitKind | None = Field(None, description="normalised unit; null if the printed one is unknown",
                                  json_schema_extra=NOT_COMPARED)
    unit_raw: str | None = Field(None, description="unit as printed (Unità di misura)")
    weight: float | None = Field(None, description="weight in percent", json_schema_extra=NOT_COMPARED)
    weight_raw: str | None = Field(None, description="weight as printed")
    values: list[IndicatorValue] = Field(default_factory=list, description="baseline, targets per year and actual "
                                         "values, in print order")
    target_raw: str | None = Field(None, description="the first target as printed (Obiettivo)",
                                   json_schema_extra=NOT_COMPARED)
    target_value: Value = Field(None, description="target typed: ISO date, number or boolean; null if unreadable",
                                json_schema_extra=NOT_COMPARED)
    actual_raw: str | None = Field(None, description="the first actual value as printed (Consuntivo)",
                                   json_schema_extra=NOT_COMPARED)
    actual_value: Value = Field(None, description="actual value typed like target_value",
                                json_schema_extra=NOT_COMPARED)
    page: int = Field(json_schema_extra=NOT_COMPARED)
    bbox: BBox = Field(json_schema_extra=NOT_COMPARED)


class Warning(Model):  # noqa: A001 (the contract's name)
    kind: str
    message: str
    page: int | None = None
    ref: str | None = Field(None, description="code of the objective or indicator concerned")


class RunInfo(Model):
    """How the extraction was made (deterministic: no timestamps)."""

    program_version: str
    rules_version: str
    ligature_repairs: int = Field(0, description="words rebuilt from lost ligature glyphs")


class Extraction(Model):
    schema_version: str = SCHEMA_VERSION
    source: Source
    document: DocumentInfo
    action_areas: list[ActionArea] = Field(default_factory=list)
    strategic_directions: list[StrategicDirection] = Field(default_factory=list)
    objectives: list[Objective] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)
    run: RunInfo


def json_schema() -> dict:
    return Extraction.model_json_schema(by_alias=True, mode="serialization")
