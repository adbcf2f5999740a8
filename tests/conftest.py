"""Shared fixtures: the rules, the sample plans and their extractions (computed once per session)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.rules import RuleSet, load_rules

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
