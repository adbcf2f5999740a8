"""Year over year: the sample PAP against a next-year variant built here, change by change; the
per-year values of the sample PIAO; matching thousands of renumbered items, as scoring every pair
would but without doing so."""

from __future__ import annotations

import copy
import csv
import html
import json
import re

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
    assert "Rinumerati" in result.stderr and "report.html" in result.stderr  # Italian by default
    assert '<html lang="it">' in page and "<h2>Campi modificati" in page
    assert "warning:" not in result.stderr  # two years of the same plan: no mismatch
    english = CliRunner().invoke(main, ["compare", str(old), str(new), "-o", str(tmp_path / "en"), "--lang", "en"])
    assert "Renumbered" in english.stderr and "<h2>Changed fields" in (tmp_path / "en" / "report.html").read_text(
        encoding="utf-8")


def test_the_report_names_each_item_and_shows_a_change_in_a_short_context(plans, tmp_path):
    _, old, new = plans
    comparison = compare(old, new, out_dir=tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    renumbered = next(c for c in comparison.changes if c.kind == "renumbered" and c.level == "indicator")
    title = next(i.description for i in comparison.new.indicators if (i.code or i.id) == renumbered.new_code)
    row = next(r for r in page.split("<tr>") if f'<span class="code">{renumbered.new_code}</span>' in r)
    assert html.escape(title) in row  # the title next to the codes
    description = next(c for c in comparison.changes if c.field == "description")
    row = next(r for r in page.split("<tr>") if "<del>2022</del>" in r)
    old_cell = row.split("<td>")[6]
    words = len(description.old.split())
    assert words > 2 * 6 + 1 and "…" in old_cell  # a long text is cut around the change
    assert len(re.sub("<[^>]+>", "", old_cell).split()) <= 2 * 6 + 3


def test_two_documents_of_different_kinds_or_bodies_are_compared_with_a_warning(tmp_path):
    from conftest import SAMPLES

    result = CliRunner().invoke(main, ["compare", str(SAMPLES / "pap-2022-2024.pdf"),
                                       str(SAMPLES / "templates" / "piao-a.pdf"), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: i due documenti sono di tipo diverso: pap e piao",
                        "warning: i due documenti sono di enti diversi: Città metropolitana di Bologna e "
                        "Comune di Valdoria"]
    assert "⚠ i due documenti sono di tipo diverso: pap e piao" in (tmp_path / "report.html").read_text(
        encoding="utf-8")


def test_a_plan_compared_with_itself_and_with_its_json(tmp_path, rules):
    from conftest import SAMPLES

    from pipeline.api import extract
    from pipeline.export import write_outputs

    pdf = SAMPLES / "dup-2022-2024.pdf"
    paths = write_outputs(extract(pdf, rules), tmp_path)
    assert compare(pdf, paths["json"], rules).changes == []


# -- per-year values ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def piao(rules):
    from conftest import SAMPLES

    from pipeline.api import extract

    return extract(SAMPLES / "templates" / "piao-a.pdf", rules)


def test_a_target_moved_added_or_dropped_for_one_year_is_a_change_of_that_year(piao):
    from pipeline.compare import compare as compare_extractions
    from pipeline.models import IndicatorValue

    new = piao.model_copy(deep=True)
    indicator = next(i for i in new.indicators if i.id == "operational-1.1/1")
    assert [(v.kind, v.year, v.raw) for v in indicator.values] == [
        ("baseline", 2024, "38%"), ("target", 2025, "50%"), ("target", 2026, "60%"), ("target", 2027, "70%")]
    indicator.values = [indicator.values[0], indicator.values[1],
                        IndicatorValue(kind="target", year=2026, raw="65%", value=65),  # moved
                        IndicatorValue(kind="target", year=2028, raw="80%", value=80)]  # 2027 dropped, 2028 added
    changes = compare_extractions(piao, new).changes
    assert [(c.kind, c.level, c.old_code, c.new_code) for c in changes] == [
        ("changed", "indicator", "operational-1.1/1", "operational-1.1/1")] * 3
    assert [c.line() for c in changes] == ["target 2026: 60% → 65%", "target 2027: 70% → –",
                                           "target 2028: – → 80%"]
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("target 2026", "60%", "65%"), ("target 2027", "70%", None), ("target 2028", None, "80%")]


def test_a_value_printed_alike_is_no_change(piao):
    from pipeline.compare import compare as compare_extractions

    new = piao.model_copy(deep=True)
    value = new.indicators[0].values[2]
    value.raw, value.value = f" {value.raw}  ", None  # whitespace and typing are not what was printed
    assert compare_extractions(piao, new).changes == []


# -- scale: matching without scoring every pair ---------------------------------------------

_WORDS = ["servizi", "cittadini", "gestione", "piano", "attività", "settore", "personale", "digitale", "formazione",
          "bilancio", "risorse", "controllo", "qualità", "procedimenti", "trasparenza", "comunicazione",
          "sportello", "tempi", "pagamento", "fatture", "monitoraggio", "progetti", "territorio", "ambiente",
          "mobilità", "scuole", "sociale", "cultura", "sport", "turismo", "imprese", "lavoro", "sicurezza",
          "urbanistica", "edilizia", "patrimonio", "tributi", "entrate", "spese", "contratti", "appalti",
          "sistemi", "dati", "rete", "accesso", "utenti", "uffici", "procedure", "regolamento",
          "semplificazione", "innovazione"]


def synthetic_plan(general: int = 100, specific_each: int = 29, seed: int = 1):
    """A plan of ``general`` general objectives with ``specific_each`` specific ones under each, one
    indicator per objective, random texts (any two score about 60, far below the thresholds)."""
    import random

    from pipeline.models import BBox, DocumentInfo, Extraction, Indicator, Objective, RunInfo, Source

    rng = random.Random(seed)

    def words(n: int) -> str:
        return " ".join(rng.choice(_WORDS) for _ in range(n))

    box = BBox(x0=0, top=0, x1=1, bottom=1)
    objectives, indicators = [], []
    for g in range(general):
        parent = Objective(id=f"1{g:04}", code=f"1{g:04}", level="general", title=words(8), page=1, bbox=box)
        objectives.append(parent)
        objectives += [Objective(id=f"2{g:02}{s:02}", code=f"2{g:02}{s:02}", level="specific", parent_id=parent.id,
                                 title=words(10), description=words(20), page=1, bbox=box)
                       for s in range(specific_each)]
    for n, objective in enumerate(objectives):
        indicators.append(Indicator(id=f"5{n:04}", code=f"5{n:04}", objective_id=objective.id,
                                    objective_code=objective.code, description=words(12), unit_raw="Numero",
                                    page=1, bbox=box))
    return Extraction(source=Source(file="plan.pdf", sha256="0" * 64, pages=1), document=DocumentInfo(kind="pap"),
                      objectives=objectives, indicators=indicators,
                      run=RunInfo(program_version="test", rules_version="test"))


def renumbered(plan, reworded_every: int = 20):
    """The plan with every code changed (1xxxx → 3xxxx, 2xxxx → 4xxxx, 5xxxx → 7xxxx) and one word of
    every ``reworded_every``-th objective title and indicator description replaced."""
    new = plan.model_copy(deep=True)
    recode = {"1": "3", "2": "4", "5": "7"}

    def code(old: str | None) -> str | None:
        return recode[old[0]] + old[1:] if old else old

    for n, item in enumerate([*new.objectives, *new.indicators]):
        item.id, item.code = code(item.id), code(item.code)
        if n % reworded_every == 7:
            field = "title" if hasattr(item, "title") else "description"
            setattr(item, field, getattr(item, field).replace(" ", " rivisto ", 1))
    for objective in new.objectives:
        objective.parent_id = code(objective.parent_id)
    for indicator in new.indicators:
        indicator.objective_id, indicator.objective_code = code(indicator.objective_id), code(indicator.objective_code)
    return new, code


def test_thousands_of_renumbered_items_are_matched_without_scoring_every_pair(monkeypatch):
    """3,000 objectives and 3,000 indicators, every code changed, one in 20 reworded: all renumbered,
    and far fewer pairs scored than the 8.4 million of all objectives of a level against each other."""
    import importlib
    import itertools
    import types

    from rapidfuzz import fuzz

    compare_module = importlib.import_module("pipeline.compare")  # the module, not the function of the API

    old = synthetic_plan()
    new, code = renumbered(old)
    assert len(old.objectives) == len(old.indicators) == 3000
    budget, calls = len(old.objectives) ** 2 // 100, itertools.count(1)

    def counted_ratio(a: str, b: str, **options) -> float:
        if next(calls) > budget:
            raise AssertionError(f"more than {budget} pairs scored: quadratic matching")
        return fuzz.ratio(a, b, **options)

    monkeypatch.setattr(compare_module, "fuzz", types.SimpleNamespace(ratio=counted_ratio))
    changes = compare_module.compare(old, new).changes
    renumberings = {(c.level, c.old_code, c.new_code) for c in changes if c.kind == "renumbered"}
    assert renumberings == {(o.level, o.code, code(o.code)) for o in old.objectives} | {
        ("indicator", i.code, code(i.code)) for i in old.indicators}
    reworded = [c for c in changes if c.kind == "changed"]
    assert {c.field for c in reworded} == {"title", "description"} and len(reworded) == 6000 // 20
    assert all(c.new == c.old.replace(" ", " rivisto ", 1) for c in reworded)
    assert len(changes) == 6000 + len(reworded)  # nothing added or removed


def _reference_match(old, new, key, text, threshold, same_group):
    """The matching as it was, scoring every pair: the oracle the bulk scoring must agree with."""
    from rapidfuzz import fuzz

    from pipeline.compare import _masked

    new_by_key = {key(item): item for item in new}
    pairs = [(item, new_by_key[key(item)]) for item in old if key(item) in new_by_key]
    rest_old = [a for a in old if all(a is not p for p, _ in pairs)]
    rest_new = [b for b in new if all(b is not q for _, q in pairs)]
    scored = sorted(((fuzz.ratio(_masked(text(a)), _masked(text(b))), i, j)
                     for i, a in enumerate(rest_old) for j, b in enumerate(rest_new) if same_group(a, b)),
                    key=lambda s: (-s[0], s[1], s[2]))
    taken_old, taken_new = set(), set()
    for score, i, j in scored:
        if score >= threshold and i not in taken_old and j not in taken_new:
            taken_old.add(i)
            taken_new.add(j)
            pairs.append((rest_old[i], rest_new[j]))
    return (pairs, [a for i, a in enumerate(rest_old) if i not in taken_old],
            [b for j, b in enumerate(rest_new) if j not in taken_new])


@pytest.mark.parametrize("seed", range(12))
def test_bulk_matching_pairs_exactly_as_scoring_every_pair(seed):
    """Same pairs, in the same order, with ties (duplicate and near-duplicate texts, years masked),
    shared codes, groups that differ between the two sides, and groups with no counterpart."""
    import random
    from types import SimpleNamespace as Thing

    from pipeline.compare import _match

    rng = random.Random(seed)
    words = ["piano", "piani", "servizio", "servizi", "2022", "2023", "anno", "uffici"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 5))) for _ in range(25)]

    def things(n: int) -> list[Thing]:
        return [Thing(code=f"c{rng.randint(0, 150)}", text=rng.choice(texts), group=rng.randint(0, 3))
                for _ in range(n)]

    def as_ids(result: tuple) -> tuple[list, list, list]:
        return [(id(a), id(b)) for a, b in result[0]], [*map(id, result[1])], [*map(id, result[2])]

    old, new = things(rng.randint(0, 90)), things(rng.randint(0, 90))
    shift = {0: 0, 1: 1, 2: 2, 3: 9}  # an old group 3 has no counterpart among the new items
    for threshold in (0, 60, 85, 100):
        expected = _reference_match(old, new, lambda t: t.code, lambda t: t.text, threshold,
                                    lambda a, b: shift[a.group] == b.group)
        found = _match(old, new, key=lambda t: t.code, text=lambda t: t.text, threshold=threshold,
                       group=lambda t: shift[t.group], new_group=lambda t: t.group)
        assert as_ids(found) == as_ids(expected)
