"""Feeding other tools: the SQLite catalog, the Frictionless data package, Parquet, the Python API.
Each output is read back with its own reader (sqlite3, frictionless, pyarrow, pandas)."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from frictionless import Package

from conftest import ROOT, SAMPLE_NAMES, SAMPLES, load_expected
from pipeline.cli import main


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Path:
    """Both samples extracted into a catalog twice: the second run must replace, not append."""
    folder = tmp_path_factory.mktemp("catalog")
    db = folder / "plans.sqlite"
    pdfs = [SAMPLES / f"{name}.pdf" for name in SAMPLE_NAMES]
    for _ in range(2):
        result = invoke("extract", *pdfs, "-o", folder / "out", "--db", db)
        assert result.exit_code == 0, result.output
    return db


def test_catalog_holds_each_document_once_with_all_its_rows(catalog):
    with sqlite3.connect(catalog) as connection:
        documents = connection.execute("SELECT file, kind, objectives, indicators FROM documents ORDER BY file").fetchall()
        counts = {table: dict(connection.execute(
            f"SELECT d.file, count(*) FROM {table} t JOIN documents d USING (document_id) GROUP BY d.file"))
            for table in ("objectives", "indicators")}
    expected = {f"{name}.pdf": load_expected(name) for name in SAMPLE_NAMES}
    assert documents == [(file, plan["document"]["kind"], len(plan["objectives"]), len(plan["indicators"]))
                         for file, plan in sorted(expected.items())]
    for file, plan in expected.items():
        assert counts["objectives"].get(file, 0) == len(plan["objectives"])
        assert counts["indicators"].get(file, 0) == len(plan["indicators"])


def test_catalog_counts_indicators_by_department_in_one_query(catalog):
    with sqlite3.connect(catalog) as connection:
        by_department = dict(connection.execute(
            "SELECT o.department, count(*) FROM indicators i JOIN documents d USING (document_id) "
            "JOIN objectives o ON o.document_id = i.document_id AND o.code = i.objective_code "
            "WHERE d.file = 'pap-2022-2024.pdf' GROUP BY o.department"))
    plan = load_expected("pap-2022-2024")
    department_of = {o["code"]: o["department"] for o in plan["objectives"]}
    assert by_department == dict(Counter(department_of[i["objective_code"]] for i in plan["indicators"]))


def test_catalog_keeps_typed_values_and_provenance(catalog):
    with sqlite3.connect(catalog) as connection:
        rows = connection.execute("SELECT code, target_value, target_number, target_date, target_bool, page, bbox_top "
                                  "FROM indicators i JOIN documents d USING (document_id) "
                                  "WHERE d.file = 'pap-2022-2024.pdf'").fetchall()
    expected = {i["code"]: i for i in load_expected("pap-2022-2024")["indicators"]}
    kinds = set()
    for code, target, number, date, flag, page, top in rows:
        assert isinstance(page, int) and isinstance(top, float)
        value = expected[code]["target_value"]
        # the mixed column as text, and the value in the one typed column of its type
        assert target == (None if value is None else ("true" if value else "false") if isinstance(value, bool)
                          else str(value))
        if isinstance(value, bool):
            kinds.add("bool")
            assert (number, date, flag) == (None, None, int(value))
        elif isinstance(value, (int, float)):
            kinds.add("number")
            assert (number, date, flag) == (value, None, None)
        elif value is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            kinds.add("date")
            assert (number, date, flag) == (None, value, None)
        else:
            assert (number, date, flag) == (None, None, None)
    assert kinds == {"number", "date"}  # (the sample has no yes/no target: see test_duckdb)


def test_documents_lists_the_ids_that_compare_takes(catalog, tmp_path):
    listing = invoke("documents", "--db", catalog)
    assert listing.exit_code == 0, listing.output
    ids = {re.search(r"\S+\.pdf", line).group(): line.split()[0] for line in listing.output.splitlines()}
    assert set(ids) == {f"{name}.pdf" for name in SAMPLE_NAMES}
    dup = ids["dup-2022-2024.pdf"]
    assert len(dup) == 12 and "2022-2024" in listing.output  # short id, period
    result = invoke("compare", dup, SAMPLES / "dup-2022-2024.pdf", "--db", catalog, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "changes.json").read_text(encoding="utf-8")) == []


def test_compare_across_kinds_by_id_and_the_errors_of_a_catalog(catalog, tmp_path):
    with sqlite3.connect(catalog) as connection:
        ids = dict(connection.execute("SELECT file, document_id FROM documents"))
    result = invoke("compare", ids["pap-2022-2024.pdf"][:8], ids["dup-2022-2024.pdf"], "--db", catalog,
                    "-o", tmp_path)
    assert result.exit_code == 0, result.output
    changes = json.loads((tmp_path / "changes.json").read_text(encoding="utf-8"))
    # the PAP repeats the DUP's general objectives (without mission and programme) above its own
    pap, dup = load_expected("pap-2022-2024"), load_expected("dup-2022-2024")
    objective_changes = [c for c in changes if c["level"] != "indicator"]
    assert {c["old_code"] for c in objective_changes if c["kind"] == "removed"} == {
        o["code"] for o in pap["objectives"] if o["level"] == "specific"}
    assert not [c for c in objective_changes if c["kind"] in {"added", "renumbered"}]
    assert {c["old_code"] for c in objective_changes if c["field"] == "programme"} == {
        o["code"] for o in dup["objectives"]}
    assert {c["old_code"] for c in changes if c["level"] == "indicator"} == {i["code"] for i in pap["indicators"]}

    missing = invoke("compare", "ffffffffff", ids["dup-2022-2024.pdf"], "--db", catalog, "-o", tmp_path)
    assert missing.exit_code == 15
    assert missing.stderr.strip() == f"error: {catalog}: no document 'ffffffffff' in the catalog"


def test_compare_refuses_a_json_that_is_not_an_extraction(tmp_path):
    stray = tmp_path / "other.json"
    stray.write_text('{"hello": "world"}', encoding="utf-8")
    result = invoke("compare", stray, SAMPLES / "pap-2022-2024.expected.json", "-o", tmp_path)
    assert result.exit_code == 17
    assert result.stderr.startswith(f"error: {stray}: not an extraction JSON of planextract")
    assert len(result.stderr.strip().splitlines()) == 1


def test_each_extraction_has_a_valid_data_package(cli_outputs):
    for name in SAMPLE_NAMES:
        package = Package(str(cli_outputs / f"{name}.datapackage.json"))
        report = package.validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        objectives = package.get_resource("objectives")
        assert objectives.schema.primary_key == ["id"]
        assert objectives.schema.get_field("level").constraints == {
            "enum": ["area", "strategic", "general", "operational", "specific", "action"]}
        assert objectives.schema.get_field("page").type == "integer"
        indicators = package.get_resource("indicators")
        assert indicators.schema.foreign_keys == [
            {"fields": ["objective_id"], "reference": {"resource": "objectives", "fields": ["id"]}}]
        rows = indicators.read_rows()
        assert [row["code"] for row in rows] == [i["code"] for i in load_expected(name)["indicators"]]
        values = package.get_resource("values")
        assert values.schema.primary_key == ["indicator_id", "position"]
        assert values.schema.foreign_keys == [
            {"fields": ["indicator_id"], "reference": {"resource": "indicators", "fields": ["id"]}}]
        assert len(values.read_rows()) == sum(bool(i["target_raw"]) + bool(i.get("actual_raw"))
                                              for i in load_expected(name)["indicators"])


def test_a_broken_foreign_key_is_caught_by_the_package(cli_outputs, tmp_path):
    """The package's keys are real constraints: an indicator of an unknown objective fails validation."""
    for suffix in ("datapackage.json", "objectives.csv", "indicators.csv", "values.csv"):
        shutil.copy(cli_outputs / f"pap-2022-2024.{suffix}", tmp_path)
    indicators = tmp_path / "pap-2022-2024.indicators.csv"
    with indicators.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("objective_id")] = "9999"
    with indicators.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    report = Package(str(tmp_path / "pap-2022-2024.datapackage.json")).validate()
    assert not report.valid
    assert {error.type for task in report.tasks for error in task.errors} == {"foreign-key"}


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("two-plans")
    for name in SAMPLE_NAMES:
        shutil.copy(SAMPLES / f"{name}.pdf", folder)
    out, db = folder / "out", folder / "plans.sqlite"
    result = invoke("batch", folder, "-o", out, "--workers", "1", "--format", "csv", "--format", "parquet",
                    "--db", db)
    assert result.exit_code == 0, result.output
    return out, db


def test_batch_combined_package_is_valid_with_document_keys(batch_out):
    out, _ = batch_out
    package = Package(str(out / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert package.get_resource("objectives").schema.primary_key == ["document", "id"]
    rows = package.get_resource("indicators").read_rows()
    assert Counter(row["document"] for row in rows) == Counter(
        {name: len(load_expected(name)["indicators"]) for name in SAMPLE_NAMES})


def test_parquet_reads_back_typed_and_equal_to_the_csv(batch_out):
    out, _ = batch_out
    for table in ("objectives", "indicators", "values"):
        parquet = pq.read_table(out / f"{table}.parquet")
        with (out / f"{table}.csv").open(encoding="utf-8") as handle:
            csv_rows = list(csv.DictReader(handle))
        assert parquet.column_names == list(csv_rows[0])
        integer, number = ("position", "year") if table == "values" else ("page", "bbox_top")
        assert str(parquet.schema.field(integer).type) == "int64"
        if table != "values":
            assert str(parquet.schema.field(number).type) == "double"
        typed = ("number", "date", "bool") if table == "values" else ("target_number", "target_date", "target_bool")
        if table != "objectives":
            assert [str(parquet.schema.field(name).type) for name in typed] == ["double", "date32[day]", "bool"]
        as_text = [{k: "" if v is None else (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in row.items()}
                   for row in parquet.to_pylist()]
        for row in as_text + csv_rows:  # floats: same number, maybe written differently
            for key in ("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "weight", "target_number", "actual_number",
                        "number"):
                if row.get(key):
                    row[key] = round(float(row[key]), 2)
        assert as_text == csv_rows
    for name in SAMPLE_NAMES:  # and per document
        assert pq.read_table(out / f"{name}.indicators.parquet").num_rows == len(load_expected(name)["indicators"])


def test_batch_fills_the_catalog_and_a_rerun_does_not_duplicate(batch_out):
    out, db = batch_out
    result = invoke("batch", out.parent, "-o", out, "--workers", "1", "--format", "csv", "--format", "parquet",
                    "--db", db)
    assert result.exit_code == 0, result.output
    assert "2 reused" in result.stderr
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM documents").fetchone() == (2,)
        total = connection.execute("SELECT count(*) FROM indicators").fetchone()[0]
    assert total == sum(len(load_expected(name)["indicators"]) for name in SAMPLE_NAMES)


def test_parquet_without_pyarrow_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if it were not installed
    result = invoke("extract", SAMPLES / "pap-2022-2024.pdf", "-o", tmp_path, "--format", "parquet")
    assert result.exit_code == 16
    assert result.stderr.strip() == "error: Parquet output needs pyarrow: pip install 'planextract[parquet]'"
    assert not list(tmp_path.iterdir())  # refused before any work


def test_the_readme_python_example_runs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"From Python.*?```python\n(.+?)\n```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)  # noqa: S102 (our own README)
    indicators = namespace["indicators"]
    assert len(indicators) == len(load_expected("pap-2022-2024")["indicators"])
    assert {"code", "objective_code", "objective_department", "target_value", "page", "bbox_top"} <= set(indicators.columns)
