"""Real documents that are not plans (they cite PIAO, DUP, 'Obiettivo Specifico 4.3', milestones)."""

from __future__ import annotations

import pytest

from conftest import NEGATIVES
from pipeline.api import extract
from pipeline.errors import NoTextLayerError

TEXT_NEGATIVES = [p for p in NEGATIVES if "senza-testo" not in p.name]


@pytest.mark.parametrize("pdf", TEXT_NEGATIVES, ids=lambda p: p.stem)
def test_not_a_plan_is_unknown_and_empty(rules, pdf):
    extraction = extract(pdf, rules)
    assert extraction.document.kind == "unknown"
    assert extraction.objectives == [] and extraction.indicators == []
    assert [w.kind for w in extraction.warnings] == ["unknown_template"]


def test_scan_is_reported_as_having_no_text_layer(rules):
    (scan,) = [p for p in NEGATIVES if "senza-testo" in p.name]
    with pytest.raises(NoTextLayerError, match="no text layer.*OCR"):
        extract(scan, rules)


def test_detection_explains_why_nothing_matched(rules):
    from pipeline.api import run

    result = run(TEXT_NEGATIVES[0], rules)
    explanation = "\n".join(result.document.detection.explain())
    assert "missing required" in explanation and "no profile matched" in explanation
