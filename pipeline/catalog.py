"""A catalog of extracted plans in one SQLite file: ``documents`` and the tables of ``contract.py``
(``objectives``, ``indicators``, ``values``).

A document's id is the sha256 of its PDF: extracting the same file again replaces its rows,
never duplicates them; a new version of a plan is a new document. Rows are keyed by (document, id)
(values by (document, indicator, position)). The whole extraction is kept too, so that ``compare``
can take two document ids. Any SQLite client reads it — DuckDB too (``ATTACH 'plans.sqlite' (TYPE
sqlite)``). Counting indicators by department, for instance:

    SELECT o.department, count(*) FROM indicators i
    JOIN objectives o ON o.document_id = i.document_id AND o.id = i.objective_id
    GROUP BY o.department;
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from .contract import TABLES, Table, table_rows
from .errors import CatalogError, OutputError
from .models import Extraction

CATALOG_VERSION = 2  # the output schema's major version: its tables are made from it
# "any" (a value of mixed type) is stored as its text, so that readers that type a column once
# (DuckDB) get text; its typed columns beside it hold the numbers, dates and booleans
_SQL = {"integer": "INTEGER", "number": "REAL", "boolean": "BOOLEAN", "string": "TEXT", "date": "DATE", "any": "TEXT"}


def _create(table: Table) -> str:
    columns = ", ".join(f"{c.name} {_SQL[c.kind]}".strip() for c in table.columns)
    keys = ", ".join(["document_id", *table.primary_key])
    references = "".join(
        f', FOREIGN KEY (document_id, {", ".join(local)}) REFERENCES "{other}" (document_id, {", ".join(remote)})'
        for local, other, remote in table.foreign_keys if other != "objectives")  # an indicator may stand alone
    return (f'CREATE TABLE IF NOT EXISTS "{table.name}" (document_id'
            f" TEXT NOT NULL REFERENCES documents(document_id) "
            f"ON DELETE CASCADE, {columns}, PRIMARY KEY ({keys}){references});")


SCHEMA = "\n".join([
    """CREATE TABLE IF NOT EXISTS documents (
    document_id TEXT PRIMARY KEY, file TEXT NOT NULL, kind TEXT NOT NULL, profile TEXT, title TEXT,
    entity TEXT, period_from INTEGER, period_to INTEGER, pages INTEGER, objectives INTEGER,
    indicators INTEGER, warnings INTEGER, program_version TEXT, rules_version TEXT, schema_version TEXT,
    extraction TEXT NOT NULL
);""",
    *(_create(table) for table in TABLES.values()),
    "CREATE INDEX IF NOT EXISTS objectives_department ON objectives(department);",
    "CREATE INDEX IF NOT EXISTS indicators_objective ON indicators(document_id, objective_id);",
])


class Catalog:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.connection = sqlite3.connect(self.path)
            self.connection.row_factory = sqlite3.Row
            self.connection.execute("PRAGMA foreign_keys = ON")
            version = self.connection.execute("PRAGMA user_version").fetchone()[0]
            made = self.connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'documents'").fetchone()[0]
            if made and version != CATALOG_VERSION:
                raise CatalogError(f"{self.path}: a catalog of an earlier output schema: use a new file "
                                   f"(or extract the plans again into one)")
            self.connection.executescript(SCHEMA)
            self.connection.execute(f"PRAGMA user_version = {CATALOG_VERSION}")
        except (sqlite3.Error, OSError) as exc:
            raise OutputError(f"{self.path}: cannot open the catalog ({exc})") from exc

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    def store(self, extraction: Extraction) -> str:
        """Add (or replace) one document and its rows; returns its id."""
        try:
            return self._store(extraction)
        except sqlite3.Error as exc:  # locked past the timeout, disk full, read-only
            raise OutputError(f"{self.path}: cannot store {extraction.source.file} in the catalog ({exc})") from exc

    def _store(self, extraction: Extraction) -> str:
        document_id = extraction.source.sha256
        document = extraction.document
        with self.connection:  # one transaction: all or nothing
            self.connection.execute("DELETE FROM documents WHERE document_id = ?", (document_id,))
            self.connection.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (document_id, extraction.source.file, document.kind, document.profile, document.title,
                 document.entity, document.period.from_, document.period.to, extraction.source.pages,
                 len(extraction.objectives), len(extraction.indicators), len(extraction.warnings),
                 extraction.run.program_version, extraction.run.rules_version, extraction.schema_version,
                 extraction.model_dump_json()))
            for table in TABLES.values():
                self._insert(table, document_id, table_rows(extraction, table.name))
        return document_id

    def _insert(self, table: Table, document_id: str, rows: list[dict[str, Any]]) -> None:
        columns = table.names
        marks = ", ".join("?" * (len(columns) + 1))
        self.connection.executemany(
            f'INSERT INTO "{table.name}" (document_id, {", ".join(columns)}) VALUES ({marks})',
            [(document_id, *(_sql(row[c.name], c.kind) for c in table.columns)) for row in rows])

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


def _sql(value: Any, kind: str) -> Any:
    if kind == "any" and value is not None:
        return ("true" if value else "false") if isinstance(value, bool) else str(value)
    return int(value) if isinstance(value, bool) else value
