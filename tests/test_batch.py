"""Batch extraction: mixed good and bad files, statuses, manifest, combined tables, resume, timeouts."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import badpdfs
from conftest import SAMPLES
from pipeline.batch import collect_inputs, output_stems, run_batch
from pipeline.cli import main


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
    badpdfs.many_pages(folder, 90, "slow.pdf", lines=60)  # within the page limit, but seconds of work
    return folder


COMBINED = {"manifest.json", "datapackage.json"}  # rewritten by every run, unlike each document's outputs
EXPECTED = {  # file -> (status, error kind)
    "pap-2022-2024.pdf": ("ok", ""), "dup-2022-2024.pdf": ("ok", ""), "copies/dup-2022-2024.pdf": ("ok", ""),
    "scan.pdf": ("failed", "no_text_layer"), "notes.pdf": ("failed", "not_a_pdf"),
    "empty.pdf": ("failed", "empty_file"), "truncated.pdf": ("failed", "corrupt"),
    "garbage.pdf": ("failed", "corrupt"), "encrypted.pdf": ("failed", "encrypted"),
    "zero-pages.pdf": ("failed", "no_pages"), "many-pages.pdf": ("failed", "too_many_pages"),
    "slow.pdf": ("failed", "timeout"),
}


@pytest.fixture(scope="module")
def first_run(mixed_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch-out")
    result = CliRunner().invoke(main, ["batch", str(mixed_folder), "-o", str(out), "--workers", "2",
                                       "--max-pages", "100", "--timeout", "1"])
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
    assert "took longer than 1 s" in rows["slow.pdf"]["message"]


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


def test_a_second_run_does_no_work(first_run, mixed_folder):
    out, _ = first_run
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.json") if p.name not in COMBINED}
    result = CliRunner().invoke(main, ["batch", str(mixed_folder), "-o", str(out), "--workers", "2",
                                       "--max-pages", "100", "--timeout", "1"])
    assert result.exit_code == 14
    assert {row["action"] for row in manifest(out)} == {"reused"}
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.json") if p.name not in COMBINED} == before
    assert "12 reused from an earlier run" in result.stderr


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
