"""The output contract: what planextract promises to downstream systems.

``planextract schema`` prints the JSON Schema generated from :class:`Extraction`.
Field names are part of the contract; add fields, never rename them without bumping
``SCHEMA_VERSION``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

DocumentKind = Literal["pap", "dup", "unknown"]
Level = Literal["general", "specific"]
UnitKind = Literal["date", "number", "percent", "currency", "days", "hours", "boolean", "text"]
Value = bool | int | float | str | None


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


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
    code: str = Field(description="objective code as printed (a string: leading zeros kept)")
    level: Level = Field(description="general (DUP) or specific (performance plan / PAP)")
    title: str
    description: str | None = None
    department: str | None = Field(None, description="responsible unit, as printed (whitespace normalised)")
    department_known: bool | None = Field(
        None, description="true if the department is in the rules' known list (then canonical)")
    political_owner: str | None = Field(None, description="political owner (Sindaco / Consigliere delegato)")
    action_area: int | None = Field(None, description="number of the PAP action area (ambito/azione)")
    mission: Classification | None = None
    programme: Classification | None = None
    page: int
    bbox: BBox


class Indicator(Model):
    code: str = Field(description="indicator code as printed (a string)")
    objective_code: str = Field(description="code of the objective the indicator measures")
    description: str
    unit: UnitKind | None = Field(None, description="normalised unit; null if the printed one is unknown")
    unit_raw: str | None = Field(None, description="unit as printed (Unità di misura)")
    target_raw: str | None = Field(None, description="target as printed (Obiettivo)")
    target_value: Value = Field(None, description="target typed: ISO date, number or boolean; null if unreadable")
    actual_raw: str | None = Field(None, description="actual value as printed (Consuntivo)")
    actual_value: Value = Field(None, description="actual value typed like target_value")
    page: int
    bbox: BBox


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
