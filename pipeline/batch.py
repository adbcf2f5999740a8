"""Batch extraction: many PDFs, in parallel, resumable, never stopped by a bad file.

Each PDF is one task. A task runs in a worker process (a local pool, or the workers of a Dask
cluster) and writes the same outputs as ``extract``; the parent keeps ``manifest.csv`` /
``manifest.json`` (one row per file: status, error, counts, seconds) and, at the end, the combined
``objectives.csv`` and ``indicators.csv`` with a ``document`` column.

A rerun skips every file whose content hash, rules version, program version and options are
those of its row in the previous manifest (or of its JSON output), unless ``force``.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import io
import json
import multiprocessing
import time
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import __version__
from .catalog import Catalog
from .datapackage import require_parquet, write_data_package, write_parquet
from .errors import InputNotFoundError, PlanExtractError, TimeoutError_
from .contract import TABLES, table_rows, with_document
from .export import to_csv, write_atomic
from .models import Extraction
from .parse import sha256_of
from .rules import RuleSet, load_rules

MANIFEST_COLUMNS = ["file", "output", "sha256", "status", "error_kind", "message", "pages", "objectives",
                    "indicators", "warnings", "seconds", "action", "program_version", "rules_version", "options"]
READING_WARNINGS = {"unknown_template", "no_text_layer", "orphan_table", "unreadable_row"}


@dataclass(frozen=True)
class Settings:
    """What every task needs to know; part of it decides whether an earlier result still holds."""

    out_dir: str
    rules_dir: str | None = None
    backend: str = "pdfium"
    password: str = ""
    max_pages: int | None = None
    timeout: float | None = None
    formats: tuple[str, ...] = ("csv",)

    @property
    def fingerprint(self) -> str:
        """The options that change a result (not the timeout: a finished file is finished)."""
        return (f"backend={self.backend};max_pages={self.max_pages};password={'yes' if self.password else 'no'};"
                f"formats={','.join(sorted(self.formats))}")


@dataclass
class Row:
    """One line of the manifest."""

    file: str
    output: str
    sha256: str = ""
    status: str = ""            # ok | partial | failed | not_done
    error_kind: str = ""
    message: str = ""
    pages: int = 0
    objectives: int = 0
    indicators: int = 0
    warnings: int = 0
    seconds: float = 0.0
    action: str = "extracted"   # extracted | reused
    program_version: str = __version__
    rules_version: str = ""
    options: str = ""


@dataclass(frozen=True)
class Task:
    path: str
    output: str  # output stem


# -- inputs ------------------------------------------------------------------------------------

def collect_inputs(inputs: Iterable[str]) -> list[Path]:
    """Files, folders (searched recursively for PDFs) and glob patterns; sorted, without repeats."""
    found: dict[Path, Path] = {}
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            candidates = [p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"]
        elif path.exists():
            candidates = [path]
        elif any(ch in item for ch in "*?["):
            candidates = [Path(p) for p in glob.glob(item, recursive=True) if Path(p).is_file()]
        else:
            raise InputNotFoundError(f"{item}: no such file, folder or matching files")
        for candidate in candidates:
            found.setdefault(candidate.resolve(), candidate)
    return sorted(found.values(), key=lambda p: str(p))


def output_stems(paths: list[Path]) -> dict[Path, str]:
    """One output name per input: the file's stem, with a short hash of its path where stems collide."""
    stems: dict[Path, str] = {}
    taken: set[str] = set()
    for path in paths:
        stem = path.stem
        if stem in taken:
            stem = f"{stem}-{hashlib.sha256(str(path).encode()).hexdigest()[:8]}"
        taken.add(stem)
        stems[path] = stem
    return stems


# -- one task (in a worker) --------------------------------------------------------------------

_RULES_CACHE: dict[str | None, RuleSet] = {}  # per worker process: rules are loaded once


def process(task: Task, settings: Settings) -> Row:
    """Extract one PDF and write its outputs; every failure becomes a failed row, never an exception."""
    from .api import run as run_pipeline
    from .export import write_outputs

    started = time.perf_counter()
    row = Row(file=task.path, output=task.output, options=settings.fingerprint)
    try:
        rules = _RULES_CACHE.get(settings.rules_dir)
        if rules is None:
            rules = _RULES_CACHE[settings.rules_dir] = load_rules(settings.rules_dir)
        row.rules_version = rules.version
        path = Path(task.path)
        row.sha256 = sha256_of(path) if path.is_file() else ""
        result = run_pipeline(path, rules, password=settings.password, backend=settings.backend,
                              max_pages=settings.max_pages)
        extraction = result.extraction
        write_outputs(extraction, Path(settings.out_dir), task.output, settings.formats)
        _fill(row, extraction)
    except PlanExtractError as error:
        row.status, row.error_kind, row.message = "failed", error.kind, str(error)
    except Exception as error:  # noqa: BLE001 (a bug must not stop the batch: it is reported)
        row.status, row.error_kind = "failed", "internal"
        row.message = f"{task.path}: internal error: {type(error).__name__}: {error}"
    row.seconds = round(time.perf_counter() - started, 3)
    return row


def _fill(row: Row, extraction: Extraction) -> None:
    row.sha256 = extraction.source.sha256
    row.pages = extraction.source.pages
    row.objectives, row.indicators = len(extraction.objectives), len(extraction.indicators)
    row.warnings = len(extraction.warnings)
    row.rules_version = extraction.run.rules_version
    reading_problems = sorted({w.kind for w in extraction.warnings} & READING_WARNINGS)
    row.status = "partial" if reading_problems else "ok"
    row.message = ", ".join(reading_problems)


# -- pools ---------------------------------------------------------------------------------------

def _warm_up(settings: Settings) -> None:
    """Load what every task needs once, so that a file's time limit is spent on that file."""
    from .departments import DepartmentMatcher
    from .lexicon import lexicon_for

    rules = _RULES_CACHE[settings.rules_dir] = load_rules(settings.rules_dir)
    lexicon_for(rules.lexicon).words_above(rules.lexicon.join_min_zipf)
    DepartmentMatcher(rules.departments)


def _worker_main(connection: Connection, settings: Settings) -> None:
    """A local worker: warms up, says it is ready, then tasks in, rows out, until told to stop (None)."""
    try:
        try:
            _warm_up(settings)
        except PlanExtractError:
            pass  # reported by the tasks themselves
        connection.send("ready")
        while True:
            task = connection.recv()
            if task is None:
                return
            connection.send(process(task, settings))
    except (KeyboardInterrupt, EOFError, BrokenPipeError):
        return


class LocalPool:
    """Worker processes that each run one task at a time; a task over its time limit costs its
    worker, which is killed and replaced, and the file is marked failed."""

    def __init__(self, workers: int, settings: Settings) -> None:
        self.settings = settings
        self.context = multiprocessing.get_context("spawn")  # no inherited state, same on every OS
        self.ready: set[int] = set()
        self.workers = [self._start() for _ in range(max(1, workers))]

    def _start(self) -> tuple[multiprocessing.Process, Connection]:
        parent, child = self.context.Pipe()
        process_ = self.context.Process(target=_worker_main, args=(child, self.settings), daemon=True)
        process_.start()
        child.close()
        return process_, parent

    def run(self, tasks: list[Task]) -> Iterator[Row]:
        pending = list(reversed(tasks))
        busy: dict[int, tuple[Task, float]] = {}
        timeout = self.settings.timeout
        while pending or busy:
            for index, (_, connection) in enumerate(self.workers):
                if index not in busy and index in self.ready and pending:
                    task = pending.pop()
                    connection.send(task)
                    busy[index] = (task, time.monotonic())
            listening = [i for i in range(len(self.workers)) if i in busy or i not in self.ready]
            answered = wait([self.workers[i][1] for i in listening], timeout=0.2)
            for index in [i for i in listening if self.workers[i][1] in answered]:
                try:
                    message = self.workers[index][1].recv()
                except (EOFError, OSError):  # the worker died (out of memory, a crash in a library)
                    self._replace(index)
                    if index in busy:
                        task, _ = busy.pop(index)
                        yield _failed(task, self.settings, "internal", f"{task.path}: the worker process died")
                    continue
                if message == "ready":
                    self.ready.add(index)
                else:
                    busy.pop(index)
                    yield message
            for index, (task, started) in list(busy.items()):
                if timeout and time.monotonic() - started > timeout:
                    busy.pop(index)
                    self._replace(index)
                    message = f"{task.path}: took longer than {timeout:g} s (--timeout); stopped"
                    yield _failed(task, self.settings, TimeoutError_.kind, message, seconds=timeout)

    def _replace(self, index: int) -> None:
        process_, connection = self.workers[index]
        process_.kill()
        process_.join()
        connection.close()
        self.ready.discard(index)
        self.workers[index] = self._start()

    def close(self) -> None:
        for process_, connection in self.workers:
            try:
                connection.send(None)
            except (OSError, ValueError):
                pass
        for process_, connection in self.workers:
            process_.join(timeout=2)
            if process_.is_alive():
                process_.kill()
            connection.close()


class DaskPool:
    """The same tasks on an existing Dask cluster (dask.distributed).

    Dask does not tell when a task starts, so a task's time limit runs from the moment the cluster
    could first have started it (its place in the queue over the cluster's threads); a task past
    its limit is cancelled and marked failed (the cluster decides what becomes of its thread).
    """

    def __init__(self, address: str, settings: Settings) -> None:
        from distributed import Client

        self.settings = settings
        self.client = Client(address, set_as_default=False)

    def run(self, tasks: list[Task]) -> Iterator[Row]:
        threads = max(1, sum(self.client.nthreads().values()))
        submitted = time.monotonic()
        futures = [self.client.submit(process, task, self.settings, pure=False) for task in tasks]
        timeout = self.settings.timeout
        deadlines = {f: submitted + timeout * (1 + k // threads) for k, f in enumerate(futures)} if timeout else {}
        remaining = dict(zip(futures, tasks))
        while remaining:
            for future, task in list(remaining.items()):
                if future.status == "finished":
                    del remaining[future]
                    yield future.result()
                elif future.status in {"error", "cancelled"}:
                    del remaining[future]
                    yield _failed(task, self.settings, "internal", f"{task.path}: the Dask task failed "
                                  f"({future.status})")
                elif timeout and time.monotonic() > deadlines[future]:
                    del remaining[future]
                    self.client.cancel(future)
                    yield _failed(task, self.settings, TimeoutError_.kind,
                                  f"{task.path}: took longer than {timeout:g} s (--timeout); cancelled",
                                  seconds=timeout)
            time.sleep(0.05)

    def close(self) -> None:
        self.client.close()


def _failed(task: Task, settings: Settings, kind: str, message: str, seconds: float = 0.0) -> Row:
    path = Path(task.path)
    return Row(file=task.path, output=task.output, sha256=sha256_of(path) if path.is_file() else "",
               status="failed", error_kind=kind, message=message, seconds=seconds, options=settings.fingerprint)


# -- the run ---------------------------------------------------------------------------------------

@dataclass
class BatchReport:
    rows: list[Row]
    interrupted: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def run_batch(inputs: Iterable[str], out_dir: Path | str, workers: int | None = None, force: bool = False,
              scheduler: str | None = None, progress: Callable[[Row, int, int], None] | None = None,
              db: Path | str | None = None, **options) -> BatchReport:
    """Extract every PDF of ``inputs`` into ``out_dir``; see the module docstring."""
    require_parquet(options.get("formats", ()))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings(out_dir=str(out), **options)
    rules = load_rules(settings.rules_dir)  # fail early (and once) on bad rules
    paths = collect_inputs(inputs)
    stems = output_stems(paths)
    previous = {row.file: row for row in read_manifest(out)}
    rows: dict[str, Row] = {}
    tasks: list[Task] = []
    for path in paths:
        reused = None if force else _still_valid(previous.get(str(path)), path, out, settings, rules.version)
        if reused is not None:
            reused.action = "reused"
            rows[str(path)] = reused
        else:
            tasks.append(Task(str(path), stems[path]))
    total = len(paths)
    done = len(rows)
    interrupted = False
    pool = None
    last_checkpoint = time.monotonic()
    try:
        if tasks:
            workers = workers or multiprocessing.cpu_count()
            pool = DaskPool(scheduler, settings) if scheduler else LocalPool(min(workers, len(tasks)), settings)
            for row in pool.run(tasks):
                row.rules_version = row.rules_version or rules.version  # rows made for killed tasks
                rows[row.file] = row
                done += 1
                if progress:
                    progress(row, done, total)
                if time.monotonic() - last_checkpoint > 5:  # a killed run still leaves a manifest
                    write_manifest(out, _ordered(rows, paths))
                    last_checkpoint = time.monotonic()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if pool is not None:
            pool.close()
    for path in paths:
        rows.setdefault(str(path), Row(file=str(path), output=stems[path], status="not_done",
                                       message="interrupted before this file was done", action=""))
    ordered = _ordered(rows, paths)
    write_manifest(out, ordered)
    write_combined(out, ordered, settings.formats)
    if db is not None:
        catalog_documents(out, ordered, db)
    counts: dict[str, int] = {}
    for row in ordered:
        counts[row.status] = counts.get(row.status, 0) + 1
    return BatchReport(rows=ordered, interrupted=interrupted, counts=counts)


def _ordered(rows: dict[str, Row], paths: list[Path]) -> list[Row]:
    return [rows[str(p)] for p in paths if str(p) in rows]


def _still_valid(row: Row | None, path: Path, out: Path, settings: Settings, rules_version: str) -> Row | None:
    """The previous row, if the file, the program, the rules and the options are all unchanged."""
    if row is None or row.status not in {"ok", "partial", "failed"}:
        return None
    if (row.program_version, row.rules_version, row.options) != (__version__, rules_version, settings.fingerprint):
        return None
    if row.sha256 != (sha256_of(path) if path.is_file() else ""):
        return None
    if row.status != "failed" and not (out / f"{row.output}.json").is_file():
        return None
    return row


# -- manifest and combined tables --------------------------------------------------------------

def write_manifest(out: Path, rows: list[Row]) -> None:
    data = [asdict(row) for row in rows]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(data)
    write_atomic(out / "manifest.csv", buffer.getvalue())
    write_atomic(out / "manifest.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def read_manifest(out: Path) -> list[Row]:
    path = out / "manifest.json"
    if not path.is_file():
        return []
    try:
        return [Row(**item) for item in json.loads(path.read_text(encoding="utf-8"))]
    except (ValueError, TypeError):
        return []  # an unreadable manifest only means nothing is reused


def _extractions(out: Path, rows: list[Row]) -> Iterator[tuple[Row, Extraction]]:
    for row in rows:
        path = out / f"{row.output}.json"
        if row.status in {"ok", "partial"} and path.is_file():
            yield row, Extraction.model_validate_json(path.read_text(encoding="utf-8"))


def write_combined(out: Path, rows: list[Row], formats: tuple[str, ...] = ("csv",)) -> None:
    """The tables of every extracted document together, with a ``document`` column: ``objectives.csv``,
    ``indicators.csv``, ``values.csv`` and their ``datapackage.json`` (csv); the same as Parquet."""
    combined: dict[str, list[dict]] = {name: [] for name in TABLES}
    for row, extraction in _extractions(out, rows):
        for name in TABLES:
            combined[name] += [{"document": row.output, **item} for item in table_rows(extraction, name)]
    if "csv" in formats:
        for name, table in TABLES.items():
            write_atomic(out / f"{name}.csv", to_csv(combined[name], with_document(table).names))
        write_data_package(out / "datapackage.json", out.name, {name: out / f"{name}.csv" for name in TABLES},
                           batch=True)
    if "parquet" in formats:
        for name, table in TABLES.items():
            write_parquet(out / f"{name}.parquet", with_document(table), combined[name])


def catalog_documents(out: Path, rows: list[Row], db: Path | str) -> None:
    """Store the documents extracted by this run (and any reused one the catalog lacks)."""
    with Catalog(db) as catalog:
        present = {row["document_id"] for row in catalog.documents()}
        wanted = [row for row in rows if row.action == "extracted" or row.sha256 not in present]
        for _, extraction in _extractions(out, wanted):
            catalog.store(extraction)
