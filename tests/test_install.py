"""A user's install: the wheel (not an editable checkout), run from another folder, finds its rules
inside the package and extracts the samples."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from conftest import ROOT, SAMPLES


def _run(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)


def test_the_installed_wheel_extracts_the_samples_from_another_folder(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "pipeline", source / "pipeline", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                 str(source), "-w", str(tmp_path / "wheel"))
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "wheel").glob("planextract-*.whl")
    installed = _run(sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target",
                     str(tmp_path / "site"), str(wheel))
    assert installed.returncode == 0, installed.stderr[-2000:]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    where = _run(sys.executable, "-c", "import pipeline, pipeline.rules as r, pipeline.pdfium_reader as p; "
                 "import pipeline.layout as l; print(pipeline.__file__); print(r.DEFAULT_RULES_DIR); "
                 "print(p._hot_calls().bulk is not None and l._grouping()[0] is not l._rows_of)",
                 cwd=elsewhere, env=env)
    module, rules_dir, compiled = where.stdout.split()
    assert module.startswith(str(tmp_path / "site")) and rules_dir.startswith(str(tmp_path / "site"))
    assert compiled == str(shutil.which("cc") is not None)  # the wheel holds the C modules where they can be built

    pdfs = [SAMPLES / "pap-2022-2024.pdf", SAMPLES / "templates" / "piao-a.pdf"]
    run = _run(sys.executable, "-m", "pipeline", "extract", *map(str, pdfs), "-o", "out", cwd=elsewhere, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    for pdf in pdfs:
        got = json.loads((elsewhere / "out" / f"{pdf.stem}.json").read_text(encoding="utf-8"))
        wanted = json.loads(pdf.with_suffix(".expected.json").read_text(encoding="utf-8"))
        key = "id" if "id" in wanted["objectives"][0] else "code"
        assert [o[key] for o in got["objectives"]] == [o[key] for o in wanted["objectives"]]
        assert len(got["indicators"]) == len(wanted["indicators"])
        assert got["document"]["kind"] == wanted["document"]["kind"]
