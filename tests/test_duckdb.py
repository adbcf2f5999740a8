"""What a BI tool sees: DuckDB reads the typed value columns of the CSV, the Parquet files and the
SQLite catalog as DOUBLE, DATE and BOOLEAN, and the mixed value column as text."""

from __future__ import annotations

import glob
import importlib.resources

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from pipeline.cli import main

duckdb = pytest.importorskip("duckdb")

PLANS = [SAMPLES / "pap-2022-2024.pdf", SAMPLES / "templates" / "piao-b.pdf"]  # dates, numbers; yes/no
TYPES = {"target_number": "DOUBLE", "target_date": "DATE", "target_bool": "BOOLEAN", "target_value": "VARCHAR"}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("duck")
    result = CliRunner().invoke(main, ["extract", *map(str, PLANS), "-o", str(out), "--format", "csv",
                                       "--format", "parquet", "--db", str(out / "plans.sqlite")])
    assert result.exit_code == 0, result.output
    return out


def _types(connection, relation: str) -> dict[str, str]:
    rows = connection.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    return {name: kind for name, kind, *_ in rows}


def _check(connection, relation: str, yes_no: bool = True, boolean: str = "BOOLEAN") -> None:
    types = _types(connection, relation)
    assert {name: types[name] for name in TYPES} == {**TYPES, "target_bool": boolean}
    minimum, = connection.execute(f"SELECT min(target_number) FROM {relation}").fetchone()
    assert isinstance(minimum, float)
    dates = connection.execute(f"SELECT count(*) FROM {relation} WHERE target_date < DATE '2100-01-01'").fetchone()
    flags = connection.execute(f"SELECT count(*) FROM {relation} WHERE target_bool").fetchone()
    assert dates[0] > 0 and (flags[0] > 0) == yes_no


@pytest.mark.parametrize("stem", [p.stem for p in PLANS])
def test_duckdb_types_the_csv_and_parquet_value_columns(outputs, stem):
    connection = duckdb.connect()
    csv = f"read_csv('{outputs / stem}.indicators.csv')"
    parquet = f"read_parquet('{outputs / stem}.indicators.parquet')"
    _check(connection, parquet, yes_no=stem == "piao-b")
    # a CSV is typed by DuckDB's sniffer: numbers and dates, not text (its choice of width)
    types = _types(connection, csv)
    assert types["target_number"] in ("BIGINT", "DOUBLE") and types["target_date"] in ("DATE", "TIMESTAMP")
    assert types["target_value"] == "VARCHAR"
    values = _types(connection, f"read_parquet('{outputs / stem}.values.parquet')")
    assert (values["number"], values["date"], values["bool"], values["year"]) == ("DOUBLE", "DATE", "BOOLEAN", "BIGINT")


def _sqlite_scanner() -> str | None:
    try:
        base = importlib.resources.files("duckdb_extension_sqlite_scanner")
    except ModuleNotFoundError:
        return None
    found = glob.glob(str(base / "extensions" / f"v{duckdb.__version__}" / "sqlite_scanner.duckdb_extension"))
    return found[0] if found else None


def test_duckdb_reads_the_catalog_with_the_sqlite_scanner(outputs):
    extension = _sqlite_scanner()
    if extension is None:
        pytest.skip("the sqlite_scanner extension of this DuckDB is not installed "
                    "(pip install duckdb-extension-sqlite-scanner of the same version)")
    connection = duckdb.connect()
    connection.execute(f"LOAD '{extension}'")
    connection.execute(f"ATTACH '{outputs / 'plans.sqlite'}' AS plans (TYPE sqlite)")
    _check(connection, "plans.indicators", boolean="BIGINT")  # SQLite has no booleans: 0/1
    (count,) = connection.execute("SELECT count(*) FROM plans.documents").fetchone()
    assert count == 2
