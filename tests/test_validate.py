"""Reviewer warnings: duplicates, missing units or targets, dates outside the plan, odd values."""

from __future__ import annotations

from pipeline.models import BBox, Indicator, IndicatorValue, Objective, Period
from pipeline.validate import validate

BOX = BBox(x0=0, top=0, x1=1, bottom=1)


def objective(code: str, level: str = "specific") -> Objective:
    return Objective(id=code, code=code, level=level, title="T", page=1, bbox=BOX)


def indicator(code: str, objective_code: str = "1030", **values) -> Indicator:
    fields = {"unit": "date", "unit_raw": "Data", "target_raw": "31/12/2022", "target_value": "2022-12-31"}
    fields.update(values)
    target = [IndicatorValue(kind="target", raw=fields["target_raw"], value=fields["target_value"])] \
        if fields["target_raw"] else []
    return Indicator(id=code, code=code, objective_id=objective_code, objective_code=objective_code, description="D",
                     page=2, bbox=BOX, values=target, **fields)


PERIOD = Period(**{"from": 2022, "to": 2024})


def kinds(warnings):
    return sorted((w.kind, w.ref) for w in warnings)


def test_a_clean_plan_has_no_warnings():
    assert validate([objective("1030"), objective("2", "general")], [indicator("2393")], PERIOD) == []


def test_duplicates_and_objectives_without_indicators():
    warnings = validate([objective("1030"), objective("1030"), objective("1037")],
                        [indicator("2393"), indicator("2393")], PERIOD)
    assert kinds(warnings) == [("duplicate_code", "1030"), ("duplicate_code", "2393"),
                               ("objective_without_indicators", "1037")]


def test_missing_target():
    warnings = validate([objective("1030")], [indicator("2393", unit=None, unit_raw=None, target_raw=None,
                                                        target_value=None)], PERIOD)
    assert kinds(warnings) == [("missing_target", "2393")]


def test_date_outside_the_plan_period_and_percent_over_100():
    warnings = validate([objective("1030")], [
        indicator("2393", target_raw="31/12/2026", target_value="2026-12-31"),
        indicator("2394", unit="percent", unit_raw="%", target_raw="120%", target_value=120),
    ], PERIOD)
    assert kinds(warnings) == [("date_outside_period", "2393"), ("value_out_of_range", "2394")]
    assert "outside the plan period 2022-2024" in warnings[0].message
