"""Rules are data: validated on load, with errors naming the file and the key."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from pipeline.cli import main
from pipeline.errors import RulesError
from pipeline.rules import load_rules


@pytest.fixture
def rules_copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def test_shipped_rules_load(rules):
    assert {p.name for p in rules.profiles} == {"pap", "dup", "piao", "pap-sheets", "dup-seo", "ict"}
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
