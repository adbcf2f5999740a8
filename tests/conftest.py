"""Shared fixtures: the rules, the sample plans and their extractions (computed once per session)."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.rules import RuleSet, load_rules

# the set-up cache (pipeline/cache.py) of the test run lives in a folder of its own: tests neither
# read a user's entries nor leave theirs behind; subprocesses inherit it
if "PLANEXTRACT_CACHE_DIR" not in os.environ:
    os.environ["PLANEXTRACT_CACHE_DIR"] = tempfile.mkdtemp(prefix="planextract-test-cache-")
    atexit.register(shutil.rmtree, os.environ["PLANEXTRACT_CACHE_DIR"], ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_NAMES = ["pap-2022-2024", "dup-2022-2024"]
NEGATIVES = sorted((SAMPLES / "negative").glob("*.pdf"))


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="session")
def cli_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the CLI once on both samples; tests read the files it wrote."""
    out = tmp_path_factory.mktemp("cli-output")
    pdfs = [str(SAMPLES / f"{name}.pdf") for name in SAMPLE_NAMES]
    result = CliRunner().invoke(main, ["extract", *pdfs, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def load_output(out: Path, name: str) -> dict:
    return json.loads((out / f"{name}.json").read_text(encoding="utf-8"))


def load_expected(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
