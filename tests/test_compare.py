"""Year over year: the sample PAP against a next-year variant built here, change by change."""

from __future__ import annotations

import copy
import csv
import json

import pytest
from click.testing import CliRunner

from planbuilder import BASE, load_content, render_pap
from pipeline import compare
from pipeline.cli import main

REMOVED = ["1143", "1161"]
RENAMED_DEPARTMENT = ("Area sviluppo sociale", "Area sviluppo sociale e pari opportunità")
MOVED_TARGETS = "1059"      # every target of this objective one year later
RENUMBERED = "1030"         # this objective's indicators: 2393 -> 4393 ...
YEAR_SHIFTED = "1042"       # '2022' -> '2023' in its description


def next_year(content: dict) -> dict:
    new = copy.deepcopy(content)
    new["document"]["title"] = "Piano triennale delle azioni positive 2023-2025"
    new["objectives"] = [o for o in new["objectives"] if o["code"] not in REMOVED]
    new["indicators"] = [i for i in new["indicators"] if i["objective_code"] not in REMOVED]
    for objective in new["objectives"]:
        if objective["department"] == RENAMED_DEPARTMENT[0]:
            objective["department"] = RENAMED_DEPARTMENT[1]
        if objective["code"] == YEAR_SHIFTED:
            objective["description"] = objective["description"].replace("Nel corso del 2022", "Nel corso del 2023")
    for indicator in new["indicators"]:
        if indicator["objective_code"] == MOVED_TARGETS:
            indicator["target_raw"] = indicator["target_raw"].replace("/2022", "/2023")
        if indicator["objective_code"] == RENUMBERED:
            indicator["code"] = "4" + indicator["code"][1:]
    position = next(i for i, o in enumerate(new["objectives"]) if o["code"] == "1042") + 1
    new["objectives"].insert(position, {
        "code": "1200", "level": "specific", "title": "BILANCIO DI GENERE DELL'ENTE",
        "description": "Redazione del primo bilancio di genere della Città metropolitana, con la "
                       "riclassificazione delle spese secondo il loro impatto su donne e uomini.",
        "department": "Settore programmazione e gestione risorse", "political_owner": None, "action_area": 3,
        "mission": None, "programme": None})
    new["indicators"] += [
        {"code": "2900", "objective_code": "1200", "description": "APPROVAZIONE DEL BILANCIO DI GENERE",
         "unit": "date", "unit_raw": "Data", "target_raw": "30/06/2023", "target_value": "2023-06-30",
         "actual_raw": None},
        {"code": "2901", "objective_code": "1200", "description": "INCONTRI DI PRESENTAZIONE AI SETTORI",
         "unit": "number", "unit_raw": "Numero", "target_raw": "3", "target_value": 3, "actual_raw": None}]
    return new


def expected_changes(old: dict) -> set[tuple]:
    """What the comparison must report, worked out from how the variant was made."""
    changes = {("removed", "specific", code, None, None) for code in REMOVED}
    changes |= {("removed", "indicator", i["code"], None, None) for i in old["indicators"] if i["objective_code"] in REMOVED}
    changes |= {("added", "specific", None, "1200", None), ("added", "indicator", None, "2900", None),
                ("added", "indicator", None, "2901", None)}
    for o in old["objectives"]:
        if o["department"] == RENAMED_DEPARTMENT[0] and o["code"] not in REMOVED:
            changes.add(("changed", o["level"], o["code"], o["code"], "department"))
    changes.add(("changed", "specific", YEAR_SHIFTED, YEAR_SHIFTED, "description"))
    for i in old["indicators"]:
        if i["objective_code"] == MOVED_TARGETS:
            changes.add(("changed", "indicator", i["code"], i["code"], "target"))
        if i["objective_code"] == RENUMBERED:
            changes.add(("renumbered", "indicator", i["code"], "4" + i["code"][1:], "code"))
    return changes


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    folder = tmp_path_factory.mktemp("years")
    content = load_content("pap-2022-2024")
    old = render_pap(content, BASE, folder / "pap-2022.pdf")
    new = render_pap(next_year(content), BASE, folder / "pap-2023.pdf")
    return content, old, new


def test_the_variant_reports_exactly_its_changes(plans, rules):
    content, old, new = plans
    comparison = compare(old, new, rules)
    found = {(c.kind, c.level, c.old_code, c.new_code, c.field) for c in comparison.changes}
    assert found == expected_changes(content)
    assert len(comparison.changes) == len(found)  # nothing reported twice


def test_values_of_the_changes(plans, rules):
    _, old, new = plans
    changes = compare(old, new, rules).changes
    department = next(c for c in changes if c.field == "department")
    assert (department.old, department.new) == RENAMED_DEPARTMENT
    target = next(c for c in changes if c.field == "target")
    assert (target.old, target.new) == ("31/12/2022", "31/12/2023")
    description = next(c for c in changes if c.field == "description")
    assert "Nel corso del 2022" in description.old and "Nel corso del 2023" in description.new


def test_cli_writes_json_csv_and_a_self_contained_report(plans, tmp_path):
    _, old, new = plans
    result = CliRunner().invoke(main, ["compare", str(old), str(new), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    records = json.loads((tmp_path / "changes.json").read_text(encoding="utf-8"))
    with (tmp_path / "changes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(records) == len(rows) > 0
    assert set(records[0]) == {"kind", "level", "old_code", "new_code", "field", "old", "new"}
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "http" not in page and "<script" not in page  # nothing to fetch
    assert "<del>2022</del>" in page and "<ins>2023</ins>" in page  # the changed word is marked
    assert "renumbered" in result.stderr and "report.html" in result.stderr


def test_a_plan_compared_with_itself_and_with_its_json(tmp_path, rules):
    from conftest import SAMPLES
    from pipeline.api import extract
    from pipeline.export import write_outputs

    pdf = SAMPLES / "dup-2022-2024.pdf"
    paths = write_outputs(extract(pdf, rules), tmp_path)
    assert compare(pdf, paths["json"], rules).changes == []
