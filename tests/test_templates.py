"""Plans of other templates, described in rules only: PIAO, PAP as action sheets, DUP Sezione
Operativa, three-year ICT plan (AgID's real content), two layouts of each, made by LibreOffice from
.docx (``templatebuilder.py``; the PDFs and their expected extraction are in ``samples/templates``).

Every field the expected extraction lists must be exact (whitespace squashed; a department in the
rules' known list comes out under its canonical spelling, so case is ignored there), nothing may be
invented or missed, no warning given, and both backends must agree.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.api import extract

TEMPLATES = Path(__file__).resolve().parent.parent / "samples" / "templates"
NAMES = sorted(p.name.removesuffix(".expected.json") for p in TEMPLATES.glob("*.expected.json"))
KINDS = {"piao": "piao", "performance": "performance", "pap-sheets": "pap", "dup-seo": "dup", "ict": "ict_plan"}


def squashed(value: object) -> object:
    return re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else value


def differences(expected: dict, extraction: dict) -> list[str]:
    problems = [f"document.{key}: {expected['document'][key]!r} != {extraction['document'][key]!r}"
                for key in expected["document"] if expected["document"][key] != extraction["document"][key]]
    for part in ("objectives", "indicators"):
        got = {item["id"]: item for item in extraction[part]}
        wanted = [item["id"] for item in expected[part]]
        if list(got) != wanted:
            problems.append(f"{part}: ids {list(got)} != {wanted}")
        for item in expected[part]:
            found = got.get(item["id"], {})
            for name, value in item.items():
                have = found.get(name)
                if name == "department" and isinstance(value, str) and isinstance(have, str):
                    value, have = value.casefold(), have.casefold()
                if squashed(value) != squashed(have):
                    problems.append(f"{part[:-1]} {item['id']} {name}: {value!r} != {have!r}")
    return problems


@pytest.fixture(scope="module", params=["pdfium", "pdfplumber"])
def extractions(request, rules) -> dict[str, dict]:
    return {name: extract(TEMPLATES / f"{name}.pdf", rules, backend=request.param).model_dump(mode="json",
                                                                                          by_alias=True)
            for name in NAMES}


def test_every_template_has_its_samples():
    assert {name.rsplit("-", 1)[0] for name in NAMES} == set(KINDS)
    assert len(NAMES) == 9


@pytest.mark.parametrize("name", NAMES)
def test_the_extraction_is_the_plan_as_written(extractions, name):
    expected = json.loads((TEMPLATES / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert differences(expected, extractions[name]) == []


@pytest.mark.parametrize("name", NAMES)
def test_each_template_is_recognised_by_its_profile_without_warnings(extractions, name):
    extraction = extractions[name]
    assert extraction["document"]["kind"] == KINDS[name.rsplit("-", 1)[0]]
    assert extraction["warnings"] == []


def _piao_without(rules_dir: Path, column: str, field: str) -> None:
    """The PIAO profile with one indicator column and one sheet field taken out of its rules."""
    import yaml

    path = rules_dir / "profiles" / "piao.yaml"
    profile = yaml.safe_load(path.read_text(encoding="utf-8"))
    profile["indicator_table"]["columns"] = [c for c in profile["indicator_table"]["columns"] if c["key"] != column]
    profile["sheet"]["fields"] = [f for f in profile["sheet"]["fields"] if f["key"] != field]
    path.write_text(yaml.safe_dump(profile, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize(("name", "formula"), [("piao-a", "Formula di calcolo"), ("piao-b", "Formula")])
def test_a_column_or_field_no_rule_maps_is_reported_not_dropped_silently(tmp_path, name, formula):
    """piao-a prints its sheets as a label | value table, piao-b as bold 'Label: value' lines."""
    import shutil

    from pipeline.rules import DEFAULT_RULES_DIR, load_rules

    shutil.copytree(DEFAULT_RULES_DIR, tmp_path / "rules")
    _piao_without(tmp_path / "rules", "formula", "political_owner")
    extraction = extract(TEMPLATES / f"{name}.pdf", load_rules(tmp_path / "rules"))
    expected = json.loads((TEMPLATES / f"{name}.expected.json").read_text(encoding="utf-8"))

    kinds = {w.kind for w in extraction.warnings}
    assert kinds == {"unmapped_column", "unmapped_field"}
    columns = [w for w in extraction.warnings if w.kind == "unmapped_column"]
    assert len(columns) == sum(1 for o in expected["objectives"] if o["level"] == "operational")
    assert all(f"column(s) '{formula}' not mapped by any rule" in w.message for w in columns)
    fields = [w for w in extraction.warnings if w.kind == "unmapped_field"]
    assert {w.ref for w in fields} == {o["id"] for o in expected["objectives"] if o["political_owner"]}
    assert all("the field 'Assessore di riferimento'" in w.message for w in fields)
    # the rest is read as before
    assert [o.responsible for o in extraction.objectives] == [o["responsible"] for o in expected["objectives"]]
    assert [i.formula for i in extraction.indicators] == [None] * len(expected["indicators"])
    assert [i.values[-1].raw for i in extraction.indicators] == [i["values"][-1]["raw"]
                                                                  for i in expected["indicators"]]
