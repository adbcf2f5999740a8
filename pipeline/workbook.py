"""The Excel workbook analysts open: one sheet per table of the contract, typed cells.

Sheets *Obiettivi*, *Indicatori*, *Valori* (when an indicator has values), *Avvisi* (the warnings)
and *Documento* (source, period, versions), with the columns of ``contract.py``: codes and other
text as text cells (``0042`` stays ``0042``), numbers as numbers, ISO dates as dates, booleans as
booleans; a cell of a mixed column (``target_value``) typed by its own value, as a spreadsheet does.
The header row is frozen and filtered and the columns sized to their content. Written
with XlsxWriter; the file is byte-identical for the same input (its creation date is fixed).
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

from .contract import ISO_DATE, TABLES, Column, table_rows, with_document
from .models import Extraction

SHEETS = {"objectives": "Obiettivi", "indicators": "Indicatori", "values": "Valori"}
WARNINGS_SHEET, DOCUMENT_SHEET = "Avvisi", "Documento"
WARNING_COLUMNS = ["document", "kind", "page", "ref", "message"]
DOCUMENT_COLUMNS = ["document", "file", "sha256", "pages", "kind", "profile", "title", "entity", "period_from",
                    "period_to", "schema_version", "program_version", "rules_version", "objectives", "indicators",
                    "warnings"]
_FIXED_DATE = datetime.datetime(2000, 1, 1)
_MAX_WIDTH = 60


def workbook_bytes(extractions: dict[str, Extraction]) -> bytes:
    """The workbook of one or more extractions, keyed by their output name (a ``document`` column
    is added in front when there are several)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": _FIXED_DATE, "title": "planextract"})
    formats = {"header": book.add_format({"bold": True, "bg_color": "#D9E2F3", "border": 1}),
               "date": book.add_format({"num_format": "yyyy-mm-dd"}),
               "text": book.add_format({"num_format": "@"})}
    several = len(extractions) > 1
    for name, sheet in SHEETS.items():
        table = with_document(TABLES[name]) if several else TABLES[name]
        rows = [{"document": stem, **row} for stem, extraction in extractions.items()
                for row in table_rows(extraction, name)]
        if name == "values" and not rows:
            continue
        _sheet(book, sheet, [_kinded(c) for c in table.columns], rows, formats)
    warnings = [{"document": stem, **w.model_dump()} for stem, e in extractions.items() for w in e.warnings]
    _sheet(book, WARNINGS_SHEET, [(c, "integer" if c == "page" else "string")
                                  for c in WARNING_COLUMNS[0 if several else 1:]], warnings, formats)
    documents = [_document_row(stem, e) for stem, e in extractions.items()]
    _sheet(book, DOCUMENT_SHEET, [(c, "integer" if c in ("pages", "period_from", "period_to", "objectives",
                                                         "indicators", "warnings") else "string")
                                  for c in DOCUMENT_COLUMNS], documents, formats)
    book.close()
    return buffer.getvalue()


def _kinded(column: Column) -> tuple[str, str]:
    return column.name, column.kind


def _document_row(stem: str, extraction: Extraction) -> dict[str, Any]:
    document, source, run = extraction.document, extraction.source, extraction.run
    return {"document": stem, "file": source.file, "sha256": source.sha256, "pages": source.pages,
            "kind": document.kind, "profile": document.profile, "title": document.title, "entity": document.entity,
            "period_from": document.period.from_, "period_to": document.period.to,
            "schema_version": extraction.schema_version, "program_version": run.program_version,
            "rules_version": run.rules_version, "objectives": len(extraction.objectives),
            "indicators": len(extraction.indicators), "warnings": len(extraction.warnings)}


def _sheet(book: Any, title: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]],
           formats: dict[str, Any]) -> None:
    sheet = book.add_worksheet(title)
    widths = [len(name) + 2 for name, _ in columns]
    for c, (name, _) in enumerate(columns):
        sheet.write_string(0, c, name, formats["header"])
    for r, row in enumerate(rows, start=1):
        for c, (name, kind) in enumerate(columns):
            value = row.get(name)
            if value is None or value == "":
                continue
            shown = _write(sheet, r, c, value, kind, formats)
            widths[c] = max(widths[c], min(len(shown) + 1, _MAX_WIDTH))
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def _write(sheet: Any, r: int, c: int, value: Any, kind: str, formats: dict[str, Any]) -> str:
    """One typed cell; returns its text as shown, for the column width."""
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
        return "TRUE" if value else "FALSE"
    if kind in ("integer", "number", "any") and isinstance(value, (int, float)):
        sheet.write_number(r, c, value)
        return str(value)
    if kind in ("date", "any") and isinstance(value, str) and ISO_DATE.fullmatch(value):
        sheet.write_datetime(r, c, datetime.datetime.fromisoformat(value), formats["date"])
        return value
    text = str(value)
    sheet.write_string(r, c, text, formats["text"])
    return text


def write_workbook(path: Path, extractions: dict[str, Extraction]) -> Path:
    from .export import OutputSet

    content = workbook_bytes(extractions)
    with OutputSet() as outputs:
        outputs.temporary(path).write_bytes(content)
    return path
