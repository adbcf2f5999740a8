"""Stage 6, export: JSON and CSV, byte-for-byte deterministic; a document's files are written
together or not at all."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .contract import INDICATORS, OBJECTIVES, TABLES, VALUES, iter_rows, table_rows
from .errors import OutputError
from .models import Extraction

OBJECTIVE_COLUMNS = OBJECTIVES.names
INDICATOR_COLUMNS = INDICATORS.names
VALUE_COLUMNS = VALUES.names


def to_json(extraction: Extraction) -> str:
    return "".join(json_chunks(extraction))


LONG_LISTS = ("action_areas", "strategic_directions", "objectives", "indicators", "warnings")


class _DumpedOnTheWay(list):
    """A list of models that the JSON encoder reads as dicts, one model at a time: the whole
    document as dicts would take ten times the memory of its text (a gigabyte at 10,000 pages)."""

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            yield item.model_dump(mode="json", by_alias=True)


def json_chunks(extraction: Extraction) -> Iterator[str]:
    """The JSON of an extraction in pieces: the text of ``json.dumps(extraction.model_dump(mode='json',
    by_alias=True), ensure_ascii=False, indent=2)`` and a newline (the encoder with an indent is
    json's Python one, which walks lists by iterating them)."""
    data = extraction.model_copy(update={name: [] for name in LONG_LISTS}).model_dump(mode="json", by_alias=True)
    for name in LONG_LISTS:
        field = Extraction.model_fields[name]
        data[field.serialization_alias or field.alias or name] = _DumpedOnTheWay(getattr(extraction, name))
    yield from json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(data)
    yield "\n"


def objective_rows(extraction: Extraction) -> list[dict[str, Any]]:
    """The objectives table: one row per objective, the columns of ``PLAN.objectives.csv``."""
    return table_rows(extraction, "objectives")


def indicator_rows(extraction: Extraction) -> list[dict[str, Any]]:
    """The indicators table, each row with its objective's title and department."""
    return table_rows(extraction, "indicators")


def value_rows(extraction: Extraction) -> list[dict[str, Any]]:
    """The values table: every baseline, target and actual of every indicator, in print order."""
    return table_rows(extraction, "values")


@dataclass(frozen=True, slots=True)
class CsvDialect:
    """How the CSV files are written: for programs (the default) or for a spreadsheet's locale."""

    name: str
    delimiter: str = ","
    bom: bool = False               # a UTF-8 byte-order mark, which Excel needs to read UTF-8
    decimal: str = "."
    true: str = "true"
    false: str = "false"


CSV_DIALECTS = {
    "standard": CsvDialect("standard"),
    # Excel and LibreOffice Calc in an Italian locale: ';' between fields, decimal comma, VERO/FALSO
    "excel-it": CsvDialect("excel-it", delimiter=";", bom=True, decimal=",", true="VERO", false="FALSO"),
}


def _cell(value: Any, dialect: CsvDialect) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return dialect.true if value else dialect.false
    if isinstance(value, float) and dialect.decimal != ".":
        return repr(value).replace(".", dialect.decimal)
    return str(value)


def to_csv(rows: Iterable[dict[str, Any]], columns: list[str], dialect: CsvDialect | str = "standard") -> str:
    return "".join(csv_chunks(rows, columns, dialect))


CSV_ROWS_PER_CHUNK = 1000


def csv_chunks(rows: Iterable[dict[str, Any]], columns: list[str],
               dialect: CsvDialect | str = "standard") -> Iterator[str]:
    """The CSV text of ``rows`` in pieces of ``CSV_ROWS_PER_CHUNK`` rows."""
    dialect = CSV_DIALECTS[dialect] if isinstance(dialect, str) else dialect
    buffer = io.StringIO()
    if dialect.bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\n", delimiter=dialect.delimiter)
    writer.writerow(columns)
    for number, row in enumerate(rows, start=1):
        writer.writerow([_cell(row.get(column), dialect) for column in columns])
        if number % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _file_mode() -> int:
    """The mode of a new file under the process's umask (0644 under 022), as open() would give it."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class OutputSet:
    """Files written under temporary names in their folders, then renamed into place together: a
    killed or failed run leaves no half-written file, and a document's outputs appear all or none.

    Use as a context manager: leaving it normally commits, an exception discards what was staged."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def temporary(self, path: Path) -> Path:
        """A new empty file beside ``path`` to write into; renamed to ``path`` on commit."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        except OSError as exc:
            raise OutputError(f"{path}: cannot write output ({exc.strerror or exc})") from exc
        os.close(fd)
        self._staged.append((Path(tmp), path))
        return Path(tmp)

    def write_text(self, path: Path, text: str | Iterable[str]) -> None:
        """Stage ``text``, given whole or in pieces."""
        tmp = self.temporary(path)
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as handle:
                handle.writelines([text] if isinstance(text, str) else text)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write output ({exc.strerror or exc})") from exc

    def commit(self) -> None:
        mode = _file_mode()
        try:
            for tmp, path in self._staged:  # what would stop a rename, before anything is renamed
                if path.is_dir():
                    raise IsADirectoryError(errno.EISDIR, "a folder of that name is in the way")
                os.chmod(tmp, mode)
            for tmp, path in self._staged:
                os.replace(tmp, path)
        except OSError as exc:
            self.discard()
            raise OutputError(f"{path}: cannot write output ({exc.strerror or exc})") from exc
        self._staged = []

    def discard(self) -> None:
        for tmp, _ in self._staged:
            tmp.unlink(missing_ok=True)
        self._staged = []

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_atomic(path: Path, text: str) -> None:
    """Write one file via a temporary file and a rename."""
    with OutputSet() as outputs:
        outputs.write_text(path, text)


FORMATS = ("csv", "parquet", "xlsx")


def output_paths(name: str, directory: Path) -> dict[str, Path]:
    """Output files for a PDF name (or an output stem) in ``directory``: ``json``, ``package`` and,
    for each table, ``TABLE`` (its CSV) and ``TABLE_parquet``."""
    stem = Path(name).stem if name.lower().endswith(".pdf") else name
    paths = {"json": directory / f"{stem}.json", "package": directory / f"{stem}.datapackage.json",
             "xlsx": directory / f"{stem}.xlsx"}
    for table in TABLES:
        paths[table] = directory / f"{stem}.{table}.csv"
        paths[f"{table}_parquet"] = directory / f"{stem}.{table}.parquet"
    return paths


def write_outputs(extraction: Extraction, directory: Path, stem: str | None = None,
                  formats: tuple[str, ...] = ("csv",), csv_dialect: str = "standard") -> dict[str, Path]:
    """Write ``STEM.json`` and the tables: ``STEM.objectives.csv``, ``STEM.indicators.csv``,
    ``STEM.values.csv`` and their ``STEM.datapackage.json`` (csv, in ``csv_dialect``); the same as
    Parquet (parquet); the workbook ``STEM.xlsx`` (xlsx)."""
    from .datapackage import data_package_text, write_parquet  # (they build on this module)
    from .workbook import workbook_bytes

    paths = output_paths(stem or extraction.source.file, directory)
    written = {"json": paths["json"]}
    with OutputSet() as outputs:
        if "csv" in formats:
            for name, table in TABLES.items():
                outputs.write_text(paths[name], csv_chunks(iter_rows(extraction, name), table.names, csv_dialect))
                written[name] = paths[name]
            outputs.write_text(paths["package"], data_package_text(paths["json"].stem,
                                                                   {name: paths[name] for name in TABLES},
                                                                   dialect=CSV_DIALECTS[csv_dialect]))
            written["package"] = paths["package"]
        if "parquet" in formats:
            for name, table in TABLES.items():
                write_parquet(outputs.temporary(paths[f"{name}_parquet"]), table, table_rows(extraction, name))
                written[f"{name}_parquet"] = paths[f"{name}_parquet"]
        if "xlsx" in formats:
            outputs.temporary(paths["xlsx"]).write_bytes(workbook_bytes({paths["json"].stem: extraction}))
            written["xlsx"] = paths["xlsx"]
        outputs.write_text(paths["json"], json_chunks(extraction))
    return written
