"""Command line: a thin shell over ``api.py``. Errors are one line on stderr plus an exit code."""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import EXIT_CODES, OutputError, PlanExtractError

if TYPE_CHECKING:  # a command imports the stages it runs, when it runs
    from .readahead import EarlyReading
    from .rules import RuleSet

BACKEND_CHOICE = click.Choice(["pdfium", "pdfplumber"])
FORMAT_CHOICE = click.Choice(["csv", "parquet", "xlsx"])
DIALECT_CHOICE = click.Choice(["standard", "excel-it"])
T = TypeVar("T")


def _rules(rules_dir: Path | None) -> RuleSet:
    from .rules import load_rules

    return load_rules(rules_dir)


def _report(error: BaseException, debug: bool, subject: object = "") -> int:
    """Print one line for a failure (and the traceback with --debug); return its exit code."""
    if debug:
        traceback.print_exception(error)
    if isinstance(error, PlanExtractError):
        click.echo(f"error: {error}", err=True)
        return error.exit_code
    where = f"{subject}: " if subject else ""
    click.echo(f"error: {where}internal error: {type(error).__name__}: {error} "
               "(rerun with --debug for details)", err=True)
    return 1


def _memory_size(ctx: click.Context, param: click.Parameter, value: str) -> int | None:
    """--max-memory: a size such as 2G or 512M; 0 or none for no ceiling."""
    from .limits import parse_size

    if value.strip().lower() in {"0", "none", "off"}:
        return None
    try:
        return parse_size(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


MAX_MEMORY_OPTION = click.option(
    "--max-memory", default="2G", show_default=True, metavar="SIZE", callback=_memory_size,
    help="memory ceiling (e.g. 2G, 512M; 0 for none): a file that needs more, such as a decompression bomb, "
         "is refused with exit 18")


def _emit(text: str) -> None:
    """Write ``text`` to standard output; a full or closed stdout is an output error (exit 9)."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        # nothing more can go to this stdout, not even at exit: point it at /dev/null
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise OutputError(f"standard output: cannot write ({exc.strerror or exc})") from exc


def _guard(action: Callable[[], T], debug: bool) -> T:
    """Run ``action``; any failure becomes one line and an exit code."""
    try:
        return action()
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # noqa: BLE001
        sys.exit(_report(error, debug))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planextract")
def main() -> None:
    """Extract objectives and indicators from Italian plan PDFs (PAP, DUP) into JSON and CSV."""


@main.command()
@click.argument("pdfs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", default="output", show_default=True,
              help="output directory, or '-' to print the JSON of a single PDF on stdout")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=None,
              help="rules directory (default: the rules/ shipped with planextract)")
@click.option("--password", default="", help="password of an encrypted PDF")
@click.option("--backend", type=BACKEND_CHOICE, default="pdfium", show_default=True,
              help="PDF reader: pdfium (fast) or pdfplumber; both give the same extraction")
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help="refuse files with more pages")
@click.option("--format", "formats", type=FORMAT_CHOICE, multiple=True, default=("csv",), show_default=True,
              help="tables to write besides the JSON (repeat for both)")
@click.option("--csv-dialect", type=DIALECT_CHOICE, default="standard", show_default=True,
              help="standard: comma, UTF-8, decimal point (for programs); excel-it: ';', UTF-8 with BOM, decimal "
                   "comma, VERO/FALSO (Excel or Calc in an Italian locale)")
@click.option("--db", type=click.Path(path_type=Path), default=None, help="also store into this SQLite catalog")
@MAX_MEMORY_OPTION
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None,
              help="seconds allowed per file: a file that takes longer is stopped with exit 13")
@click.option("--read-ahead/--no-read-ahead", default=None,
              help="read pages in a second process while the first extracts (default: for plans of 64 pages "
                   "or more, on Linux with 2 cores or more)")
@click.option("--debug", is_flag=True, help="show tracebacks")
def extract(pdfs: tuple[Path, ...], output: str, rules_dir: Path | None, password: str, backend: str,
            max_pages: int | None, formats: tuple[str, ...], csv_dialect: str, db: Path | None,
            max_memory: int | None, timeout: float | None, read_ahead: bool | None, debug: bool) -> None:
    """Extract PDFS into OUTPUT/STEM.json, STEM.objectives.csv, STEM.indicators.csv, STEM.values.csv
    and STEM.datapackage.json (--format parquet: the tables as Parquet; --format xlsx: STEM.xlsx).

    \b
    Exit codes: 0 ok, 1 internal error, 2 usage, 3 file not found, 4 not a PDF,
    5 encrypted, 6 corrupt, 7 no text layer, 8 invalid rules, 9 cannot write output,
    10 empty file, 11 no pages, 12 too many pages (--max-pages), 13 took longer than --timeout,
    16 pyarrow missing, 18 too large to read within --max-memory.
    With several PDFs, every file is attempted; the exit code is that of the last failure.
    """
    if output == "-" and len(pdfs) != 1:
        raise click.UsageError("-o - prints one document: give exactly one PDF")
    from .limits import limit_memory
    from .readahead import start_reading

    limit_memory(max_memory)
    # the first file is opened and read by a child process while this one imports the later stages
    early = start_reading(pdfs[0], password, backend) if read_ahead is not False else None
    try:
        _extract_each(pdfs, output, rules_dir, password, backend, max_pages, formats, csv_dialect, db, timeout,
                      read_ahead, debug, early)
    finally:
        if early is not None:
            early.close()


def _extract_each(pdfs: tuple[Path, ...], output: str, rules_dir: Path | None, password: str, backend: str,
                  max_pages: int | None, formats: tuple[str, ...], csv_dialect: str, db: Path | None,
                  timeout: float | None, read_ahead: bool | None, debug: bool, early: EarlyReading | None) -> None:
    from .api import deliver
    from .api import extract as run_extract
    from .datapackage import require_parquet
    from .export import to_json
    from .limits import time_limit, too_large_on_memory_error

    _guard(lambda: require_parquet(formats), debug)
    rules = _guard(lambda: _rules(rules_dir), debug)
    status = 0
    for index, pdf in enumerate(pdfs):
        try:
            with too_large_on_memory_error(pdf), time_limit(timeout, pdf):
                extraction = run_extract(pdf, rules, password=password, backend=backend, max_pages=max_pages,
                                         read_ahead=read_ahead, early=early if index == 0 else None)
            paths = deliver(extraction, None if output == "-" else output, formats=formats, db=db,
                            csv_dialect=csv_dialect)
            if output == "-":
                _emit(to_json(extraction))
            else:
                click.echo(f"{pdf}: {extraction.document.kind}, {len(extraction.objectives)} objectives, "
                           f"{len(extraction.indicators)} indicators, {len(extraction.warnings)} warnings "
                           f"-> {paths['json']}", err=True)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except Exception as error:  # noqa: BLE001 (one bad file must not stop the others)
            status = _report(error, debug, pdf)
    sys.exit(status)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "output", default="output", show_default=True, type=click.Path(path_type=Path),
              help="output directory")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="worker processes (default: all cores)")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None, help="seconds allowed per file")
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help="refuse files with more pages")
@click.option("--force", is_flag=True, help="redo files already done with the same program, rules and options")
@click.option("--retry-failed", is_flag=True,
              help="also retry files that failed for a reason of their own (not a PDF, encrypted, corrupt, ...); "
                   "timeouts, dead workers and output errors are always retried")
@click.option("--scheduler", default=None, help="run on a Dask cluster, e.g. tcp://HOST:8786")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=None, help="rules directory")
@click.option("--password", default="", help="password for encrypted PDFs")
@click.option("--backend", type=BACKEND_CHOICE, default="pdfium", show_default=True)
@click.option("--format", "formats", type=FORMAT_CHOICE, multiple=True, default=("csv",), show_default=True,
              help="tables to write besides the JSON (repeat for both)")
@click.option("--csv-dialect", type=DIALECT_CHOICE, default="standard", show_default=True,
              help="standard (for programs) or excel-it (for an Italian spreadsheet), as for extract")
@click.option("--db", type=click.Path(path_type=Path), default=None, help="also store into this SQLite catalog")
@MAX_MEMORY_OPTION
@click.option("--debug", is_flag=True, help="show tracebacks")
def batch(inputs: tuple[str, ...], output: Path, workers: int | None, timeout: float | None, max_pages: int | None,
          force: bool, retry_failed: bool, scheduler: str | None, rules_dir: Path | None, password: str, backend: str,
          formats: tuple[str, ...], csv_dialect: str, db: Path | None, max_memory: int | None, debug: bool) -> None:
    """Extract every PDF of INPUTS (files, folders searched recursively, glob patterns) into OUTPUT.

    \b
    Per file the outputs of `extract`; plus OUTPUT/manifest.csv and manifest.json (one row per file:
    status ok/partial/failed, error, counts, seconds) and the combined OUTPUT/objectives.csv and
    OUTPUT/indicators.csv with a `document` column (--format xlsx: OUTPUT/batch.xlsx). A rerun skips what is already done (also after a
    kill: OUTPUT/journal.jsonl records each finished file) and retries timeouts and dead workers.
    Exit codes: 0 every file extracted, 9 OUTPUT cannot be written, 14 some files failed (see the
    manifest), 130 interrupted (Ctrl-C or SIGTERM).
    """
    from .batch import run_batch
    from .progress import BatchProgress

    def action() -> None:
        with BatchProgress() as progress:
            report = run_batch(inputs, output, workers=workers, force=force, retry_failed=retry_failed,
                               scheduler=scheduler,
                               progress=progress.update, db=db, rules_dir=str(rules_dir) if rules_dir else None,
                               backend=backend, password=password, max_pages=max_pages, timeout=timeout,
                               formats=tuple(sorted(set(formats))), csv_dialect=csv_dialect,
                               max_memory=max_memory)
        reused = sum(1 for row in report.rows if row.action == "reused")
        summary = ", ".join(f"{count} {status}" for status, count in sorted(report.counts.items()))
        click.echo(f"{len(report.rows)} files: {summary} ({reused} reused from an earlier run); "
                   f"manifest: {output / 'manifest.csv'}", err=True)
        if report.interrupted:
            click.echo("interrupted: the manifest lists what was done", err=True)
            sys.exit(130)
        sys.exit(14 if report.counts.get("failed") else 0)

    _guard(action, debug)


@main.command()
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=None, help="rules directory")
@click.option("--password", default="", help="password of an encrypted PDF")
@click.option("--blocks/--no-blocks", default=True, show_default=True, help="list every block and table row")
@click.option("--debug", is_flag=True, help="show tracebacks")
def explain(pdf: Path, rules_dir: Path | None, password: str, blocks: bool, debug: bool) -> None:
    """Show how PDF was read: profile chosen and why, furniture, pages, blocks and tables."""
    from .api import run
    from .explain import explain as explain_lines

    def action() -> None:
        lines = explain_lines(run(pdf, _rules(rules_dir), password=password, keep=True))
        if not blocks:
            start = lines.index("Blocks (page, position, what):")
            end = next(i for i, line in enumerate(lines) if line.startswith("Result:"))
            lines = lines[:start] + lines[end:]
        _emit("\n".join(lines) + "\n")

    _guard(action, debug)


@main.command()
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", default="output", show_default=True, type=click.Path(path_type=Path),
              help="directory for STEM.review.html")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=None, help="rules directory")
@click.option("--password", default="", help="password of an encrypted PDF")
@click.option("--backend", type=BACKEND_CHOICE, default="pdfium", show_default=True)
@click.option("--debug", is_flag=True, help="show tracebacks")
def review(pdf: Path, output: Path, rules_dir: Path | None, password: str, backend: str, debug: bool) -> None:
    """Write OUTPUT/STEM.review.html: the pages of PDF with every objective and indicator drawn
    where it was read, the extracted rows beside them (click a row to see its box) and the warnings."""
    from .api import extract as run_extract
    from .review import write_review

    def action() -> None:
        extraction = run_extract(pdf, _rules(rules_dir), password=password, backend=backend)
        path = write_review(extraction, pdf, output, password)
        click.echo(f"{pdf}: {len(extraction.objectives)} objectives, {len(extraction.indicators)} indicators "
                   f"-> {path}", err=True)

    _guard(action, debug)


@main.command()
@click.argument("old")
@click.argument("new")
@click.option("-o", "--output", "output", default="output/compare", show_default=True,
              type=click.Path(path_type=Path), help="directory for changes.json, changes.csv, report.html")
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="catalog: OLD and NEW may then be document ids (or their first characters)")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=None, help="rules directory")
@click.option("--backend", type=BACKEND_CHOICE, default="pdfium", show_default=True)
@click.option("--lang", type=click.Choice(["it", "en"]), default="it", show_default=True,
              help="language of the report and of the summary")
@click.option("--debug", is_flag=True, help="show tracebacks")
def compare(old: str, new: str, output: Path, db: Path | None, rules_dir: Path | None, backend: str,
            lang: str, debug: bool) -> None:
    """What changed from the OLD plan to the NEW one (each a PDF, an extraction JSON or a catalog id).

    Objectives and indicators added, removed and renumbered, and every field that changed, in
    OUTPUT/changes.json, OUTPUT/changes.csv and OUTPUT/report.html; a summary on the terminal.
    """
    from rich.console import Console
    from rich.table import Table

    from .api import compare as run_compare
    from .report import KINDS, LABELS, document_mismatches

    def action() -> None:
        comparison = run_compare(old, new, rules=_rules(rules_dir), db=db, out_dir=output, backend=backend,
                                 lang=lang)
        words = LABELS[lang]
        for line in document_mismatches(comparison, lang):
            click.echo(f"warning: {line}", err=True)
        table = Table(title=f"{old} → {new}")
        table.add_column("")
        for kind in KINDS:
            table.add_column(words[kind], justify="right")
        for group, counts in comparison.counts().items():
            table.add_row(words[group], *(str(counts.get(kind, 0)) for kind in KINDS))
        Console(stderr=True).print(table)
        click.echo(f"{len(comparison.changes)} {'modifiche' if lang == 'it' else 'changes'} -> "
                   f"{output / 'report.html'}", err=True)

    _guard(action, debug)


@main.command()
@click.option("--db", type=click.Path(path_type=Path, exists=True), required=True, help="SQLite catalog")
def documents(db: Path) -> None:
    """List the documents of a catalog (their ids are what `compare --db` takes)."""
    from .catalog import Catalog

    def action() -> None:
        with Catalog(db) as catalog:
            _emit("".join(_document_line(row) for row in catalog.documents()))

    _guard(action, False)


def _document_line(row: Any) -> str:
    period = f"{row['period_from'] or ''}-{row['period_to'] or ''}"
    return (f"{row['document_id'][:12]}  {row['kind']:7}  {period:9}  {row['objectives']:5} obj "
            f"{row['indicators']:6} ind  {row['file']}  {row['title'] or ''}\n")


@main.command()
def schema() -> None:
    """Print the JSON Schema of the extraction output."""
    from .models import json_schema

    _guard(lambda: _emit(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"), False)


@main.command("exit-codes")
def exit_codes() -> None:
    """List the exit codes and the problems they stand for."""
    lines = [f"{code}\t{kind}\n" for kind, code in sorted(EXIT_CODES.items(), key=lambda item: item[1])]
    _guard(lambda: _emit("".join(lines)), False)
