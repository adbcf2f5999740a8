"""Rules files that would hang the extractor or lose a rule are refused at load, naming file and key
(issue 10: catastrophic regexes, files that are not UTF-8, keys written twice)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLES

from pipeline import patterns
from pipeline.cli import main
from pipeline.errors import RulesError
from pipeline.patterns import TimedPattern, backtracking_problem
from pipeline.rules import load_rules

PAP = SAMPLES / "pap-2022-2024.pdf"
CATASTROPHIC = "catastrophic regular expression"
TOO_SLOW = ("a repeat can match a text like 'aaa' in exponentially many ways (a repeat inside a repeat, or alternatives "
            "that overlap under one), so a line that almost matches takes forever; make the parts exclusive, "
            "e.g. '\\w+(?:\\s+\\w+)*' for '(\\w+\\s?)+'")


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def _replace(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _first_error_line(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stderr.strip().splitlines()[0]


def _run_cli(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process: if a regression makes it hang, the test fails instead of the suite."""
    try:
        return subprocess.run([sys.executable, "-m", "pipeline", *args], check=False, capture_output=True,
                              text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"planextract {args[0]} still running after {timeout:g} s (catastrophic backtracking?)")


# -- (a) catastrophic regular expressions ------------------------------------------------------------------

KEYWORD = '    - {pattern: "ambiti?\\\\s+di\\\\s+azione", weight: 1}\n'
HEADING = '"^(?P<code>\\\\d{1,6})(?:\\\\s*[-\\u2013.:]\\\\s+|\\\\s+)(?P<title>\\\\S.*)$"'


@pytest.mark.parametrize("command", ["extract", "explain"])
def test_a_catastrophic_keyword_is_refused_before_reading_the_pdf(rules_copy, command):
    """The fault run's `(\\w+\\s?)+$` in a detect keyword: extract and explain hung on the sample."""
    path = _replace(rules_copy / "profiles" / "pap.yaml", KEYWORD, '    - {pattern: "(\\\\w+\\\\s?)+$"}\n')
    output = ["-o", "-"] if command == "extract" else []
    started = time.monotonic()
    result = _run_cli([command, str(PAP), *output, "--rules", str(rules_copy)])
    assert result.returncode == 8, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"error: {path}: key 'detect.keywords.2.pattern': {CATASTROPHIC} '(\\\\w+\\\\s?)+$': {TOO_SLOW}")
    assert time.monotonic() - started < 60


def test_a_catastrophic_heading_of_a_base_profile_names_the_base(rules_copy):
    """`([A-Za-z]+\\s?)+` in a heading of _plan-family.yaml: the first profile extending it is named
    with the key, and the base that holds the text."""
    base = rules_copy / "profiles" / "_plan-family.yaml"
    bad = "^(?P<code>\\d{1,6})\\s+(?P<title>([A-Za-z]+\\s?)+)$"
    _replace(base, HEADING, '"' + bad.replace("\\", "\\\\") + '"')
    code, line = _first_error_line(["extract", str(PAP), "-o", "-", "--rules", str(rules_copy)])
    assert code == 8
    assert line == (f"error: {rules_copy / 'profiles' / 'dup.yaml'}: key 'headings.0.pattern': "
                    f"{CATASTROPHIC} {bad!r}: {TOO_SLOW} (set in _plan-family.yaml)")


@pytest.mark.parametrize("pattern", [
    r"(a+)+$", r"(a|a)+$", r"(a*)*b", r"(?:a?a?)*$", r"(.*,)*x", r"(x+x+)+y", r"(\d+|\d+\.\d+)+$",
    r"(?:\s*\w+\s*)+$", r"(?:[A-Z][a-z]+|[A-Z]{2,})+$", r"(\w+\s?){1,20}$", r"^(?=(a+)+$)",
])
def test_exponential_patterns_are_found(pattern):
    assert backtracking_problem(pattern) is not None


@pytest.mark.parametrize("pattern", [
    r"\w+(?:\s+\w+)*$", r"(\d+\.)+", r"(?:\.\s*){4,}\d{1,4}\s*$", r"(a|b)+$", r"(\w|\d)+$", r"(\w+\s?){1,3}$",
    r"(?>\w+\s?)+$", r"(?:\w+\s?)++$", r"^(?P<number>\d+(?:\.\d+)*)\s*[-:.]?\s+(?P<title>\S.*)$",
])
def test_linear_patterns_pass(pattern):
    """Separators that the repeated part cannot match, bounded repeats, atomic and possessive groups;
    `(\\w|\\d)+` is a single character set for the engine."""
    assert backtracking_problem(pattern) is None


def test_case_matters_for_case_sensitive_entity_patterns():
    """Entity patterns are matched case-sensitively: their capitals and small letters do not overlap."""
    pattern = r"(?:\s+(?:[A-Z][a-z']+|[A-Z]{2,}))*$"
    assert backtracking_problem(pattern, ignorecase=False) is None
    assert backtracking_problem(pattern) is not None


def test_a_catastrophic_entity_pattern_is_refused(rules_copy):
    path = _replace(rules_copy / "vocabularies" / "entities.yaml", '  - "\\\\b(?:AgID',
                    '  - "(?:[A-Z]+\\\\s?)+$"\n  - "\\\\b(?:AgID')
    with pytest.raises(RulesError) as error:
        load_rules(rules_copy)
    assert str(error.value).startswith(f"{path}: key 'patterns.7': {CATASTROPHIC} ")


def test_every_shipped_pattern_passes(rules):
    """The check would refuse the shipped rules first: they load (test_rules) and none is near the limit."""
    assert load_rules().version == rules.version


def test_a_pattern_the_check_misses_gives_up_with_a_rules_error(monkeypatch):
    """Second line of defence: every search of a rules pattern has a time limit."""
    monkeypatch.setattr(patterns, "MATCH_TIMEOUT", 0.2)
    slow = TimedPattern(r"(a|a)+$")  # the load check refuses it; built here directly
    started = time.monotonic()
    with pytest.raises(RulesError, match=r"^rules: regular expression '\(a\|a\)\+\$' gave up after 0.2 s on a text "
                                         r"of 41 characters \(catastrophic backtracking\): simplify it$"):
        slow.search("a" * 40 + "!")
    assert time.monotonic() - started < 30
    with pytest.raises(RulesError):
        list(slow.finditer("a" * 40 + "!"))


def test_a_timeout_names_the_file_and_key_of_the_pattern(rules_copy, monkeypatch):
    path = rules_copy / "profiles" / "pap.yaml"
    load_rules(rules_copy)
    monkeypatch.setattr(patterns, "MATCH_TIMEOUT", 0.0)  # every search "times out"
    with pytest.raises(RulesError) as error:
        TimedPattern("ambiti?\\s+di\\s+azione").search("x" * 10_000)
    assert str(error.value).startswith(f"{path}: key 'detect.keywords.2.pattern': regular expression ")


# -- (b) rules files that are not UTF-8 -------------------------------------------------------------------

def test_a_latin1_profile_is_named(rules_copy):
    path = rules_copy / "profiles" / "pap.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("latin-1"))
    line = text[:text.index("à")].count("\n") + 1
    code, first = _first_error_line(["extract", str(PAP), "-o", "-", "--rules", str(rules_copy)])
    assert code == 8
    assert first == f"error: {path}: not UTF-8 text (byte 0xe0 on line {line}): save it as UTF-8"


def test_a_binary_profile_is_named(rules_copy):
    path = rules_copy / "profiles" / "pap.yaml"
    path.write_bytes(bytes(range(256)) * 4)  # the fault run's file
    code, first = _first_error_line(["extract", str(PAP), "-o", "-", "--rules", str(rules_copy)])
    assert code == 8
    assert first == f"error: {path}: not UTF-8 text (byte 0x80 on line 2): save it as UTF-8"


def test_a_latin1_base_profile_and_vocabulary_are_named(rules_copy):
    for path in (rules_copy / "profiles" / "_base.yaml", rules_copy / "vocabularies" / "units.yaml"):
        original = path.read_bytes()
        path.write_bytes(original + "# unità\n".encode("latin-1"))
        with pytest.raises(RulesError, match=rf"^{re.escape(str(path))}: not UTF-8 text \(byte 0xe0 on line \d+\)"):
            load_rules(rules_copy)
        path.write_bytes(original)


# -- (c) keys written twice -------------------------------------------------------------------------------

def test_a_key_written_twice_is_refused_with_its_lines(rules_copy):
    path = rules_copy / "profiles" / "pap.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  min_score: 6\n", "  min_score: 6\n  min_score: 1\n", 1), encoding="utf-8")
    line = text[:text.index("  min_score: 6")].count("\n") + 1
    code, first = _first_error_line(["extract", str(PAP), "-o", "-", "--rules", str(rules_copy)])
    assert code == 8
    assert first == (f"error: {path}: key 'detect.min_score': repeated on line {line + 1} (first on line {line}); "
                     "YAML would keep only the last: remove one")


@pytest.mark.parametrize(("text", "key", "lines"), [
    ("kinds:\n  date: [data]\n  date: [giorno]\n", "kinds.date", (3, 2)),
    ("kinds: {date: [data], percent: ['%'], date: [giorno]}\n", "kinds.date", (1, 1)),
    ("kinds:\n  date: [data]\nkinds:\n  percent: ['%']\n", "kinds", (3, 1)),
    ("kinds:\n  date:\n    - {a: 1, a: 2}\n", "kinds.date.0.a", (3, 3)),
])
def test_repeated_keys_at_any_depth(rules_copy, text, key, lines):
    path = rules_copy / "vocabularies" / "units.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as error:
        load_rules(rules_copy)
    assert str(error.value) == (f"{path}: key '{key}': repeated on line {lines[0]} (first on line {lines[1]}); "
                                "YAML would keep only the last: remove one")


def test_anchors_and_aliases_are_not_repeats(rules_copy):
    path = rules_copy / "vocabularies" / "units.yaml"
    path.write_text("kinds:\n  date: &dates [data, giorno]\n  day: *dates\n", encoding="utf-8")
    assert load_rules(rules_copy).units.kinds == {"date": ["data", "giorno"], "day": ["data", "giorno"]}


# -- (d) extract --timeout --------------------------------------------------------------------------------

def test_extract_timeout_stops_one_file_and_goes_on(tmp_path):
    """A file that never finishes (made to hang by tests/faults, whatever the machine's speed) is
    stopped with exit 13 naming it; the next file is still extracted."""
    from test_batch import fault_env

    hang = tmp_path / "hang.pdf"
    shutil.copy(PAP, hang)
    out = tmp_path / "out"
    env = {**os.environ, **fault_env({"hang.pdf": "hang"})}
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(hang), str(PAP), "-o", str(out),
                             "--timeout", "3"], check=False, capture_output=True, text=True, timeout=600,
                            cwd=ROOT, env=env)
    assert result.returncode == 13, result.stderr
    assert f"error: {hang}: took longer than 3 s (--timeout); stopped" in result.stderr.splitlines()
    assert sorted(p.name for p in out.glob("*.json")) == ["pap-2022-2024.datapackage.json", "pap-2022-2024.json"]
