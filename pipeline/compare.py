"""Year over year: what changed between two extractions of a plan.

Objectives are matched by level and code first; the rest by the similarity of their title and
description (rapidfuzz), years masked, so that a renumbered objective is *renumbered*, not removed
and added. Indicators are matched by code, then by description within matched objectives, then by
description anywhere. Every matched pair is compared field by field; a description whose only
difference is a year ('2022' → '2023') is a change of that field like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Literal, TypeVar

from pydantic import BaseModel
from rapidfuzz import fuzz

from .models import Classification, Extraction, Indicator, Objective
from .text import fold, squash

ChangeKind = Literal["added", "removed", "renumbered", "changed"]
Item = TypeVar("Item", Objective, Indicator)

OBJECTIVE_THRESHOLD = 85.0   # title + description similarity (0-100) to call two objectives the same
INDICATOR_THRESHOLD = 90.0   # description + unit similarity, for indicators of matched objectives
LOOSE_INDICATOR_THRESHOLD = 95.0  # the same, for indicators that moved to another objective
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


class Change(BaseModel):
    """One difference between the old and the new plan."""

    kind: ChangeKind
    level: Literal["general", "specific", "indicator"]
    old_code: str | None = None
    new_code: str | None = None
    field: str | None = None
    old: str | None = None
    new: str | None = None


@dataclass(slots=True)
class Comparison:
    old: Extraction
    new: Extraction
    changes: list[Change]

    def counts(self) -> dict[str, dict[str, int]]:
        """{level group: {kind: n}} with 'objectives' and 'indicators' as groups."""
        table: dict[str, dict[str, int]] = {"objectives": {}, "indicators": {}}
        for change in self.changes:
            group = table["indicators" if change.level == "indicator" else "objectives"]
            group[change.kind] = group.get(change.kind, 0) + 1
        return table


def compare(old: Extraction, new: Extraction) -> Comparison:
    changes: list[Change] = []
    objective_pairs, removed, added = _match(
        old.objectives, new.objectives, key=lambda o: (o.level, o.code),
        text=lambda o: f"{o.title} {o.description or ''}", threshold=OBJECTIVE_THRESHOLD,
        same_group=lambda a, b: a.level == b.level)
    changes += [_removed(o.level, o.code, o.title) for o in removed]
    changes += [_added(o.level, o.code, o.title) for o in added]
    renamed = {a.code: b.code for a, b in objective_pairs}
    for a, b in objective_pairs:
        if a.code != b.code:
            changes.append(Change(kind="renumbered", level=a.level, old_code=a.code, new_code=b.code,
                                  field="code", old=a.code, new=b.code))
        changes += _field_changes(a.level, a.code, b.code, _objective_fields(a), _objective_fields(b))

    # indicators: by code, then by description among the indicators of matched objectives, then anywhere
    pairs, removed_ind, added_ind = _match(
        old.indicators, new.indicators, key=lambda i: i.code, text=_indicator_text, threshold=INDICATOR_THRESHOLD,
        same_group=lambda a, b: renamed.get(a.objective_code) == b.objective_code)
    loose, removed_ind, added_ind = _match(removed_ind, added_ind, key=lambda i: (i.code, "unmatchable"),
                                           text=_indicator_text, threshold=LOOSE_INDICATOR_THRESHOLD)
    pairs += loose
    changes += [_removed("indicator", i.code, i.description) for i in removed_ind]
    changes += [_added("indicator", i.code, i.description) for i in added_ind]
    for a, b in pairs:
        if a.code != b.code:
            changes.append(Change(kind="renumbered", level="indicator", old_code=a.code, new_code=b.code,
                                  field="code", old=a.code, new=b.code))
        old_fields, new_fields = _indicator_fields(a), _indicator_fields(b)
        # the objective an indicator belongs to changes only if it moved, not if its objective was renumbered
        old_fields["objective"] = renamed.get(a.objective_code, a.objective_code)
        changes += _field_changes("indicator", a.code, b.code, old_fields, new_fields)
    return Comparison(old=old, new=new, changes=_ordered(changes, old, new))


# -- matching ------------------------------------------------------------------------------

def _masked(text: str) -> str:
    return _YEAR.sub("####", fold(squash(text)))


def _match(old: list[Item], new: list[Item], key: Callable[[Item], object], text: Callable[[Item], str],
           threshold: float, same_group: Callable[[Item, Item], bool] = lambda a, b: True,
           ) -> tuple[list[tuple[Item, Item]], list[Item], list[Item]]:
    """Pairs (by key, then by similar text above ``threshold``), the unmatched old and new items."""
    new_by_key = {key(item): item for item in new}
    pairs = [(item, new_by_key[key(item)]) for item in old if key(item) in new_by_key]
    paired_old = {id(a) for a, _ in pairs}
    paired_new = {id(b) for _, b in pairs}
    rest_old = [item for item in old if id(item) not in paired_old]
    rest_new = [item for item in new if id(item) not in paired_new]
    scored = sorted(((fuzz.ratio(_masked(text(a)), _masked(text(b))), i, j)
                     for i, a in enumerate(rest_old) for j, b in enumerate(rest_new) if same_group(a, b)),
                    key=lambda s: (-s[0], s[1], s[2]))
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    for score, i, j in scored:  # best pairs first
        if score < threshold:
            break
        if i in taken_old or j in taken_new:
            continue
        taken_old.add(i)
        taken_new.add(j)
        pairs.append((rest_old[i], rest_new[j]))
    removed = [item for i, item in enumerate(rest_old) if i not in taken_old]
    added = [item for j, item in enumerate(rest_new) if j not in taken_new]
    return pairs, removed, added


def _indicator_text(indicator: Indicator) -> str:
    return f"{indicator.description} {indicator.unit_raw or ''}"


# -- fields ---------------------------------------------------------------------------------

def _classification(value: Classification | None) -> str | None:
    if value is None:
        return None
    return f"{value.code} - {value.title}" if value.title else value.code


def _objective_fields(objective: Objective) -> dict[str, str | None]:
    return {"title": objective.title, "description": objective.description, "department": objective.department,
            "political_owner": objective.political_owner,
            "action_area": None if objective.action_area is None else str(objective.action_area),
            "mission": _classification(objective.mission), "programme": _classification(objective.programme)}


def _indicator_fields(indicator: Indicator) -> dict[str, str | None]:
    return {"objective": indicator.objective_code, "description": indicator.description, "unit": indicator.unit_raw,
            "target": indicator.target_raw, "actual": indicator.actual_raw}


def _field_changes(level: str, old_code: str, new_code: str, old: dict[str, str | None],
                   new: dict[str, str | None]) -> list[Change]:
    changes = []
    for name, old_value in old.items():
        new_value = new.get(name)
        if squash(old_value or "") != squash(new_value or ""):
            changes.append(Change(kind="changed", level=level, old_code=old_code, new_code=new_code, field=name,
                                  old=old_value, new=new_value))
    return changes


def _removed(level: str, code: str, label: str) -> Change:
    return Change(kind="removed", level=level, old_code=code, old=label)


def _added(level: str, code: str, label: str) -> Change:
    return Change(kind="added", level=level, new_code=code, new=label)


def _ordered(changes: Iterable[Change], old: Extraction, new: Extraction) -> list[Change]:
    """Objectives before indicators, each in the order of the new plan (removed ones in the old order)."""
    position: dict[tuple[str, bool, str], int] = {}
    for side, plan in (("new", new), ("old", old)):
        for is_indicator, items in ((False, plan.objectives), (True, plan.indicators)):
            for index, item in enumerate(items):
                position.setdefault((side, is_indicator, item.code), index)
    kinds = {"renumbered": 0, "changed": 1, "removed": 2, "added": 3}

    def sort_key(change: Change) -> tuple:
        is_indicator = change.level == "indicator"
        where = ("new", is_indicator, change.new_code) if change.new_code else ("old", is_indicator, change.old_code)
        return (is_indicator, where[0] == "old", position.get(where, 0), kinds[change.kind], change.field or "")

    return sorted(changes, key=sort_key)
