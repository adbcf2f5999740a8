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
