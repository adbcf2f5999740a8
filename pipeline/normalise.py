"""Stage 5, normalise: printed units and values become typed values, departments canonical names.

* units: the printed unit is looked up in ``rules/vocabularies/units.yaml`` ('Data' → date);
* dates: dd/mm/yyyy (also '-', '.', two-digit years, '31 dicembre 2022') → ISO 'yyyy-mm-dd';
* numbers: Italian notation '1.500,5' → 1500.5 (also '1,500.5' when unambiguous);
* percent '45,5%' → 45.5, currency '€ 1.500,00' → 1500.0, booleans SI/Sì/NO → true/false.

A value that cannot be read returns ``None`` plus a reason; the caller turns that into a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from .departments import DepartmentMatcher
from .models import (ActionArea, BBox, Classification, Indicator, IndicatorValue, Objective, Period,
                     StrategicDirection, Warning)
from .raw import Extracted, RawClassification, RawIndicator, RawObjective
from .rules import RuleSet, UnitRules
from .text import fold, squash

T = TypeVar("T")

MONTHS = {name: n for n, names in enumerate([
    ("gennaio", "gen"), ("febbraio", "feb"), ("marzo", "mar"), ("aprile", "apr"), ("maggio", "mag"),
    ("giugno", "giu"), ("luglio", "lug"), ("agosto", "ago"), ("settembre", "set", "sett"),
    ("ottobre", "ott"), ("novembre", "nov"), ("dicembre", "dic")], start=1) for name in names}

_NUMERIC_DATE = re.compile(r"^(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{2}|\d{4})$")
_WORD_DATE = re.compile(r"^(?P<d>\d{1,2})\s+(?P<m>[a-z]+)\.?\s+(?P<y>\d{4})$")
_DATE_LIKE = re.compile(r"^\d{1,4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,4}$")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}([.\s\u202f\u00a0']\d{3})+|\d+)(,\d+)?$")
_NUMBER_DOT_DECIMAL = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_CURRENCY = re.compile(r"(€|\beur(o)?\b)", re.IGNORECASE)
_TRUE = {"si", "sì", "s", "yes", "vero", "true", "x", "fatto", "raggiunto"}
_FALSE = {"no", "n", "falso", "false", "non raggiunto"}


@dataclass(frozen=True, slots=True)
class Reading:
    value: bool | int | float | str | None
    problem: str | None = None
    kind: str = "unreadable_value"  # or "unit_value_mismatch": a readable value of the wrong type


def unit_kind(raw: str | None, rules: UnitRules) -> str | None:
    if not raw or not squash(raw):
        return None
    kind = rules.by_alias.get(fold(raw))
    if kind:
        return kind
    if "%" in raw:
        return "percent"
    if _CURRENCY.search(raw):
        return "currency"
    return None


def parse_date(text: str) -> str | None:
    text = fold(text)
    match = _NUMERIC_DATE.match(text)
    if match:
        day, month, year = int(match["d"]), int(match["m"]), int(match["y"])
    elif (match := _WORD_DATE.match(text)) and match["m"] in MONTHS:
        day, month, year = int(match["d"]), MONTHS[match["m"]], int(match["y"])
    else:
        return None
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_number(text: str) -> int | float | None:
    """Italian notation first ('.' thousands, ',' decimals); plain dot decimals when unambiguous."""
    cleaned = squash(text).replace("\u2212", "-")
    cleaned = _CURRENCY.sub("", cleaned).replace("%", "").strip()
    if _NUMBER.match(cleaned):
        integer, _, decimals = cleaned.partition(",")
        digits = re.sub(r"[.\s\u202f\u00a0']", "", integer)
        value = float(f"{digits}.{decimals}") if decimals else int(digits)
    elif _NUMBER_DOT_DECIMAL.match(cleaned):
        value = float(cleaned.replace(",", "")) if "." in cleaned else int(cleaned.replace(",", ""))
    else:
        return None
    return int(value) if isinstance(value, float) and value.is_integer() and "," not in cleaned else value


def parse_boolean(text: str) -> bool | None:
    folded = fold(text).rstrip(".")
    if folded in {fold(t) for t in _TRUE}:
        return True
    if folded in {fold(f) for f in _FALSE}:
        return False
    return None


_QUALIFIER = re.compile(
    r"^(?:entro\s+(?:il\s+)?|non\s+oltre\s+(?:il\s+)?|al\s+|dal\s+|fino\s+al\s+|almeno\s+|pari\s+a\s+|"
    r"(?:maggiore|minore|superiore|inferiore)\s+o\s+uguale\s+a\s+|(?:non\s+)?(?:superiore|inferiore)\s+a\s+|"
    r"(?:uguale|pari)\s+o\s+(?:superiore|inferiore)\s+a\s+|"
    r"min(?:imo)?\.?\s+|max(?:imo)?\.?\s+|>=|<=|[≥≤><=~]|circa\s+)\s*", re.IGNORECASE)


def read_value(raw: str | None, unit: str | None) -> Reading:
    """Read a target or actual printed in a column of the given unit kind.

    A leading qualifier ('entro il 30/06/2023', '≥ 95%', 'almeno 3') is read past; the raw text
    keeps it.
    """
    if raw is None or not squash(raw):
        return Reading(None)
    text = _QUALIFIER.sub("", squash(raw), count=1) or squash(raw)
    if unit == "date":
        value = parse_date(text)
        return Reading(value) if value else Reading(None, f"'{text}' is not a valid date")
    if unit == "boolean":
        value = parse_boolean(text)
        return Reading(value) if value is not None else Reading(None, f"'{text}' is not SI/NO")
    if unit in {"number", "percent", "currency", "days", "hours"}:
        if _DATE_LIKE.match(text):
            return Reading(None, f"'{text}' looks like a date in a {unit} column", "unit_value_mismatch")
        value = parse_number(text)
        return Reading(value) if value is not None else Reading(None, f"'{text}' is not a number")
    if unit == "text":
        return Reading(squash(raw))
    # unknown unit: take whatever the value looks like
    if (date := parse_date(text)) is not None:
        return Reading(date)
    if (number := parse_number(text)) is not None:
        return Reading(number)
    if (flag := parse_boolean(text)) is not None:
        return Reading(flag)
    return Reading(squash(raw))  # words: kept as printed, qualifier included


# -- the stage ----------------------------------------------------------------------------------

@dataclass(slots=True)
class Normalised:
    action_areas: list[ActionArea]
    strategic_directions: list[StrategicDirection]
    objectives: list[Objective]
    indicators: list[Indicator]
    warnings: list[Warning]


def normalise(extracted: Extracted, rules: RuleSet, period: Period | None = None,
              department_expected: tuple[str, ...] = ("general", "operational", "specific", "action")) -> Normalised:
    """Give every item its id, type every printed value (a relative year resolved against the plan
    ``period``), canonicalise departments, and collect the warnings.

    ``extracted`` is used up: its lists are emptied as their items are converted, so that a long
    plan is never held twice (at 10,000 pages the raw indicators alone take about 200 MB)."""
    ids = _ids(extracted)
    warnings = [Warning(kind=i.kind, message=i.message, page=i.page, ref=ids.get(id(i.item), i.ref))
                for i in extracted.issues]
    matcher = DepartmentMatcher(rules.departments) if extracted.objectives else None
    objectives = [_objective(o, ids, matcher, warnings, department_expected) for o in extracted.objectives]
    indicators = [_indicator(i, ids, rules.units, period or Period(), warnings)
                  for i in _used_up(extracted.indicators)]
    normalised = Normalised(
        action_areas=[ActionArea(number=a.number, title=a.title, page=a.page, bbox=BBox.of(a.bbox))
                      for a in extracted.action_areas],
        strategic_directions=[StrategicDirection(code=d.code, area=d.area, text=d.text, page=d.page,
                                                 bbox=BBox.of(d.bbox)) for d in extracted.strategic_directions],
        objectives=objectives, indicators=indicators, warnings=warnings)
    for used in (extracted.objectives, extracted.issues, extracted.action_areas, extracted.strategic_directions):
        used.clear()
    return normalised


def _used_up(items: list[T]) -> Iterator[T]:
    """The items of a list in order, each dropped from the list as it is handed out."""
    items.reverse()
    while items:
        yield items.pop()


def _ids(extracted: Extracted) -> dict[int, str]:
    """Every objective's and indicator's id (keyed by the raw item's identity): the printed code,
    else the level and the printed numbering ('operational-1.2'), else the level and the position
    among those of its level without either ('action-3'); an indicator without a code, its
    objective's id and its position under it ('operational-1.2/2'). A repeated id gets '~2', '~3'."""
    ids: dict[int, str] = {}
    taken: set[str] = set()

    def unique(candidate: str) -> str:
        wanted, n = candidate, 1
        while wanted in taken:
            n += 1
            wanted = f"{candidate}~{n}"
        taken.add(wanted)
        return wanted

    unnumbered: dict[str, int] = {}
    for objective in extracted.objectives:
        if objective.code:
            candidate = objective.code
        elif objective.number:
            candidate = f"{objective.level}-{objective.number}"
        else:
            unnumbered[objective.level] = unnumbered.get(objective.level, 0) + 1
            candidate = f"{objective.level}-{unnumbered[objective.level]}"
        ids[id(objective)] = unique(candidate)
    under: dict[str, int] = {}
    for indicator in extracted.indicators:
        if indicator.code:
            ids[id(indicator)] = unique(indicator.code)
            continue
        owner = ids.get(id(indicator.objective)) if indicator.objective is not None else None
        base = owner or "indicator"
        under[base] = under.get(base, 0) + 1
        ids[id(indicator)] = unique(f"{base}/{under[base]}")
    return ids


def _classification(raw: RawClassification | None) -> Classification | None:
    return Classification(code=raw.code, title=raw.title) if raw else None


def _objective(raw: RawObjective, ids: dict[int, str], matcher: DepartmentMatcher | None,
               warnings: list[Warning], expected: tuple[str, ...]) -> Objective:
    identifier = ids[id(raw)]
    department = matcher.resolve(raw.department) if matcher else None
    if department is None and raw.level in expected and raw.responsible is None:
        warnings.append(Warning(kind="missing_department", message=f"objective {identifier} has no department",
                                page=raw.page, ref=identifier))
    return Objective(
        id=identifier, code=raw.code, level=raw.level, level_label=raw.level_label,
        parent_id=ids.get(id(raw.parent)) if raw.parent is not None else None,
        title=raw.title, description=raw.description,
        department=department.name if department else None,
        department_known=department.known if department else None,
        responsible=raw.responsible, political_owner=raw.political_owner,
        weight=_weight(raw.weight_raw, identifier, raw.page, warnings), weight_raw=raw.weight_raw, years=raw.years,
        action_area=raw.action_area, mission=_classification(raw.mission), programme=_classification(raw.programme),
        attributes=raw.attributes, page=raw.page, bbox=BBox.of(raw.bbox))


def _weight(raw: str | None, ref: str, page: int, warnings: list[Warning]) -> float | None:
    if not raw:
        return None
    value = parse_number(_QUALIFIER.sub("", squash(raw), count=1))
    if value is None:
        warnings.append(Warning(kind="unreadable_value", message=f"weight of {ref}: '{raw}' is not a number; "
                                                                 f"value set to null", page=page, ref=ref))
        return None
    return float(value)


def _indicator(raw: RawIndicator, ids: dict[int, str], units: UnitRules, period: Period,
               warnings: list[Warning]) -> Indicator:
    identifier = ids[id(raw)]
    unit = unit_kind(raw.unit_raw, units)
    if raw.unit_raw and unit is None:
        warnings.append(Warning(kind="unknown_unit", message=f"unit '{raw.unit_raw}' is not in the unit vocabulary",
                                page=raw.page, ref=identifier))
    if raw.expects_unit and not raw.unit_raw:
        warnings.append(Warning(kind="missing_unit", message=f"indicator {identifier}: no unit of measure",
                                page=raw.page, ref=identifier))
    values = []
    for value in raw.values:
        reading = read_value(value.raw, unit)
        year = value.year
        if year is None and value.ordinal is not None and period.from_ is not None:
            year = period.from_ + value.ordinal - 1
        if reading.problem:
            label = value.kind if year is None else f"{value.kind} {year}"
            warnings.append(Warning(kind=reading.kind, message=f"{label} of indicator {identifier}: "
                                    f"{reading.problem}; value set to null", page=raw.page, ref=identifier))
        values.append(IndicatorValue(kind=value.kind, year=year, raw=value.raw, value=reading.value))
    target = next((v for v in values if v.kind == "target"), None)
    actual = next((v for v in values if v.kind == "actual"), None)
    objective = raw.objective
    return Indicator(
        id=identifier, code=raw.code, objective_id=ids.get(id(objective)) if objective is not None else None,
        objective_code=objective.code if objective is not None else None, description=raw.description,
        formula=raw.formula, unit=unit, unit_raw=raw.unit_raw,
        weight=_weight(raw.weight_raw, identifier, raw.page, warnings), weight_raw=raw.weight_raw, values=values,
        target_raw=target.raw if target else None, target_value=target.value if target else None,
        actual_raw=actual.raw if actual else None, actual_value=actual.value if actual else None,
        page=raw.page, bbox=BBox.of(raw.bbox))
