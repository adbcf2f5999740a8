"""The README's commands are the ones CI runs."""

from __future__ import annotations

import re

from conftest import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", quick_start)


def test_ci_runs_the_readme_test_command():
    install_and_extract, install_and_test = readme_commands()
    assert "planextract extract samples/*.pdf -o output/" in install_and_extract
    assert install_and_test.endswith("pytest")
    assert install_and_test in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_the_generated_reference_in_the_readme_is_up_to_date():
    from pipeline.reference import GENERATORS, readme_block

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, generate in GENERATORS.items():
        assert readme_block(text, name) == generate().strip(), (
            f"README block '{name}' is out of date: run `python -m pipeline.reference README.md`")


def test_the_profile_reference_names_every_key_a_profile_accepts():
    from pipeline.reference import profile_keys
    from pipeline.rules import HeadingRule, IndicatorTableRules, Profile, SheetRules

    reference = profile_keys()
    for model in (Profile, HeadingRule, IndicatorTableRules, SheetRules):
        for name in model.model_fields:
            if name != "source":
                assert f"`{name}`" in reference, name
    assert "Column keys it reads: `actual`, `baseline`, `code`, `description`, `formula`, `target`" in reference


def test_every_python_example_of_the_readme_runs(tmp_path, monkeypatch):
    """The README's Python blocks, run as a user would from a clone (the samples at hand, the
    outputs written under output/)."""
    import os
    import shutil

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"```python\n(.+?)\n```", text, re.DOTALL)
    assert len(examples) >= 2
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    for number, example in enumerate(examples, start=1):
        namespace: dict = {}
        exec(compile(example, f"README.md python example {number}", "exec"), namespace)  # noqa: S102 (our README)
    assert os.path.isfile("output/batch/manifest.csv")
