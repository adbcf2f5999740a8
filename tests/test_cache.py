"""The set-up cache: built once, rebuilt when what it was built from changes, never changing a result."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

from pipeline import cache, rules
from pipeline.rules import load_rules


@pytest.fixture()
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("PLANEXTRACT_CACHE_DIR", str(folder))
    return folder


@pytest.fixture()
def counted_builds(monkeypatch):
    """How many times the rules were validated from their files."""
    builds = []
    real_build = rules._build_rules

    def build(root, version):
        builds.append(root)
        return real_build(root, version)

    monkeypatch.setattr(rules, "_build_rules", build)
    return builds


def test_the_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANEXTRACT_CACHE_DIR", str(tmp_path))
    assert cache.cache_dir() == tmp_path
    monkeypatch.setenv("PLANEXTRACT_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    monkeypatch.delenv("PLANEXTRACT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "planextract"


def test_rules_are_validated_once_then_read_from_the_cache(cache_folder, counted_builds):
    first = load_rules()
    second = load_rules()
    assert len(counted_builds) == 1
    assert second == first
    assert [p.name.split("-")[0] for p in cache_folder.glob("*.pickle")] == ["rules"]


def test_a_changed_rules_file_is_validated_again(cache_folder, counted_builds, tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy)
    before = load_rules(copy)
    units = copy / "vocabularies" / "departments.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("min_similarity: 92", "min_similarity: 80"),
                     encoding="utf-8")
    after = load_rules(copy)
    assert len(counted_builds) == 2
    assert (before.departments.min_similarity, after.departments.min_similarity) == (92, 80)
    assert after.version != before.version
    assert load_rules(copy) == after and len(counted_builds) == 2


def test_invalid_rules_are_never_cached(cache_folder, tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy)
    units = copy / "vocabularies" / "departments.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("min_similarity: 92", "min_similarity: high"),
                     encoding="utf-8")
    for _ in range(2):
        with pytest.raises(rules.RulesError, match="departments.yaml"):
            load_rules(copy)
    assert not list(cache_folder.glob("rules-*"))


def test_a_damaged_entry_is_rebuilt(cache_folder, counted_builds):
    expected = load_rules()
    [entry] = cache_folder.glob("rules-*.pickle")
    entry.write_bytes(b"\x80\x05 not a pickle")
    assert load_rules() == expected
    assert len(counted_builds) == 2
    assert load_rules() == expected and len(counted_builds) == 2  # the rebuilt entry is good again


def test_a_folder_that_cannot_be_written_only_costs_time(monkeypatch, tmp_path, counted_builds):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PLANEXTRACT_CACHE_DIR", str(blocker / "cache"))
    assert load_rules() == load_rules()
    assert len(counted_builds) == 2


def test_the_cache_can_be_turned_off(monkeypatch, tmp_path, counted_builds):
    monkeypatch.setenv("PLANEXTRACT_CACHE_DIR", "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_rules()
    load_rules()
    assert len(counted_builds) == 2
    assert not any(tmp_path.rglob("*.pickle"))


def test_older_entries_are_pruned(cache_folder):
    for n in range(cache.ENTRIES_KEPT + 3):
        assert cache.cached("probe", (str(n),), lambda n=n: n) == n
    assert len(list(cache_folder.glob("probe-*.pickle"))) == cache.ENTRIES_KEPT
    assert cache.cached("probe", (str(cache.ENTRIES_KEPT + 2),), lambda: "rebuilt") == cache.ENTRIES_KEPT + 2


def _extract(pdf: Path, out: Path, cache_setting: str, probe: str = "") -> subprocess.CompletedProcess:
    script = ("import sys; from pipeline.cli import main\n"
              "try:\n    main(sys.argv[1:])\nexcept SystemExit as end:\n    code = end.code\n"
              f"{probe}\nsys.exit(code)")
    env = {**os.environ, "PLANEXTRACT_CACHE_DIR": cache_setting}
    return subprocess.run([sys.executable, "-c", script, "extract", str(pdf), "-o", str(out)], check=False,
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)


def test_a_fresh_process_gives_the_same_files_with_and_without_the_cache(tmp_path):
    """Off, first run (building every entry), second run (reading them): byte-identical outputs; the
    second run reads neither wordfreq's files nor spaCy (the sample's units need no spaCy tokens)."""
    pdf = SAMPLES / "pap-2022-2024.pdf"
    folder = tmp_path / "cache"
    probe = "print(sorted(m for m in ('spacy', 'wordfreq') if m in sys.modules))"
    runs = {name: _extract(pdf, tmp_path / name, setting, probe)
            for name, setting in [("off", "off"), ("building", str(folder)), ("reading", str(folder))]}
    for run in runs.values():
        assert run.returncode == 0, run.stderr
    assert runs["building"].stdout.split() == ["['spacy',", "'wordfreq']"]
    assert runs["reading"].stdout.split() == ["[]"]
    kinds = sorted({p.name.rsplit("-", 1)[0] for p in folder.glob("*.pickle")})
    assert kinds == ["lexicon", "rules", "tokenizer-specials", "unit-heads"]
    written = sorted(p.name for p in (tmp_path / "off").iterdir())
    assert written and all(p.name in written for p in (tmp_path / "reading").iterdir())
    for name in written:
        off = (tmp_path / "off" / name).read_bytes()
        assert (tmp_path / "building" / name).read_bytes() == off, name
        assert (tmp_path / "reading" / name).read_bytes() == off, name
