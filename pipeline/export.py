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
from .models import Extraction, Indicator, Objective

OBJECTIVE_COLUMNS = [
    "code", "level", "title", "description", "department", "department_known", "political_owner",
    "action_area", "mission_code", "mission_title", "programme_code", "programme_title",
    "page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom",
]
INDICATOR_COLUMNS = [
    "code", "objective_code", "objective_title", "objective_department", "description", "unit", "unit_raw",
    "target_raw", "target_value", "actual_raw", "actual_value",
    "page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom",
]


def to_json(extraction: Extraction) -> str:
    data = extraction.model_dump(mode="json", by_alias=True)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _bbox_cells(item: Objective | Indicator) -> dict[str, Any]:
    return {"page": item.page, "bbox_x0": item.bbox.x0, "bbox_top": item.bbox.top,
            "bbox_x1": item.bbox.x1, "bbox_bottom": item.bbox.bottom}


def objective_rows(extraction: Extraction) -> list[dict[str, Any]]:
    return [{
        "code": o.code, "level": o.level, "title": o.title, "description": o.description,
        "department": o.department, "department_known": o.department_known,
        "political_owner": o.political_owner, "action_area": o.action_area,
        "mission_code": o.mission.code if o.mission else None, "mission_title": o.mission.title if o.mission else None,
        "programme_code": o.programme.code if o.programme else None,
        "programme_title": o.programme.title if o.programme else None,
        **_bbox_cells(o),
    } for o in extraction.objectives]


def indicator_rows(extraction: Extraction) -> list[dict[str, Any]]:
    objectives = {o.code: o for o in extraction.objectives}
    rows = []
    for i in extraction.indicators:
        objective = objectives.get(i.objective_code)
        rows.append({
            "code": i.code, "objective_code": i.objective_code,
            "objective_title": objective.title if objective else None,
            "objective_department": objective.department if objective else None,
            "description": i.description, "unit": i.unit, "unit_raw": i.unit_raw,
            "target_raw": i.target_raw, "target_value": i.target_value,
            "actual_raw": i.actual_raw, "actual_value": i.actual_value,
            **_bbox_cells(i),
        })
    return rows


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
    """Output files for a PDF name (or an output stem) in ``directory``."""
    stem = Path(name).stem if name.lower().endswith(".pdf") else name
    return {"json": directory / f"{stem}.json",
            "objectives": directory / f"{stem}.objectives.csv",
            "indicators": directory / f"{stem}.indicators.csv",
            "package": directory / f"{stem}.datapackage.json",
            "objectives_parquet": directory / f"{stem}.objectives.parquet",
            "indicators_parquet": directory / f"{stem}.indicators.parquet"}


def write_outputs(extraction: Extraction, directory: Path, stem: str | None = None,
                  formats: tuple[str, ...] = ("csv",)) -> dict[str, Path]:
    """Write ``STEM.json`` and the tables: ``STEM.objectives.csv``, ``STEM.indicators.csv`` and their
    ``STEM.datapackage.json`` (csv); ``STEM.objectives.parquet``, ``STEM.indicators.parquet`` (parquet)."""
    from .datapackage import write_data_package, write_parquet  # (it builds on this module)

    paths = output_paths(stem or extraction.source.file, directory)
    written = {"json": paths["json"]}
    objectives, indicators = objective_rows(extraction), indicator_rows(extraction)
    if "csv" in formats:
        write_atomic(paths["objectives"], to_csv(objectives, OBJECTIVE_COLUMNS))
        write_atomic(paths["indicators"], to_csv(indicators, INDICATOR_COLUMNS))
        write_data_package(paths["package"], paths["json"].stem, paths["objectives"], paths["indicators"])
        written.update(objectives=paths["objectives"], indicators=paths["indicators"], package=paths["package"])
    if "parquet" in formats:
        write_parquet(paths["objectives_parquet"], "objectives", objectives)
        write_parquet(paths["indicators_parquet"], "indicators", indicators)
        written.update(objectives_parquet=paths["objectives_parquet"], indicators_parquet=paths["indicators_parquet"])
    write_atomic(paths["json"], to_json(extraction))
    return written
