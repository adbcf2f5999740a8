"""Describing the tables for other tools: a Frictionless Data Package, and Parquet files.

The Table Schema of each CSV is generated from the pydantic models (``models.py``): every column
says which model field it comes from, and the field's annotation gives its type and allowed values.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .errors import MissingDependencyError
from .export import INDICATOR_COLUMNS, OBJECTIVE_COLUMNS, write_atomic
from .models import SCHEMA_VERSION, BBox, Classification, Indicator, Objective

_BOX = {"bbox_x0": (BBox, "x0"), "bbox_top": (BBox, "top"), "bbox_x1": (BBox, "x1"), "bbox_bottom": (BBox, "bottom")}
SOURCES: dict[str, dict[str, tuple[type[BaseModel], str]]] = {
    "objectives": {
        **{name: (Objective, name) for name in OBJECTIVE_COLUMNS if name in Objective.model_fields},
        "mission_code": (Classification, "code"), "mission_title": (Classification, "title"),
        "programme_code": (Classification, "code"), "programme_title": (Classification, "title"), **_BOX,
    },
    "indicators": {
        **{name: (Indicator, name) for name in INDICATOR_COLUMNS if name in Indicator.model_fields},
        "objective_title": (Objective, "title"), "objective_department": (Objective, "department"), **_BOX,
    },
}
DESCRIPTIONS = {
    "document": "the output name of the document the row comes from",
    "mission_code": "budget mission (D.Lgs. 118/2011)", "mission_title": "title of the mission",
    "programme_code": "budget programme (D.Lgs. 118/2011)", "programme_title": "title of the programme",
    "title": "title as printed, text-layer damage repaired", "description": "description as printed, repaired",
    "objective_title": "title of the indicator's objective", "objective_department": "department of that objective",
    "page": "page number, from 1", "bbox_x0": "left edge, PDF points from the page's left",
    "bbox_top": "top edge, PDF points from the page's top", "bbox_x1": "right edge", "bbox_bottom": "bottom edge",
}
_SIMPLE = {str: "string", int: "integer", float: "number", bool: "boolean"}


def field_descriptor(name: str, model: type[BaseModel], attribute: str) -> dict[str, Any]:
    info = model.model_fields[attribute]
    kinds = [t for t in _flatten(info.annotation) if t is not type(None)]
    descriptor: dict[str, Any] = {"name": name}
    literals = [t for t in kinds if typing.get_origin(t) is typing.Literal]
    if literals:
        descriptor["type"] = "string"
        descriptor["constraints"] = {"enum": [v for t in literals for v in typing.get_args(t)]}
    elif len(kinds) == 1 and kinds[0] in _SIMPLE:
        descriptor["type"] = _SIMPLE[kinds[0]]
    else:
        descriptor["type"] = "any"  # a target may be a date, a number or yes/no
    description = DESCRIPTIONS.get(name) or info.description
    if description:
        descriptor["description"] = description
    return descriptor


def _flatten(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _flatten(arg)]
    return [annotation]


def table_schema(table: str, columns: list[str], with_document: bool) -> dict[str, Any]:
    fields = [field_descriptor(c, *SOURCES[table][c]) for c in columns]
    key = ["level", "code"] if table == "objectives" else ["code"]
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if with_document:
        schema["fields"] = [{"name": "document", "type": "string", "description": DESCRIPTIONS["document"]}, *fields]
        key = ["document", *key]
    schema["primaryKey"] = key
    if table == "indicators":
        local = ["document", "objective_code"] if with_document else ["objective_code"]
        remote = ["document", "code"] if with_document else ["code"]
        schema["foreignKeys"] = [{"fields": local, "reference": {"resource": "objectives", "fields": remote}}]
    return schema


def data_package(name: str, objectives_path: str, indicators_path: str, with_document: bool) -> dict[str, Any]:
    """The descriptor of a package of the two CSV tables (paths relative to the descriptor)."""
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": "Objectives and indicators extracted from Italian public-administration plans (planextract)",
        "version": SCHEMA_VERSION,
        "resources": [
            {"name": "objectives", "path": objectives_path, "profile": "tabular-data-resource", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8",
             "schema": table_schema("objectives", OBJECTIVE_COLUMNS, with_document)},
            {"name": "indicators", "path": indicators_path, "profile": "tabular-data-resource", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8",
             "schema": table_schema("indicators", INDICATOR_COLUMNS, with_document)},
        ],
    }


def write_data_package(path: Path, name: str, objectives_csv: Path, indicators_csv: Path,
                       with_document: bool = False) -> Path:
    descriptor = data_package(_package_name(name), objectives_csv.name, indicators_csv.name, with_document)
    write_atomic(path, json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")
    return path


def _package_name(name: str) -> str:
    """Data Package names are lower case letters, digits and - . _"""
    cleaned = "".join(c if c.isalnum() or c in "-._" else "-" for c in name.lower())
    return cleaned.strip("-") or "plans"


# -- Parquet ----------------------------------------------------------------------------------

_ARROW = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool", "any": "string"}


def require_parquet(formats: tuple[str, ...]) -> None:
    """Fail before any work when Parquet is asked for and pyarrow is missing."""
    if "parquet" in formats:
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError as exc:
            raise MissingDependencyError("Parquet output needs pyarrow: pip install 'planextract[parquet]'") from exc


def write_parquet(path: Path, table: str, rows: list[dict[str, Any]], with_document: bool = False) -> Path:
    """The same table as the CSV, typed (values of any type as their text)."""
    require_parquet(("parquet",))
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = OBJECTIVE_COLUMNS if table == "objectives" else INDICATOR_COLUMNS
    fields = table_schema(table, columns, with_document)["fields"]
    arrays, schema = [], []
    for field in fields:
        kind = _ARROW[field["type"]]
        values = [row.get(field["name"]) for row in rows]
        if field["type"] == "any":
            values = [None if v is None else (("true" if v else "false") if isinstance(v, bool) else str(v))
                      for v in values]
        arrays.append(pa.array(values, type=pa.type_for_alias(kind)))
        schema.append(pa.field(field["name"], pa.type_for_alias(kind)))
    temporary = path.with_name(f".{path.name}.tmp")
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(schema)), temporary)
    temporary.replace(path)
    return path
