"""`planextract explain`: which profile and why, furniture, pages, blocks."""

from __future__ import annotations

from click.testing import CliRunner

from conftest import NEGATIVES, SAMPLES
from pipeline.cli import main


def test_explain_a_plan():
    result = CliRunner().invoke(main, ["explain", str(SAMPLES / "pap-2022-2024.pdf")])
    assert result.exit_code == 0
    text = result.stdout
    assert "pap (kind pap): score 12 / min 6, priority 10 -> CHOSEN" in text
    assert "dup (kind dup): score 4 / min 6, priority 5 -> rejected" in text
    assert "'Piano triennale delle azioni positive: Obiettivi specifici …' on pages 13-23" in text
    assert "p13: action area 1; specific objectives 1030, 1037; 5 indicators" in text
    assert "heading 2 'RAFFORZAMENTO DEI COMITATI UNICI DI GARANZIA E CO…' [objective] -> numbered heading, no table" in text
    assert "indicators table on pages 13, 14: 2 rows" in text  # 1037: department row here, indicator on p14
    assert text.rstrip().splitlines()[-3].startswith("Result: kind pap, 29 objectives, 54 indicators")


def test_explain_without_blocks_and_for_an_unknown_document():
    pdf = next(p for p in NEGATIVES if "senza-testo" not in p.name)
    result = CliRunner().invoke(main, ["explain", str(pdf), "--no-blocks"])
    assert result.exit_code == 0
    assert "no profile matched: kind 'unknown'" in result.stdout
    assert "Blocks" not in result.stdout
    assert "warning [unknown_template]" in result.stdout


def test_explain_reports_bad_input_in_one_line(tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_text("nope", encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(bad)])
    assert result.exit_code == 4 and result.stderr.count("\n") == 1
