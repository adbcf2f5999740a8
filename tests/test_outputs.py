"""The output contract: schema, CSV layout, determinism, provenance."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import SAMPLE_NAMES, SAMPLES, load_output
from pipeline.cli import main
from pipeline.export import INDICATOR_COLUMNS, OBJECTIVE_COLUMNS
from pipeline.models import json_schema


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_json_validates_against_the_published_schema(cli_outputs, name):
    jsonschema.validate(load_output(cli_outputs, name), json_schema())


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_item_has_provenance(cli_outputs, name):
    data = load_output(cli_outputs, name)
    pages = data["source"]["pages"]
    for item in data["objectives"] + data["indicators"]:
        assert 1 <= item["page"] <= pages
        box = item["bbox"]
        assert 0 <= box["x0"] < box["x1"] and 0 <= box["top"] < box["bottom"]


def test_indicator_provenance_points_at_its_row(cli_outputs):
    data = load_output(cli_outputs, "pap-2022-2024")
    first = next(i for i in data["indicators"] if i["code"] == "2409")
    assert first["page"] == 14  # the row that continues 1037's table on the next page


def test_csv_columns_and_rows(cli_outputs):
    for name in SAMPLE_NAMES:
        data = load_output(cli_outputs, name)
        objectives = (cli_outputs / f"{name}.objectives.csv").read_text(encoding="utf-8")
        indicators = (cli_outputs / f"{name}.indicators.csv").read_text(encoding="utf-8")
        assert next(csv.reader(io.StringIO(objectives))) == OBJECTIVE_COLUMNS
        assert next(csv.reader(io.StringIO(indicators))) == INDICATOR_COLUMNS
        frame = pd.read_csv(cli_outputs / f"{name}.indicators.csv", dtype=str, keep_default_na=False)
        assert len(frame) == len(data["indicators"])
        assert len(pd.read_csv(cli_outputs / f"{name}.objectives.csv")) == len(data["objectives"])


def test_indicator_rows_carry_their_objective(cli_outputs):
    frame = pd.read_csv(cli_outputs / "pap-2022-2024.indicators.csv", dtype=str, keep_default_na=False)
    row = frame[frame["code"] == "2688"].iloc[0]
    assert row["objective_code"] == "1145"
    assert row["objective_title"].startswith("PNRR - APPROVAZIONE PIANO TRIENNALE")
    assert row["objective_department"] == "Settore programmazione e gestione risorse"
    assert (row["unit"], row["target_value"]) == ("date", "2022-09-30")


def test_two_runs_give_identical_bytes(tmp_path):
    pdf = str(SAMPLES / "pap-2022-2024.pdf")
    outputs = []
    for run in ("a", "b"):
        result = CliRunner().invoke(main, ["extract", pdf, "-o", str(tmp_path / run),
                                           "--format", "csv", "--format", "parquet"])
        assert result.exit_code == 0
        outputs.append({p.name: p.read_bytes() for p in sorted((tmp_path / run).iterdir())})
    assert outputs[0] == outputs[1]
    assert sorted(outputs[0]) == [f"pap-2022-2024.{suffix}" for suffix in (
        "datapackage.json", "indicators.csv", "indicators.parquet", "json", "objectives.csv", "objectives.parquet",
        "values.csv", "values.parquet")]


def test_unreadable_target_is_null_with_a_warning(cli_outputs):
    data = load_output(cli_outputs, "pap-2022-2024")
    indicator = next(i for i in data["indicators"] if i["code"] == "2412")
    assert (indicator["target_raw"], indicator["target_value"]) == ("131/12/2022", None)
    assert any(w["kind"] == "unreadable_value" and w["ref"] == "2412" and w["page"] == 22 for w in data["warnings"])


def test_codes_are_strings(cli_outputs):
    raw = (cli_outputs / "dup-2022-2024.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    assert all(isinstance(o["code"], str) for o in data["objectives"])
    assert data["objectives"][0]["mission"] == {"code": "01", "title": "SERVIZI ISTITUZIONALI, GENERALI E DI GESTIONE"}
