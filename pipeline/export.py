"""Stage 6, export: JSON and CSV, byte-for-byte deterministic, written atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

from .errors import OutputError
from .contract import INDICATORS, OBJECTIVES, TABLES, VALUES, table_rows
from .models import Extraction

OBJECTIVE_COLUMNS = OBJECTIVES.names
INDICATOR_COLUMNS = INDICATORS.names
VALUE_COLUMNS = VALUES.names


def to_json(extraction: Extraction) -> str:
    data = extraction.model_dump(mode="json", by_alias=True)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def objective_rows(extraction: Extraction) -> list[dict[str, Any]]:
    """The objectives table: one row per objective, the columns of ``PLAN.objectives.csv``."""
    return table_rows(extraction, "objectives")


def indicator_rows(extraction: Extraction) -> list[dict[str, Any]]:
    """The indicators table, each row with its objective's title and department."""
    return table_rows(extraction, "indicators")


def value_rows(extraction: Extraction) -> list[dict[str, Any]]:
    """The values table: every baseline, target and actual of every indicator, in print order."""
    return table_rows(extraction, "values")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_csv(rows: Iterable[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a killed run never leaves half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"{path}: cannot write output ({exc.strerror})") from exc


FORMATS = ("csv", "parquet")


def output_paths(name: str, directory: Path) -> dict[str, Path]:
    """Output files for a PDF name (or an output stem) in ``directory``: ``json``, ``package`` and,
    for each table, ``TABLE`` (its CSV) and ``TABLE_parquet``."""
    stem = Path(name).stem if name.lower().endswith(".pdf") else name
    paths = {"json": directory / f"{stem}.json", "package": directory / f"{stem}.datapackage.json"}
    for table in TABLES:
        paths[table] = directory / f"{stem}.{table}.csv"
        paths[f"{table}_parquet"] = directory / f"{stem}.{table}.parquet"
    return paths


def write_outputs(extraction: Extraction, directory: Path, stem: str | None = None,
                  formats: tuple[str, ...] = ("csv",)) -> dict[str, Path]:
    """Write ``STEM.json`` and the tables: ``STEM.objectives.csv``, ``STEM.indicators.csv``,
    ``STEM.values.csv`` and their ``STEM.datapackage.json`` (csv); the same as Parquet (parquet)."""
    from .datapackage import write_data_package, write_parquet  # (it builds on this module)

    paths = output_paths(stem or extraction.source.file, directory)
    written = {"json": paths["json"]}
    rows = {table: table_rows(extraction, table) for table in TABLES}
    if "csv" in formats:
        for name, table in TABLES.items():
            write_atomic(paths[name], to_csv(rows[name], table.names))
            written[name] = paths[name]
        write_data_package(paths["package"], paths["json"].stem, {name: paths[name] for name in TABLES})
        written["package"] = paths["package"]
    if "parquet" in formats:
        for name, table in TABLES.items():
            write_parquet(paths[f"{name}_parquet"], table, rows[name])
            written[f"{name}_parquet"] = paths[f"{name}_parquet"]
    write_atomic(paths["json"], to_json(extraction))
    return written
