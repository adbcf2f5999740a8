"""Batch extraction: many PDFs, in parallel, resumable, never stopped by a bad file.

Each PDF is one task. A task runs in a worker process (a local pool, or the workers of a Dask
cluster) and writes the same outputs as ``extract``; the parent keeps ``manifest.csv`` /
``manifest.json`` (one row per file: status, error, counts, seconds) and, at the end, the combined
``objectives.csv`` and ``indicators.csv`` with a ``document`` column.

Every row a worker sends back is first appended to ``journal.jsonl`` (see ``journal.py``), so a
run killed without warning loses nothing it finished. A rerun skips every file whose content hash,
rules version, program version and options are those of its row in the previous manifest or
journal, unless ``force``; a failure that may go right next time (``RETRIED_KINDS``: a timeout, a
worker that died, memory or disk trouble) is tried again, any other only with ``retry_failed``.

File names that are not UTF-8 (Python carries their bytes as lone surrogates) are written in the
manifest, and their outputs named, with each such byte as ``\\xHH`` (see ``printable``).
"""

from __future__ import annotations

import csv
import glob
import hashlib
import io
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .contract import TABLES, table_rows, with_document
from .datapackage import require_parquet, write_data_package, write_parquet
from .errors import InputNotFoundError, OutputError, PlanExtractError, TimeoutError_
from .export import CSV_DIALECTS, to_csv, write_atomic
from .journal import Journal, read_journal
from .limits import DEFAULT_MAX_MEMORY, limit_memory
from .models import Extraction
from .parse import sha256_of
from .rules import RuleSet, load_rules

if TYPE_CHECKING:  # the pool's and the catalog's modules are imported when a batch uses them
    import multiprocessing
    from multiprocessing.connection import Connection

MANIFEST_COLUMNS = ["file", "output", "sha256", "status", "error_kind", "message", "pages", "objectives",
                    "indicators", "warnings", "seconds", "action", "program_version", "rules_version", "options"]
READING_WARNINGS = {"unknown_template", "no_text_layer", "orphan_table", "unreadable_row", "damaged_pdf"}
WORKER_DIED = "worker_died"
OUT_OF_MEMORY = "out_of_memory"
RETRIED_KINDS = frozenset({TimeoutError_.kind, WORKER_DIED, OUT_OF_MEMORY, OutputError.kind})
"""Failures that say more about the machine at the time than about the file: a rerun tries them again."""
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


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
    csv_dialect: str = "standard"
    max_memory: int | None = DEFAULT_MAX_MEMORY   # per worker; not in the fingerprint

    @property
    def fingerprint(self) -> str:
        """The options that change a result (not the timeout: a finished file is finished)."""
        return (f"backend={self.backend};max_pages={self.max_pages};password={'yes' if self.password else 'no'};"
                f"formats={','.join(sorted(self.formats))};csv_dialect={self.csv_dialect}")


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


def printable(text: str) -> str:
    """``text`` safe to write as UTF-8: each byte of a file name that is not UTF-8 (which Python
    carries as a lone surrogate, "surrogateescape") becomes the four characters ``\\xHH``."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that does not stand for a byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def output_stems(paths: list[Path]) -> dict[Path, str]:
    """One output name per input: the file's stem (``printable``), with a short hash of its path
    where stems collide."""
    stems: dict[Path, str] = {}
    taken: set[str] = set()
    for path in paths:
        stem = printable(path.stem)
        salt = 0
        while stem in taken:
            digest = hashlib.sha256(os.fsencode(path) + (b"#%d" % salt if salt else b"")).hexdigest()[:8]
            stem, salt = f"{printable(path.stem)}-{digest}", salt + 1
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
    row = Row(file=printable(task.path), output=task.output, options=settings.fingerprint)
    try:
        rules = _RULES_CACHE.get(settings.rules_dir)
        if rules is None:
            rules = _RULES_CACHE[settings.rules_dir] = load_rules(settings.rules_dir)
        row.rules_version = rules.version
        path = Path(task.path)
        row.sha256 = sha256_of(path) if path.is_file() else ""
        result = run_pipeline(path, rules, password=settings.password, backend=settings.backend,
                              max_pages=settings.max_pages, read_ahead=False)  # the workers use every core
        extraction = result.extraction
        extraction.source.file = printable(extraction.source.file)
        write_outputs(extraction, Path(settings.out_dir), task.output, settings.formats, settings.csv_dialect)
        _fill(row, extraction)
    except PlanExtractError as error:
        row.status, row.error_kind, row.message = "failed", error.kind, printable(str(error))
    except MemoryError:
        row.status, row.error_kind, row.message = "failed", OUT_OF_MEMORY, f"{row.file}: ran out of memory"
    except Exception as error:  # noqa: BLE001 (a bug must not stop the batch: it is reported)
        row.status, row.error_kind = "failed", "internal"
        row.message = printable(f"{row.file}: internal error: {type(error).__name__}: {error}")
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


def _die_with_parent(parent: int) -> None:
    """A worker must not outlive its batch (a ``kill -9`` of the parent would leave it writing): on
    Linux the kernel kills it when the parent dies; everywhere, a thread watches the parent's pid."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass  # the watching thread is enough
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="watch-parent").start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:  # once the parent is gone, the worker belongs to another process
        time.sleep(0.5)
    os._exit(1)


def _worker_main(connection: Connection, settings: Settings, parent: int) -> None:
    """A local worker: warms up, says it is ready, then tasks in, rows out, until told to stop (None)."""
    _die_with_parent(parent)
    limit_memory(settings.max_memory)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops the workers
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
        import multiprocessing

        self.settings = settings
        self.context = multiprocessing.get_context("spawn")  # no inherited state, same on every OS
        self.ready: set[int] = set()
        self.busy: dict[int, tuple[Task, float]] = {}  # worker index -> its task, when it started
        self.workers = [self._start() for _ in range(max(1, workers))]

    def _start(self) -> tuple[multiprocessing.Process, Connection]:
        parent, child = self.context.Pipe()
        process_ = self.context.Process(target=_worker_main, args=(child, self.settings, os.getpid()),
                                        daemon=True)
        process_.start()
        child.close()
        return process_, parent

    def run(self, tasks: list[Task]) -> Iterator[Row]:
        from multiprocessing.connection import wait

        pending = list(reversed(tasks))
        busy = self.busy
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
                    how = _how_it_died(self.workers[index][0])
                    self._replace(index)
                    if index in busy:
                        task, started = busy.pop(index)
                        yield _failed(task, self.settings, WORKER_DIED, f"{printable(task.path)}: {how}",
                                      seconds=round(time.monotonic() - started, 3))
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
                    message = f"{printable(task.path)}: took longer than {timeout:g} s (--timeout); stopped"
                    yield _failed(task, self.settings, TimeoutError_.kind, message, seconds=timeout)

    def _replace(self, index: int) -> None:
        process_, connection = self.workers[index]
        process_.kill()
        process_.join()
        connection.close()
        self.ready.discard(index)
        self.workers[index] = self._start()

    def close(self) -> None:
        """Idle workers stop when told; busy ones (after an interrupt) are killed."""
        for index, (process_, connection) in enumerate(self.workers):
            try:
                connection.send(None)
            except (OSError, ValueError):
                pass
            if index in self.busy:
                process_.kill()
        deadline = time.monotonic() + 2
        for process_, connection in self.workers:
            process_.join(timeout=max(0.0, deadline - time.monotonic()))
            if process_.is_alive():
                process_.kill()
                process_.join()
            connection.close()


def _how_it_died(process_: multiprocessing.Process) -> str:
    process_.join(timeout=1)
    code = process_.exitcode
    if code is None:
        return "the worker process stopped answering"
    if code >= 0:
        return f"the worker process died (exit code {code})"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    hint = ", e.g. by the kernel when memory runs out" if -code == signal.SIGKILL else ""
    return f"the worker process was killed by {name}{hint}"


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
                    yield _failed(task, self.settings, WORKER_DIED, f"{printable(task.path)}: the Dask task "
                                  f"failed ({future.status})")
                elif timeout and time.monotonic() > deadlines[future]:
                    del remaining[future]
                    self.client.cancel(future)
                    yield _failed(task, self.settings, TimeoutError_.kind,
                                  f"{printable(task.path)}: took longer than {timeout:g} s (--timeout); cancelled",
                                  seconds=timeout)
            time.sleep(0.05)

    def close(self) -> None:
        self.client.close()


def _failed(task: Task, settings: Settings, kind: str, message: str, seconds: float = 0.0) -> Row:
    path = Path(task.path)
    return Row(file=printable(task.path), output=task.output, sha256=sha256_of(path) if path.is_file() else "",
               status="failed", error_kind=kind, message=message, seconds=seconds, options=settings.fingerprint)


# -- the run ---------------------------------------------------------------------------------------

@dataclass
class BatchReport:
    rows: list[Row]
    interrupted: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def run_batch(inputs: Iterable[str], out_dir: Path | str, workers: int | None = None, force: bool = False,
              scheduler: str | None = None, progress: Callable[[Row, int, int], None] | None = None,
              db: Path | str | None = None, retry_failed: bool = False, **options: Any) -> BatchReport:
    """Extract every PDF of ``inputs`` into ``out_dir``; see the module docstring. SIGTERM
    interrupts the run as Ctrl-C does (``BatchReport.interrupted``)."""
    require_parquet(options.get("formats", ()))
    out = Path(out_dir)
    settings = Settings(out_dir=str(out), **options)
    with _sigterm_as_interrupt():
        rules = load_rules(settings.rules_dir)  # fail early (and once) on bad rules
        paths = collect_inputs(inputs)
        stems = output_stems(paths)
        journal = _open_output(out)
        try:
            rows, tasks = _plan(paths, stems, out, settings, rules.version, force, retry_failed)
            interrupted = _extract(tasks, rows, len(paths), rules.version, journal,
                                   _pool_factory(settings, workers, scheduler), progress)
            for path in paths:
                rows.setdefault(stems[path], Row(file=printable(str(path)), output=stems[path], status="not_done",
                                                 message="interrupted before this file was done", action=""))
            ordered = [rows[stems[path]] for path in paths]
            write_manifest(out, ordered)
            journal.remove()  # every row it holds is in the manifest now
        finally:
            journal.close()
        write_combined(out, ordered, settings.formats, settings.csv_dialect)
        if db is not None:
            catalog_documents(out, ordered, db)
    counts: dict[str, int] = {}
    for row in ordered:
        counts[row.status] = counts.get(row.status, 0) + 1
    return BatchReport(rows=ordered, interrupted=interrupted, counts=counts)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, systemd, ``docker stop``) stops the batch as Ctrl-C does, so the manifest
    is written; a second SIGTERM ends the process at once (the journal keeps what was finished)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set signal handlers
        return

    def interrupt(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _open_output(out: Path) -> Journal:
    """The output folder, made if need be, and its journal; an ``OutputError`` (exit 9) naming the
    folder when it is a file or cannot be made or written to."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{printable(str(out))}: cannot write output (not a folder)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{printable(str(out))}: cannot write output ({exc.strerror})") from exc
    return Journal(out)


def _plan(paths: list[Path], stems: dict[Path, str], out: Path, settings: Settings, rules_version: str,
          force: bool, retry_failed: bool) -> tuple[dict[str, Row], list[Task]]:
    """The rows reused from earlier runs (by output stem) and the tasks for the other files."""
    previous = {} if force else _previous_rows(out)
    rows: dict[str, Row] = {}
    tasks: list[Task] = []
    for path in paths:
        row = _still_valid(previous.get(printable(str(path))), path, out, settings, rules_version, retry_failed)
        if row is not None:
            row.action = "reused"
            rows[stems[path]] = row
        else:
            tasks.append(Task(str(path), stems[path]))
    return rows, tasks


def _previous_rows(out: Path) -> dict[str, Row]:
    """The rows of earlier runs by file: the manifest's, then the journal's (a later line wins)."""
    previous = {row.file: row for row in read_manifest(out)}
    for item in read_journal(out):
        try:
            row = Row(**item)
        except TypeError:
            continue  # not a row of this program version
        previous[row.file] = row
    return previous


Pool = LocalPool | DaskPool


def _pool_factory(settings: Settings, workers: int | None, scheduler: str | None) -> Callable[[int], Pool]:
    """Makes the pool for a number of tasks (no more local workers than tasks)."""
    def make(tasks: int) -> Pool:
        if scheduler:
            return DaskPool(scheduler, settings)
        return LocalPool(min(workers or os.cpu_count() or 1, tasks), settings)
    return make


def _extract(tasks: list[Task], rows: dict[str, Row], total: int, rules_version: str, journal: Journal,
             make_pool: Callable[[int], Pool], progress: Callable[[Row, int, int], None] | None) -> bool:
    """Run the tasks into ``rows`` (by output stem), each row journaled as it comes; True when interrupted."""
    if not tasks:
        return False
    pool = None
    try:
        pool = make_pool(len(tasks))
        for row in pool.run(tasks):
            row.rules_version = row.rules_version or rules_version  # rows made for killed tasks
            rows[row.output] = row
            journal.append(asdict(row))
            if progress:
                progress(row, len(rows), total)
    except KeyboardInterrupt:
        return True
    finally:
        if pool is not None:
            pool.close()
    return False


def _still_valid(row: Row | None, path: Path, out: Path, settings: Settings, rules_version: str,
                 retry_failed: bool = False) -> Row | None:
    """The previous row, if the file, the program, the rules and the options are all unchanged and
    it is not a failure to try again."""
    if row is None or row.status not in {"ok", "partial", "failed"}:
        return None
    if row.status == "failed" and (retry_failed or row.error_kind in RETRIED_KINDS):
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


def write_combined(out: Path, rows: list[Row], formats: tuple[str, ...] = ("csv",),
                   csv_dialect: str = "standard") -> None:
    """The tables of every extracted document together, with a ``document`` column: ``objectives.csv``,
    ``indicators.csv``, ``values.csv`` and their ``datapackage.json`` (csv); the same as Parquet;
    one workbook ``batch.xlsx`` (xlsx)."""
    from .workbook import write_workbook

    combined: dict[str, list[dict]] = {name: [] for name in TABLES}
    documents = {row.output: extraction for row, extraction in _extractions(out, rows)}
    for output, extraction in documents.items():
        for name in TABLES:
            combined[name] += [{"document": output, **item} for item in table_rows(extraction, name)]
    if "csv" in formats:
        for name, table in TABLES.items():
            write_atomic(out / f"{name}.csv", to_csv(combined[name], with_document(table).names, csv_dialect))
        write_data_package(out / "datapackage.json", out.name, {name: out / f"{name}.csv" for name in TABLES},
                           batch=True, dialect=CSV_DIALECTS[csv_dialect])
    if "parquet" in formats:
        for name, table in TABLES.items():
            write_parquet(out / f"{name}.parquet", with_document(table), combined[name])
    if "xlsx" in formats:
        write_workbook(out / "batch.xlsx", documents)


def catalog_documents(out: Path, rows: list[Row], db: Path | str) -> None:
    """Store the documents extracted by this run (and any reused one the catalog lacks)."""
    from .catalog import Catalog

    with Catalog(db) as catalog:
        present = {row["document_id"] for row in catalog.documents()}
        wanted = [row for row in rows if row.action == "extracted" or row.sha256 not in present]
        for _, extraction in _extractions(out, wanted):
            catalog.store(extraction)
