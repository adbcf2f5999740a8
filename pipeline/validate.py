"""Checks a reviewer needs, as warnings: nothing here changes the extraction."""

from __future__ import annotations

from collections import Counter

from .models import Indicator, Objective, Period, Warning


def validate(objectives: list[Objective], indicators: list[Indicator], period: Period) -> list[Warning]:
    warnings: list[Warning] = []
    for (level, code), count in sorted(Counter((o.level, o.code) for o in objectives if o.code).items()):
        if count > 1:
            warnings.append(Warning(kind="duplicate_code", ref=code,
                                    message=f"{level} objective code {code} appears {count} times"))
    for code, count in sorted(Counter(i.code for i in indicators if i.code).items()):
        if count > 1:
            warnings.append(Warning(kind="duplicate_code", ref=code,
                                    message=f"indicator code {code} appears {count} times"))
    with_indicators = {i.objective_id for i in indicators}
    for objective in objectives:
        if objective.level == "specific" and objective.id not in with_indicators:
            warnings.append(Warning(kind="objective_without_indicators", page=objective.page, ref=objective.id,
                                    message=f"specific objective {objective.id} has no indicators"))
    for indicator in indicators:
        warnings += _check_indicator(indicator, period)
    return warnings


def _check_indicator(indicator: Indicator, period: Period) -> list[Warning]:
    found = []

    def warn(kind: str, message: str) -> None:
        found.append(Warning(kind=kind, page=indicator.page, ref=indicator.id,
                             message=f"indicator {indicator.id}: {message}"))

    if not indicator.target_raw:
        warn("missing_target", "no target (Obiettivo)")
    for item in indicator.values:
        if item.kind == "baseline":
            continue  # a baseline is measured before the plan starts
        name, value = (item.kind if item.year is None else f"{item.kind} {item.year}"), item.value
        if indicator.unit == "date" and isinstance(value, str) and period.from_ and period.to:
            year = int(value[:4])
            if not period.from_ <= year <= period.to:
                warn("date_outside_period", f"{name} date {value} is outside the plan period "
                                            f"{period.from_}-{period.to}")
        if indicator.unit == "percent" and isinstance(value, (int, float)) and not isinstance(value, bool) \
                and not 0 <= value <= 100:
            warn("value_out_of_range", f"{name} {value} is not a percentage between 0 and 100")
    return found
