"""Batch extraction: mixed good and bad files, statuses, manifest, combined tables, resume, timeouts,
retries, kills, signals, file names that are not UTF-8, output folders that cannot be written."""

from __future__ import annotations

import csv
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

import badpdfs
from conftest import ROOT, SAMPLES
from pipeline.batch import collect_inputs, output_stems, run_batch
from pipeline.cli import main
from pipeline.journal import JOURNAL_NAME, read_journal

FAULTS = Path(__file__).resolve().parent / "faults"
TIMEOUT = 15  # seconds: far above a second of normal work per file, and a hanging file never ends


def fault_env(faults: dict[str, str]) -> dict[str, str]:
    """The environment for batch workers that hang, die or run out of memory on the files named
    in ``faults`` (see faults/sitecustomize.py)."""
    path = os.pathsep.join(filter(None, [str(FAULTS), str(ROOT), os.environ.get("PYTHONPATH")]))
    return {"PYTHONPATH": path, "PLANEXTRACT_TEST_FAULTS": json.dumps(faults)}


@contextmanager
def faulty_workers(faults: dict[str, str]) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in fault_env(faults).items():
            patch.setenv(name, value)
        yield


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed")
    for name in ("pap-2022-2024.pdf", "dup-2022-2024.pdf"):
        shutil.copy(SAMPLES / name, folder / name)
    (folder / "copies").mkdir()
    shutil.copy(SAMPLES / "dup-2022-2024.pdf", folder / "copies" / "dup-2022-2024.pdf")  # same stem, other folder
    shutil.copy(badpdfs.scanned(), folder / "scan.pdf")
    for build in (badpdfs.not_a_pdf, badpdfs.empty, badpdfs.truncated, badpdfs.garbage, badpdfs.encrypted,
                  badpdfs.zero_pages):
        build(folder)
    badpdfs.many_pages(folder, 150)  # over --max-pages 100
    shutil.copy(SAMPLES / "dup-2022-2024.pdf", folder / "hang.pdf")  # hangs in faulty_workers: past any --timeout
    return folder


COMBINED = {"manifest.json", "datapackage.json"}  # rewritten by every run, unlike each document's outputs
EXPECTED = {  # file -> (status, error kind)
    "pap-2022-2024.pdf": ("ok", ""), "dup-2022-2024.pdf": ("ok", ""), "copies/dup-2022-2024.pdf": ("ok", ""),
    "scan.pdf": ("failed", "no_text_layer"), "notes.pdf": ("failed", "not_a_pdf"),
    "empty.pdf": ("failed", "empty_file"), "truncated.pdf": ("failed", "corrupt"),
    "garbage.pdf": ("failed", "corrupt"), "encrypted.pdf": ("failed", "encrypted"),
    "zero-pages.pdf": ("failed", "no_pages"), "many-pages.pdf": ("failed", "too_many_pages"),
    "hang.pdf": ("failed", "timeout"),
}


@pytest.fixture(scope="module")
def first_run(mixed_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch-out")
    with faulty_workers({"hang.pdf": "hang"}):
        result = CliRunner().invoke(main, ["batch", str(mixed_folder), "-o", str(out), "--workers", "2",
                                           "--max-pages", "100", "--timeout", str(TIMEOUT)])
    return out, result


def manifest(out):
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_file_gets_its_status(first_run, mixed_folder):
    out, result = first_run
    assert result.exit_code == 14, result.output  # some files failed: listed in the manifest
    rows = {str(Path(r["file"]).relative_to(mixed_folder)): r for r in manifest(out)}
    assert {name: (row["status"], row["error_kind"]) for name, row in rows.items()} == EXPECTED
    assert all(row["message"].startswith(row["file"]) for row in rows.values() if row["status"] == "failed")
    assert rows["pap-2022-2024.pdf"]["indicators"] == "54" and rows["pap-2022-2024.pdf"]["pages"] == "23"
    assert f"took longer than {TIMEOUT} s" in rows["hang.pdf"]["message"]


def test_outputs_manifest_and_combined_tables(first_run):
    out, _ = first_run
    rows = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    outputs = {row["output"] for row in rows if row["status"] == "ok"}
    assert len(outputs) == 3  # the two dup-2022-2024.pdf got distinct output names
    for stem in outputs:
        assert {(out / f"{stem}{suffix}").is_file() for suffix in (".json", ".objectives.csv", ".indicators.csv")} == {True}
    with (out / "indicators.csv").open(encoding="utf-8") as handle:
        indicators = list(csv.DictReader(handle))
    assert len(indicators) == 54 and {row["document"] for row in indicators} == {"pap-2022-2024"}
    with (out / "objectives.csv").open(encoding="utf-8") as handle:
        objectives = list(csv.DictReader(handle))
    assert len(objectives) == 29 + 11 + 11
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*"))  # no half-written files


def test_a_second_run_only_retries_the_timeout(first_run, mixed_folder):
    out, _ = first_run
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.json") if p.name not in COMBINED}
    result = CliRunner().invoke(main, ["batch", str(mixed_folder), "-o", str(out), "--workers", "2",
                                       "--max-pages", "100", "--timeout", str(TIMEOUT)])  # the file no longer hangs
    assert result.exit_code == 14  # the files that cannot be read are still failed (and not retried)
    rows = {Path(row["file"]).name: row for row in manifest(out)}
    hang = rows.pop("hang.pdf")
    assert (hang["status"], hang["action"]) == ("ok", "extracted")
    assert {row["action"] for row in rows.values()} == {"reused"}
    after = {p.name: p.stat().st_mtime_ns for p in out.glob("*.json") if p.name not in COMBINED}
    assert {name: mtime for name, mtime in after.items() if not name.startswith("hang.")} == before
    assert "11 reused from an earlier run" in result.stderr


def test_changed_options_or_force_redo_the_work(mixed_folder, tmp_path):
    pdf = mixed_folder / "dup-2022-2024.pdf"
    run_batch([str(pdf)], tmp_path, workers=1)
    assert run_batch([str(pdf)], tmp_path, workers=1).rows[0].action == "reused"
    assert run_batch([str(pdf)], tmp_path, workers=1, force=True).rows[0].action == "extracted"
    assert run_batch([str(pdf)], tmp_path, workers=1, backend="pdfplumber").rows[0].action == "extracted"


def test_an_interrupted_run_says_what_was_done_and_resumes(mixed_folder, tmp_path):
    files = [str(mixed_folder / "dup-2022-2024.pdf"), str(mixed_folder / "pap-2022-2024.pdf")]

    def stop_after_first(row, done, total):
        raise KeyboardInterrupt

    report = run_batch(files, tmp_path, workers=1, progress=stop_after_first)
    assert report.interrupted
    assert [row.status for row in report.rows] == ["ok", "not_done"]
    resumed = run_batch(files, tmp_path, workers=1)
    assert [(row.status, row.action) for row in resumed.rows] == [("ok", "reused"), ("ok", "extracted")]


def test_inputs_are_files_folders_and_globs(mixed_folder):
    found = collect_inputs([str(mixed_folder / "copies"), str(mixed_folder / "pap-*.pdf"),
                            str(mixed_folder / "pap-2022-2024.pdf")])
    assert [p.name for p in found] == ["dup-2022-2024.pdf", "pap-2022-2024.pdf"]
    stems = output_stems(collect_inputs([str(mixed_folder)]))
    assert sorted(s for s in stems.values() if s.startswith("dup-2022-2024")) == sorted(
        ["dup-2022-2024", next(s for s in stems.values() if s.startswith("dup-2022-2024-"))])


def test_a_missing_input_is_an_error(tmp_path):
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "nowhere"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 3 and "no such file, folder or matching files" in result.stderr


@pytest.mark.parametrize("build, code", [(badpdfs.zero_pages, 11), (lambda d: badpdfs.many_pages(d, 40), 12)])
def test_extract_reports_page_problems(tmp_path, build, code):
    result = CliRunner().invoke(main, ["extract", str(build(tmp_path)), "-o", "-", "--max-pages", "30"])
    assert result.exit_code == code and result.stderr.count("\n") == 1


def test_the_same_batch_on_a_dask_cluster(mixed_folder, tmp_path):
    distributed = pytest.importorskip("distributed")
    files = [str(mixed_folder / name) for name in ("dup-2022-2024.pdf", "notes.pdf", "encrypted.pdf")]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        report = run_batch(files, tmp_path, scheduler=cluster.scheduler_address)
    assert [(row.status, row.error_kind) for row in report.rows] == [
        ("ok", ""), ("failed", "encrypted"), ("failed", "not_a_pdf")]
    assert (tmp_path / "dup-2022-2024.json").is_file() and (tmp_path / "manifest.csv").is_file()


# -- retries -----------------------------------------------------------------------------------

def test_failures_of_the_moment_are_retried_on_a_rerun(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("died.pdf", "oom.pdf", "disk.pdf", "fine.pdf"):
        shutil.copy(SAMPLES / "dup-2022-2024.pdf", folder / name)
    out = tmp_path / "out"
    (out / "disk.json").mkdir(parents=True)  # its JSON cannot be written, as on a full disk
    with faulty_workers({"died.pdf": "die", "oom.pdf": "oom"}):
        first = {Path(row.file).name: row for row in run_batch([str(folder)], out, workers=2).rows}
    assert {name: (row.status, row.error_kind) for name, row in first.items()} == {
        "died.pdf": ("failed", "worker_died"), "oom.pdf": ("failed", "out_of_memory"),
        "disk.pdf": ("failed", "output"), "fine.pdf": ("ok", "")}
    assert "killed by SIGKILL" in first["died.pdf"].message and "memory" in first["oom.pdf"].message
    (out / "disk.json").rmdir()
    second = {Path(row.file).name: (row.status, row.action) for row in run_batch([str(folder)], out).rows}
    assert second == {"died.pdf": ("ok", "extracted"), "oom.pdf": ("ok", "extracted"),
                      "disk.pdf": ("ok", "extracted"), "fine.pdf": ("ok", "reused")}


def test_failures_of_the_file_are_retried_only_when_asked(mixed_folder, tmp_path):
    files = [str(mixed_folder / name) for name in ("notes.pdf", "encrypted.pdf", "dup-2022-2024.pdf")]

    def batch(*extra: str) -> dict[str, tuple[str, str]]:
        result = CliRunner().invoke(main, ["batch", *files, "-o", str(tmp_path), "--workers", "1", *extra])
        assert result.exit_code == 14, result.output
        return {Path(row["file"]).name: (row["status"], row["action"]) for row in manifest(tmp_path)}

    batch()
    assert batch() == {"notes.pdf": ("failed", "reused"), "encrypted.pdf": ("failed", "reused"),
                       "dup-2022-2024.pdf": ("ok", "reused")}
    assert batch("--retry-failed") == {"notes.pdf": ("failed", "extracted"), "encrypted.pdf": ("failed", "extracted"),
                                       "dup-2022-2024.pdf": ("ok", "reused")}


# -- file names that are not UTF-8 -------------------------------------------------------------

def test_a_file_name_that_is_not_utf8_is_extracted_and_recorded_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    try:
        latin1 = folder / os.fsdecode(b"citt\xe0.pdf")  # "città" in Latin-1
        shutil.copy(SAMPLES / "dup-2022-2024.pdf", latin1)
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses file names that are not UTF-8")
    shutil.copy(SAMPLES / "dup-2022-2024.pdf", folder / "ok.pdf")
    out = tmp_path / "out"
    for action in ("extracted", "reused"):
        result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(out), "--workers", "1"])
        assert result.exit_code == 0, result.output
        rows = {row["file"]: row for row in manifest(out)}
        assert set(rows) == {f"{folder}/citt\\xe0.pdf", f"{folder}/ok.pdf"}
        escaped = rows[f"{folder}/citt\\xe0.pdf"]
        assert (escaped["status"], escaped["output"], escaped["action"]) == ("ok", "citt\\xe0", action)
    extraction = json.loads((out / "citt\\xe0.json").read_text(encoding="utf-8"))
    assert extraction["source"]["file"] == "citt\\xe0.pdf"
    with (out / "objectives.csv").open(encoding="utf-8") as handle:
        assert {row["document"] for row in csv.DictReader(handle)} == {"citt\\xe0", "ok"}


# -- output folders that cannot be written -----------------------------------------------------

def _without_dac_override() -> None:
    """(In the child, before exec) root loses the right to write where the permissions say no."""
    if os.geteuid() == 0:
        ctypes.CDLL(None, use_errno=True).prctl(24, 1)  # PR_CAPBSET_DROP, CAP_DAC_OVERRIDE


def _run_unprivileged(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], check=False, capture_output=True, text=True, timeout=300,
                          preexec_fn=_without_dac_override, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("where", ["file", "under a file", "read-only", "under read-only"])
def test_an_output_folder_that_cannot_be_written_is_exit_9(tmp_path, where):
    blocker = tmp_path / ("file" if "file" in where else "read-only")
    if "file" in where:
        blocker.write_text("not a folder\n", encoding="utf-8")
    else:
        blocker.mkdir(mode=0o555)
        probe = _run_unprivileged("-c", "import sys; open(sys.argv[1] + '/probe', 'w')", str(blocker))
        if probe.returncode == 0:
            pytest.skip("cannot make a read-only folder here")
    out = blocker if where in {"file", "read-only"} else blocker / "sub"
    result = _run_unprivileged("-m", "pipeline", "batch", str(SAMPLES / "dup-2022-2024.pdf"), "-o", str(out))
    assert result.returncode == 9, result.stderr
    assert result.stderr.startswith(f"error: {out}: cannot write output (") and result.stderr.count("\n") == 1


# -- kills and signals ---------------------------------------------------------------------------

def _plans(folder: Path, count: int) -> list[Path]:
    """``count`` small plans, copies of the samples."""
    folder.mkdir()
    samples = sorted(SAMPLES.glob("*.pdf")) + sorted((SAMPLES / "templates").glob("*.pdf"))
    paths = [folder / f"plan-{number:02d}.pdf" for number in range(1, count + 1)]
    for path, sample in zip(paths, samples * count):
        shutil.copy(sample, path)
    return paths


@contextmanager
def _batch_process(folder: Path, out: Path, hanging: list[Path], log: Path) -> Iterator[subprocess.Popen]:
    """``planextract batch FOLDER -o OUT`` in a process group of its own, whose workers hang on the
    files ``hanging``; whatever of the group is left at the end (a failed test) is killed."""
    env = {**os.environ, **fault_env({path.name: "hang" for path in hanging})}
    with log.open("a", encoding="utf-8") as handle:
        batch = subprocess.Popen([sys.executable, "-m", "pipeline", "batch", str(folder), "-o", str(out),
                                  "--workers", "2"], env=env, stdout=handle, stderr=handle, start_new_session=True)
    try:
        yield batch
    finally:
        try:
            os.killpg(batch.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        batch.wait()


def _wait_for(condition: Callable[[], bool], what: str, deadline: float = 180) -> None:
    """Poll ``condition`` until true (the deadline is only there to end a broken test)."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < deadline, f"still waiting for {what} after {deadline} s"
        time.sleep(0.05)


def _journaled(out: Path) -> list[str]:
    return [row["file"] for row in read_journal(out)]


def _gone(processes: list) -> bool:
    import psutil

    def alive(process: psutil.Process) -> bool:
        try:
            return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False
    return not any(alive(process) for process in processes)


def _stop(batch: subprocess.Popen, how: signal.Signals) -> tuple[list, int]:
    """Send ``how`` to a batch; its child processes (found before) and its exit status."""
    import psutil

    children = psutil.Process(batch.pid).children(recursive=True)
    assert children, "the batch has no worker processes"
    batch.send_signal(how)
    return children, batch.wait(timeout=120)


def test_a_batch_killed_at_any_moment_loses_nothing_it_finished(tmp_path):
    pytest.importorskip("psutil")
    paths = _plans(tmp_path / "in", 12)
    out, log = tmp_path / "out", tmp_path / "batch.log"
    written: dict[str, int] = {}  # file -> mtime of its JSON when the kill came
    for finished in (1, 6, 11):  # the first files are done, the workers hang on the next ones
        with _batch_process(paths[0].parent, out, paths[finished:], log) as batch:
            _wait_for(lambda count=finished: len(_journaled(out)) >= count, f"{finished} files in the journal")
            children, status = _stop(batch, signal.SIGKILL)
            assert status == -signal.SIGKILL
            _wait_for(lambda gone=children: _gone(gone), "the workers of the killed batch to end", deadline=20)
        journaled = _journaled(out)
        assert sorted(journaled) == [str(path) for path in paths[:finished]], log.read_text()  # each file once
        for row in read_journal(out):
            written.setdefault(row["file"], (out / f"{row['output']}.json").stat().st_mtime_ns)
    report = run_batch([str(paths[0].parent)], out, workers=2)
    assert [(Path(row.file).name, row.status, row.action) for row in report.rows] == [
        (path.name, "ok", "reused" if index < 11 else "extracted") for index, path in enumerate(paths)]
    assert {row.file: (out / f"{row.output}.json").stat().st_mtime_ns for row in report.rows[:11]} == written
    assert not (out / JOURNAL_NAME).exists()  # the manifest holds everything now


def test_sigterm_stops_a_batch_like_ctrl_c(tmp_path):
    pytest.importorskip("psutil")
    paths = _plans(tmp_path / "in", 4)
    out, log = tmp_path / "out", tmp_path / "batch.log"
    with _batch_process(paths[0].parent, out, paths[2:], log) as batch:
        _wait_for(lambda: len(_journaled(out)) >= 2, "2 files in the journal")
        children, status = _stop(batch, signal.SIGTERM)
        assert status == 130, log.read_text()
        assert "interrupted" in log.read_text()
        _wait_for(lambda: _gone(children), "the workers of the stopped batch to end", deadline=20)
    rows = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [row["status"] for row in rows] == ["ok", "ok", "not_done", "not_done"]
    assert not (out / JOURNAL_NAME).exists()
    report = run_batch([str(paths[0].parent)], out, workers=2)
    assert [row.action for row in report.rows] == ["reused", "reused", "extracted", "extracted"]


def test_a_journal_line_cut_short_by_a_kill_is_skipped(tmp_path):
    from pipeline.journal import Journal

    (tmp_path / JOURNAL_NAME).write_bytes(b'{"file": "a.pdf"}\n{"file": "b.p')  # killed while writing b
    journal = Journal(tmp_path)
    journal.append({"file": "c.pdf"})
    journal.close()
    assert read_journal(tmp_path) == [{"file": "a.pdf"}, {"file": "c.pdf"}]
