"""Describing the tables for other tools: a Frictionless Data Package, and Parquet files.

The Table Schema of each CSV comes from the tables of ``contract.py``, themselves derived from the
pydantic models: a field's annotation gives its type and allowed values, its description the
column's.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from .contract import TABLES, Column, Table, with_document
from .errors import MissingDependencyError, OutputError
from .export import CSV_DIALECTS, CsvDialect, OutputSet, write_atomic
from .models import SCHEMA_VERSION


def field_descriptor(column: Column) -> dict[str, Any]:
    descriptor: dict[str, Any] = {"name": column.name, "type": column.kind}
    if column.enum:
        descriptor["constraints"] = {"enum": list(column.enum)}
    if column.description:
        descriptor["description"] = column.description
    return descriptor


def table_schema(table: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {"fields": [field_descriptor(c) for c in table.columns], "missingValues": [""],
                              "primaryKey": list(table.primary_key)}
    if table.foreign_keys:
        schema["foreignKeys"] = [{"fields": list(local), "reference": {"resource": other, "fields": list(remote)}}
                                 for local, other, remote in table.foreign_keys]
    return schema


def data_package(name: str, paths: dict[str, str], batch: bool) -> dict[str, Any]:
    """The descriptor of a package of the CSV tables (``paths``: table → path relative to it)."""
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": "Objectives and indicators extracted from Italian public-administration plans (planextract)",
        "version": SCHEMA_VERSION,
        "resources": [
            {"name": table, "path": path, "profile": "tabular-data-resource", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8",
             "schema": table_schema(with_document(TABLES[table]) if batch else TABLES[table])}
            for table, path in paths.items()],
    }


def data_package_text(name: str, csv_paths: dict[str, Path], batch: bool = False,
                      dialect: CsvDialect = CSV_DIALECTS["standard"]) -> str:
    """The ``datapackage.json`` describing the CSV files ``csv_paths`` (by table)."""
    descriptor = data_package(_package_name(name), {table: p.name for table, p in csv_paths.items()}, batch)
    if dialect.name != "standard":
        for resource in descriptor["resources"]:
            resource["dialect"] = {"delimiter": dialect.delimiter}
            resource["encoding"] = "utf-8-sig" if dialect.bom else "utf-8"
            for column in resource["schema"]["fields"]:
                if column["type"] == "number":
                    column["decimalChar"] = dialect.decimal
                if column["type"] == "boolean":
                    column["trueValues"], column["falseValues"] = [dialect.true], [dialect.false]
    return json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"


def write_data_package(path: Path, name: str, csv_paths: dict[str, Path], batch: bool = False,
                       dialect: CsvDialect = CSV_DIALECTS["standard"]) -> Path:
    write_atomic(path, data_package_text(name, csv_paths, batch, dialect))
    return path


def _package_name(name: str) -> str:
    """Data Package names are lower case letters, digits and - . _"""
    cleaned = "".join(c if c.isalnum() or c in "-._" else "-" for c in name.lower())
    return cleaned.strip("-") or "plans"


# -- Parquet ----------------------------------------------------------------------------------

_ARROW = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool", "date": "date32",
          "any": "string"}


def require_parquet(formats: tuple[str, ...]) -> None:
    """Fail before any work when Parquet is asked for and pyarrow is missing."""
    if "parquet" in formats:
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError as exc:
            raise MissingDependencyError("Parquet output needs pyarrow: pip install 'planextract[parquet]'") from exc


def write_parquet(path: Path, table: Table, rows: list[dict[str, Any]]) -> Path:
    """The same table as the CSV, typed (values of any type as their text)."""
    require_parquet(("parquet",))
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays, schema = [], []
    for column in table.columns:
        kind = _ARROW[column.kind]
        values = [row.get(column.name) for row in rows]
        if column.kind == "date":
            values = [None if v is None else datetime.date.fromisoformat(v) for v in values]
        if column.kind == "any":
            values = [None if v is None else (("true" if v else "false") if isinstance(v, bool) else str(v))
                      for v in values]
        arrays.append(pa.array(values, type=pa.type_for_alias(kind)))
        schema.append(pa.field(column.name, pa.type_for_alias(kind)))
    with OutputSet() as outputs:
        temporary = outputs.temporary(path)
        try:
            pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(schema)), temporary)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write output ({exc})") from exc
    return path
