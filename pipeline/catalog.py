"""A catalog of extracted plans in one SQLite file: ``documents``, ``objectives``, ``indicators``.

A document's id is the sha256 of its PDF: extracting the same file again replaces its rows,
never duplicates them; a new version of a plan is a new document. Objectives are keyed by
(document, level, code), indicators by (document, code). The whole extraction is kept too, so that
``compare`` can take two document ids. Any SQLite client reads it — DuckDB too
(``ATTACH 'plans.sqlite' (TYPE sqlite)``). Counting indicators by department, for instance:

    SELECT o.department, count(*) FROM indicators i
    JOIN objectives o ON o.document_id = i.document_id AND o.code = i.objective_code
    GROUP BY o.department;
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from .errors import CatalogError, OutputError
from .export import INDICATOR_COLUMNS, OBJECTIVE_COLUMNS, indicator_rows, objective_rows
from .models import Extraction

_TYPES = {"page": "INTEGER", "action_area": "INTEGER", "department_known": "INTEGER",
          "bbox_x0": "REAL", "bbox_top": "REAL", "bbox_x1": "REAL", "bbox_bottom": "REAL",
          "target_value": "", "actual_value": ""}  # values of any type keep their own


def _columns(names: list[str]) -> str:
    return ", ".join(f"{name} {_TYPES.get(name, 'TEXT')}".strip() for name in names)


SCHEMA = f"""
CREATE TABLE IF NOT EXISTS documents (
    document_id TEXT PRIMARY KEY, file TEXT NOT NULL, kind TEXT NOT NULL, profile TEXT, title TEXT,
    entity TEXT, period_from INTEGER, period_to INTEGER, pages INTEGER, objectives INTEGER,
    indicators INTEGER, warnings INTEGER, program_version TEXT, rules_version TEXT, extraction TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS objectives (
    document_id TEXT NOT NULL REFERENCES documents(document_id) ON DELETE CASCADE,
    {_columns(OBJECTIVE_COLUMNS)},
    PRIMARY KEY (document_id, level, code)
);
CREATE TABLE IF NOT EXISTS indicators (
    document_id TEXT NOT NULL REFERENCES documents(document_id) ON DELETE CASCADE,
    {_columns(INDICATOR_COLUMNS)},
    PRIMARY KEY (document_id, code)
);
CREATE INDEX IF NOT EXISTS objectives_department ON objectives(department);
CREATE INDEX IF NOT EXISTS indicators_objective ON indicators(document_id, objective_code);
"""


class Catalog:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.connection = sqlite3.connect(self.path)
            self.connection.row_factory = sqlite3.Row
            self.connection.execute("PRAGMA foreign_keys = ON")
            self.connection.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise OutputError(f"{self.path}: cannot open the catalog ({exc})") from exc

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    def store(self, extraction: Extraction) -> str:
        """Add (or replace) one document and its rows; returns its id."""
        document_id = extraction.source.sha256
        document = extraction.document
        with self.connection:  # one transaction: all or nothing
            self.connection.execute("DELETE FROM documents WHERE document_id = ?", (document_id,))
            self.connection.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (document_id, extraction.source.file, document.kind, document.profile, document.title,
                 document.entity, document.period.from_, document.period.to, extraction.source.pages,
                 len(extraction.objectives), len(extraction.indicators), len(extraction.warnings),
                 extraction.run.program_version, extraction.run.rules_version, extraction.model_dump_json()))
            self._insert("objectives", OBJECTIVE_COLUMNS, document_id, objective_rows(extraction))
            self._insert("indicators", INDICATOR_COLUMNS, document_id, indicator_rows(extraction))
        return document_id

    def _insert(self, table: str, columns: list[str], document_id: str, rows: list[dict[str, Any]]) -> None:
        marks = ", ".join("?" * (len(columns) + 1))
        # a duplicate code (flagged among the warnings) keeps its first row
        self.connection.executemany(
            f"INSERT OR IGNORE INTO {table} (document_id, {', '.join(columns)}) VALUES ({marks})",
            [(document_id, *(_sql(row[c]) for c in columns)) for row in rows])

    def documents(self) -> list[sqlite3.Row]:
        return list(self.connection.execute(
            "SELECT document_id, file, kind, title, period_from, period_to, objectives, indicators "
            "FROM documents ORDER BY file, document_id"))

    def load(self, reference: str) -> Extraction:
        """A stored extraction by document id (or an unambiguous prefix of it, or its file name)."""
        rows = self.connection.execute(
            "SELECT document_id, extraction FROM documents WHERE document_id LIKE ? || '%' OR file = ?",
            (reference.lower() if len(reference) >= 6 else "\x00", reference)).fetchall()
        if not rows:
            raise CatalogError(f"{self.path}: no document '{reference}' in the catalog")
        if len(rows) > 1:
            raise CatalogError(f"{self.path}: '{reference}' matches {len(rows)} documents; give more of the id")
        return Extraction.model_validate_json(rows[0]["extraction"])


def _sql(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value
