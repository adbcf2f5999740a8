"""Rules are data: validated on load, with errors naming the file and the key."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from pipeline.api import extract
from pipeline.cli import main
from pipeline.errors import RulesError
from pipeline.rules import load_rules


@pytest.fixture
def rules_copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def test_shipped_rules_load(rules):
    assert {p.name for p in rules.profiles} == {"pap", "dup", "piao", "performance", "pap-sheets", "dup-seo", "ict"}
    assert rules.units.by_alias["data"] == "date"
    assert len(rules.version) == 16


def test_profiles_extend_the_family_base(rules):
    pap = next(p for p in rules.profiles if p.name == "pap")
    assert pap.indicator_table is not None and pap.owner_table is not None  # from _plan-family.yaml
    assert pap.action_area is not None


def test_unknown_key_is_reported_with_file_and_key(rules_copy):
    path = rules_copy / "profiles" / "pap.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("min_score: 6", "min_scor: 6"), encoding="utf-8")
    with pytest.raises(RulesError) as error:
        load_rules(rules_copy)
    assert str(error.value).startswith(f"{path}: key 'detect.min_scor'")


def test_bad_regex_is_reported(rules_copy):
    path = rules_copy / "profiles" / "dup.yaml"
    text = path.read_text(encoding="utf-8").replace('"sezione\\\\s+operativa"', '"sezione(operativa"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=r"dup\.yaml: key 'detect\.keywords\.2\.pattern': invalid regular expression"):
        load_rules(rules_copy)


def test_missing_vocabulary_and_bad_yaml(rules_copy):
    (rules_copy / "vocabularies" / "units.yaml").unlink()
    with pytest.raises(RulesError, match="units.yaml: vocabulary file missing"):
        load_rules(rules_copy)
    (rules_copy / "vocabularies" / "units.yaml").write_text("kinds: [unclosed", encoding="utf-8")
    with pytest.raises(RulesError, match="units.yaml: not valid YAML"):
        load_rules(rules_copy)


def test_cli_rules_option_and_its_error(rules_copy, tmp_path):
    pdf = str(SAMPLES / "dup-2022-2024.pdf")
    assert CliRunner().invoke(main, ["extract", pdf, "-o", "-", "--rules", str(rules_copy)]).exit_code == 0
    (rules_copy / "profiles" / "dup.yaml").write_text("name: dup\nkind: plan\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", pdf, "-o", "-", "--rules", str(rules_copy)])
    assert result.exit_code == 8
    assert result.stderr.startswith(f"error: {rules_copy / 'profiles' / 'dup.yaml'}: key ")


def test_a_user_profile_changes_detection_without_code(rules_copy):
    """A new template needs a rules file, not code: here the DUP profile is simply removed."""
    (rules_copy / "profiles" / "dup.yaml").unlink()
    from pipeline.api import extract

    extraction = extract(SAMPLES / "dup-2022-2024.pdf", rules_copy)
    assert extraction.document.kind == "unknown" and extraction.objectives == []


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


PROFILE_HEAD = """extends: _base.yaml
name: test
kind: performance
detect: {min_score: 1, keywords: [{pattern: "piano"}]}
"""


@pytest.mark.parametrize(("body", "key", "message"), [
    ("headings:\n  - {name: h, pattern: '^(?P<code>\\\\d+) (?P<name>.+)$'}\n", "headings.0",
     "has no named group 'title'"),
    ("headings:\n  - {name: h, pattern: '^(?P<title>.+)$', parent: numbering}\n", "headings.0",
     "parent 'numbering' needs a named group 'number'"),
    ("indicator_table:\n  columns: [{key: colour, labels: [Colore]}]\n", "indicator_table",
     "column key 'colour' is not read from this table"),
    ("indicator_table:\n  columns: [{key: target, patterns: ['target (?P<anno>\\\\d{4})']}]\n",
     "indicator_table.columns.0", "unknown named group(s) anno"),
    ("sheet:\n  fields: [{key: budget, labels: [Budget]}]\n", "sheet.fields.0",
     "field key 'budget' is not read from a sheet"),
    ("indicator_values:\n  lines: [{pattern: '^target (?P<year>\\\\d{4})'}]\n", "indicator_values.lines.0",
     "has no named group 'raw'"),
    ("objective_table:\n  level: operational\n  columns: [{key: code, labels: [Codice]}]\n", "objective_table",
     "required column 'title' is not among the columns"),
    ("headings:\n  - {name: h, pattern: '^(?P<title>.+)$', level: chapter}\n", "headings.0.level", "Input should be"),
    ("kind: report\n", "kind", "Input should be"),
])
def test_a_rule_the_extractor_cannot_read_is_refused_naming_file_and_key(rules_copy, body, key, message):
    text = PROFILE_HEAD.replace("kind: performance\n", "") if body.startswith("kind:") else PROFILE_HEAD
    path = _write(rules_copy / "profiles" / "test.yaml", text + body)
    result = CliRunner().invoke(main, ["extract", str(SAMPLES / "dup-2022-2024.pdf"), "-o", "-",
                                       "--rules", str(rules_copy)])
    assert result.exit_code == 8
    first_line = result.stderr.strip().splitlines()[0]
    assert first_line.startswith(f"error: {path}: key '{key}")
    assert message in first_line


def test_extends_merges_named_lists_item_by_item(rules_copy):
    """A profile extending another replaces the heading rule and column of the same name or key in
    place and adds the new ones; `null` removes a section."""
    _write(rules_copy / "profiles" / "test.yaml", PROFILE_HEAD.replace("_base.yaml", "piao.yaml") + """
headings:
  - name: operational
    pattern: "^(?P<label>obiettivo\\\\s+gestionale)\\\\s+(?P<number>\\\\d+(?:\\\\.\\\\d+)*)\\\\s+(?P<title>\\\\S.*)$"
  - name: action
    pattern: "^(?P<label>attivit[aà])\\\\s+(?P<number>\\\\d+(?:\\\\.\\\\d+)*)\\\\s+(?P<title>\\\\S.*)$"
    level: action
indicator_table:
  columns:
    - {key: unit, labels: [Misura]}
sheet: null
""")
    test = next(p for p in load_rules(rules_copy).profiles if p.name == "test")
    piao = next(p for p in load_rules(rules_copy).profiles if p.name == "piao")
    assert [h.name for h in test.headings] == ["strategic", "operational", "action"]
    assert test.headings[1].level == "operational" and "gestionale" in test.headings[1].pattern
    assert [c.key for c in test.indicator_table.columns] == [c.key for c in piao.indicator_table.columns]
    assert next(c for c in test.indicator_table.columns if c.key == "unit").labels == ["Misura"]
    assert test.sheet is None and piao.sheet is not None


def test_the_rules_are_shipped_inside_the_package():
    from pipeline.rules import DEFAULT_RULES_DIR

    assert DEFAULT_RULES_DIR.parent.name == "pipeline"
    assert (DEFAULT_RULES_DIR / "profiles" / "piao.yaml").is_file()


def readme_profile() -> str:
    """The profile of the README's worked example ("Writing a profile for a new template")."""
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```yaml\n# my-rules/profiles/peg\.yaml\n(.+?)```", text, re.DOTALL)
    return block


PEG = Path(__file__).resolve().parent / "fixtures" / "templates" / "peg-a.pdf"


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
def test_a_profile_written_in_yaml_reads_a_layout_no_shipped_profile_covers(rules_copy, tmp_path, backend):
    """The README's worked example: a PEG whose headings, sheet labels and value columns no shipped
    profile knows is not recognised; one YAML file, no Python, and it is read field for field."""
    from test_templates import differences

    expected = json.loads(PEG.with_suffix(".expected.json").read_text(encoding="utf-8"))
    before = extract(PEG, load_rules(rules_copy), backend=backend)
    assert before.document.kind == "unknown" and before.objectives == [] and before.indicators == []

    _write(rules_copy / "profiles" / "peg.yaml", readme_profile())
    result = CliRunner().invoke(main, ["extract", str(PEG), "-o", str(tmp_path), "--rules", str(rules_copy),
                                       "--backend", backend])
    assert result.exit_code == 0, result.output
    extraction = json.loads((tmp_path / "peg-a.json").read_text(encoding="utf-8"))
    assert differences(expected, extraction) == []
    assert extraction["document"]["profile"] == "peg" and extraction["warnings"] == []
    assert [o["parent_id"] for o in extraction["objectives"]] == [
        None, "strategic-1", "strategic-1", None, "strategic-2"]
