"""What analysts open: the typed workbook (--format xlsx) and the CSV for an Italian spreadsheet
(--csv-dialect excel-it), read back with openpyxl and pandas and, where LibreOffice Calc is
installed, opened by Calc itself."""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from pipeline.cli import main
from pipeline.contract import TABLES

PLANS = {"dup-seo-b": SAMPLES / "templates" / "dup-seo-b.pdf",   # codes with leading zeros, years
         "piao-b": SAMPLES / "templates" / "piao-b.pdf",         # numbers, dates, yes/no, warnings none
         "pap-2022-2024": SAMPLES / "pap-2022-2024.pdf"}          # a warning (an unreadable date)


def _extract(out, *options: str, plans=PLANS.values()):
    result = CliRunner().invoke(main, ["extract", *map(str, plans), "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    return _extract(tmp_path_factory.mktemp("xlsx"), "--format", "csv", "--format", "xlsx")


def _sheet_rows(sheet) -> list[dict]:
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, (cell for cell in row))) for row in sheet.iter_rows(min_row=2)]


def test_the_workbook_has_a_sheet_per_table_and_the_document(workbooks):
    book = openpyxl.load_workbook(workbooks / "piao-b.xlsx")
    assert book.sheetnames == ["Obiettivi", "Indicatori", "Valori", "Avvisi", "Documento"]
    for name, sheet in (("objectives", "Obiettivi"), ("indicators", "Indicatori"), ("values", "Valori")):
        assert [c.value for c in book[sheet][1]] == TABLES[name].names
        assert book[sheet].freeze_panes == "A2"
        assert book[sheet].auto_filter.ref.startswith("A1:")
    (document,) = _sheet_rows(book["Documento"])
    assert (document["title"].value, document["period_from"].value, document["kind"].value) == (
        "Piano Integrato di Attività e Organizzazione 2026-2028", 2026, "piao")
    pap = openpyxl.load_workbook(workbooks / "pap-2022-2024.xlsx")
    warnings = json.loads((workbooks / "pap-2022-2024.json").read_text(encoding="utf-8"))["warnings"]
    assert warnings and [(r["kind"].value, r["message"].value) for r in _sheet_rows(pap["Avvisi"])] == [
        (w["kind"], w["message"]) for w in warnings]


def test_cells_are_typed(workbooks):
    objectives = _sheet_rows(openpyxl.load_workbook(workbooks / "dup-seo-b.xlsx")["Obiettivi"])
    assert objectives[0]["code"].value == "01030601" and objectives[0]["code"].data_type == "s"
    assert objectives[0]["page"].data_type == "n" and isinstance(objectives[0]["bbox_top"].value, float)
    indicators = _sheet_rows(openpyxl.load_workbook(workbooks / "piao-b.xlsx")["Indicatori"])
    kinds = {}
    for row in indicators:
        for name in ("target_number", "target_date", "target_bool"):
            if row[name].value is not None:
                kinds[name] = type(row[name].value)
                assert row["target_value"].value == row[name].value  # the mixed column: each cell its type
    assert kinds == {"target_number": int, "target_date": datetime.datetime, "target_bool": bool}
    widths = openpyxl.load_workbook(workbooks / "piao-b.xlsx")["Indicatori"].column_dimensions
    assert widths["G"].width > widths["B"].width  # the description column is wider than the code's


def test_the_workbook_holds_what_the_csv_holds(workbooks):
    for stem in PLANS:
        for name, sheet in (("objectives", "Obiettivi"), ("indicators", "Indicatori")):
            from_csv = pd.read_csv(workbooks / f"{stem}.{name}.csv", dtype=str, keep_default_na=False)
            from_xlsx = pd.read_excel(workbooks / f"{stem}.xlsx", sheet_name=sheet, dtype=str, keep_default_na=False)
            assert list(from_xlsx.columns) == list(from_csv.columns)
            for column in ("id", "code", "title" if name == "objectives" else "description", "page"):
                assert from_xlsx[column].tolist() == from_csv[column].tolist(), (stem, column)


def test_the_workbook_is_byte_identical_on_a_second_run(workbooks, tmp_path):
    again = _extract(tmp_path, "--format", "xlsx", plans=[PLANS["piao-b"]])
    assert (again / "piao-b.xlsx").read_bytes() == (workbooks / "piao-b.xlsx").read_bytes()


def test_a_batch_of_plans_in_one_workbook_has_a_document_column():
    from pipeline.api import extract
    from pipeline.workbook import workbook_bytes

    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes({stem: extract(pdf) for stem, pdf in PLANS.items()})))
    documents = [row["document"].value for row in _sheet_rows(book["Documento"])]
    assert documents == list(PLANS)
    assert {row["document"].value for row in _sheet_rows(book["Obiettivi"])} == set(PLANS)


# -- the CSV for an Italian spreadsheet -----------------------------------------------------------

@pytest.fixture(scope="module")
def excel_it(tmp_path_factory):
    return _extract(tmp_path_factory.mktemp("excel-it"), "--csv-dialect", "excel-it",
                    plans=[PLANS["piao-b"], PLANS["dup-seo-b"]])


def test_the_excel_it_csv_is_semicolons_bom_and_decimal_commas(excel_it):
    raw = (excel_it / "piao-b.indicators.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0]["bbox_x0"] == "56,8" and rows[0]["target_number"] == "90,0"
    assert {row["target_bool"] for row in rows} == {"", "VERO"}
    assert rows[0]["target_raw"] == "maggiore o uguale a 90,00%"  # the printed text untouched


def test_the_excel_it_data_package_describes_its_dialect(excel_it):
    package = json.loads((excel_it / "piao-b.datapackage.json").read_text(encoding="utf-8"))
    indicators = next(r for r in package["resources"] if r["name"] == "indicators")
    assert indicators["dialect"] == {"delimiter": ";"} and indicators["encoding"] == "utf-8-sig"
    fields = {f["name"]: f for f in indicators["schema"]["fields"]}
    assert fields["bbox_x0"]["decimalChar"] == "," and fields["target_bool"]["trueValues"] == ["VERO"]


calc = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice) with Calc")


def _convert(source, target_filter: str, out_dir, *infilter: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["soffice", "--headless", *infilter, "--convert-to", target_filter, "--outdir", str(out_dir),
                           str(source)], capture_output=True, text=True, timeout=600)


@calc
def test_libreoffice_calc_in_an_italian_locale_reads_the_excel_it_csv_as_numbers(excel_it, tmp_path):
    done = _convert(excel_it / "piao-b.indicators.csv", "xlsx", tmp_path, "--infilter=CSV:59,34,76,1,,1040")
    if not (tmp_path / "piao-b.indicators.xlsx").exists():
        pytest.skip(f"this LibreOffice has no Calc: {done.stderr.strip()[-200:]}")
    rows = _sheet_rows(openpyxl.load_workbook(tmp_path / "piao-b.indicators.xlsx").active)
    first = rows[0]
    assert (first["bbox_x0"].value, first["target_number"].value, first["page"].value) == (56.8, 90, 2)
    assert all(row["bbox_top"].data_type == "n" for row in rows)
    dates = [row["target_date"].value for row in rows if row["target_date"].value is not None]
    assert dates and all(isinstance(d, datetime.datetime) for d in dates)
    assert first["description"].value == "Carte d’identità elettroniche rilasciate entro 10 giorni dalla richiesta"


@calc
def test_libreoffice_calc_opens_the_workbook_and_gives_the_values_back(workbooks, tmp_path):
    done = _convert(workbooks / "dup-seo-b.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,"
                    "false,false,-1", tmp_path)
    sheets = {p.stem.split("-")[-1]: p for p in tmp_path.glob("*.csv")}
    if not sheets:
        pytest.skip(f"this LibreOffice has no Calc: {done.stderr.strip()[-200:]}")
    assert set(sheets) == {"Obiettivi", "Indicatori", "Avvisi", "Documento"}  # no values: no Valori sheet
    from_calc = pd.read_csv(sheets["Obiettivi"], dtype=str, keep_default_na=False)
    from_csv = pd.read_csv(workbooks / "dup-seo-b.objectives.csv", dtype=str, keep_default_na=False)
    for column in ("id", "code", "title", "description", "department", "years", "page"):
        assert from_calc[column].tolist() == from_csv[column].tolist(), column


def test_a_batch_writes_one_workbook_and_excel_it_tables(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    for pdf in PLANS.values():
        shutil.copy(pdf, folder / pdf.name)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(out), "--workers", "1", "--format", "csv",
                                       "--format", "xlsx", "--csv-dialect", "excel-it"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out / "batch.xlsx")
    assert sorted(row["document"].value for row in _sheet_rows(book["Documento"])) == sorted(PLANS)
    assert [c.value for c in book["Indicatori"][1]][:2] == ["document", "id"]
    combined = (out / "indicators.csv").read_bytes()
    assert combined.startswith(b"\xef\xbb\xbfdocument;id;")
    assert (out / "piao-b.xlsx").is_file()  # and each document's own workbook
