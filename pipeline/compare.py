"""Year over year: what changed between two extractions of a plan.

Objectives are matched by level and code first; the rest by the similarity of their title and
description (rapidfuzz), years masked, so that a renumbered objective is *renumbered*, not removed
and added. Indicators are matched by code, then by description within matched objectives, then by
description anywhere. Every matched pair is compared field by field; a description whose only
difference is a year ('2022' → '2023') is a change of that field like any other; an indicator's
values one per kind and year (``target 2026: 80% → 85%``).

Matching by text takes the most similar pairs first. It stays fast on long plans renumbered
throughout: identical texts are paired by a lookup, and the rest are scored in bulk by rapidfuzz's
``process.cdist``, group by group (same level; for indicators, the same matched objective). The pairs
are the ones scoring every pair one by one would give (benchmarks/compare.py: a 1,048-page plan with
every code renumbered in about a second).
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, TypeVar

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process

from .models import Classification, Extraction, Indicator, IndicatorValue, Objective
from .text import fold, squash

ChangeKind = Literal["added", "removed", "renumbered", "changed"]
Item = TypeVar("Item", Objective, Indicator)

OBJECTIVE_THRESHOLD = 85.0   # title + description similarity (0-100) to call two objectives the same
INDICATOR_THRESHOLD = 90.0   # description + unit similarity, for indicators of matched objectives
LOOSE_INDICATOR_THRESHOLD = 95.0  # the same, for indicators that moved to another objective
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_BLOCK_CELLS = 1 << 22  # scores computed at once: 32 MB


class Change(BaseModel):
    """One difference between the old and the new plan."""

    kind: ChangeKind
    level: str = Field(description="the objective's level, or 'indicator'")
    old_code: str | None = None
    new_code: str | None = None
    field: str | None = None
    old: str | None = None
    new: str | None = None

    def line(self) -> str:
        """The change in one line: ``target 2026: 80% → 85%``, ``code: 2393 → 4393``, ``added: <title>``;
        a value that is not there (a year added or removed) is ``–``."""
        if self.kind in ("added", "removed"):
            return f"{self.kind}: {self.new if self.kind == 'added' else self.old}"
        return f"{self.field}: {self.old or '–'} → {self.new or '–'}"


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
        old.objectives, new.objectives, key=lambda o: (o.level, _label(o)),
        text=lambda o: f"{o.title} {o.description or ''}", threshold=OBJECTIVE_THRESHOLD,
        group=lambda o: o.level)
    changes += [_removed(o.level, _label(o), o.title) for o in removed]
    changes += [_added(o.level, _label(o), o.title) for o in added]
    renamed = {a.id: b.id for a, b in objective_pairs}
    for a, b in objective_pairs:
        if _label(a) != _label(b):
            changes.append(Change(kind="renumbered", level=a.level, old_code=_label(a), new_code=_label(b),
                                  field="code", old=_label(a), new=_label(b)))
        changes += _field_changes(a.level, _label(a), _label(b), compared_fields(a), compared_fields(b))

    # indicators: by code, then by description among the indicators of matched objectives, then anywhere
    pairs, removed_ind, added_ind = _match(
        old.indicators, new.indicators, key=_label, text=_indicator_text, threshold=INDICATOR_THRESHOLD,
        group=lambda a: renamed.get(a.objective_id), new_group=lambda b: b.objective_id)
    loose, removed_ind, added_ind = _match(removed_ind, added_ind, key=lambda i: (_label(i), "unmatchable"),
                                           text=_indicator_text, threshold=LOOSE_INDICATOR_THRESHOLD)
    pairs += loose
    changes += [_removed("indicator", _label(i), i.description) for i in removed_ind]
    changes += [_added("indicator", _label(i), i.description) for i in added_ind]
    new_labels = {o.id: _label(o) for o in new.objectives}
    old_labels = {o.id: _label(o) for o in old.objectives}
    for a, b in pairs:
        if _label(a) != _label(b):
            changes.append(Change(kind="renumbered", level="indicator", old_code=_label(a), new_code=_label(b),
                                  field="code", old=_label(a), new=_label(b)))
        old_fields, new_fields = compared_fields(a), compared_fields(b)
        # the objective an indicator belongs to changes only if it moved, not if its objective was renumbered
        old_fields["objective"] = new_labels.get(renamed.get(a.objective_id or ""), old_labels.get(a.objective_id or ""))
        new_fields["objective"] = new_labels.get(b.objective_id or "")
        changes += _field_changes("indicator", _label(a), _label(b), old_fields, new_fields)
    return Comparison(old=old, new=new, changes=_ordered(changes, old, new))


# -- matching ------------------------------------------------------------------------------

def _masked(text: str) -> str:
    return _YEAR.sub("####", fold(squash(text)))


def _match(old: list[Item], new: list[Item], key: Callable[[Item], object], text: Callable[[Item], str],
           threshold: float, group: Callable[[Item], Hashable] = lambda item: None,
           new_group: Callable[[Item], Hashable] | None = None,
           ) -> tuple[list[tuple[Item, Item]], list[Item], list[Item]]:
    """Pairs (by key, then by similar text above ``threshold``), the unmatched old and new items.

    Texts are compared only within a group: an old item's ``group`` equal to a new one's ``new_group``
    (``group`` again if not given). Similar pairs are taken best first, ties in the order of the old
    items, then of the new ones: identical texts by a lookup, the rest scored in bulk (``_scored``),
    never one Python call per pair.
    """
    new_by_key = {key(item): item for item in new}
    pairs = [(item, new_by_key[key(item)]) for item in old if key(item) in new_by_key]
    paired_old = {id(a) for a, _ in pairs}
    paired_new = {id(b) for _, b in pairs}
    rest_old = [item for item in old if id(item) not in paired_old]
    rest_new = [item for item in new if id(item) not in paired_new]
    old_texts = [(group(a), _masked(text(a))) for a in rest_old]
    new_texts = [((new_group or group)(b), _masked(text(b))) for b in rest_new]
    found = _identical(old_texts, new_texts)
    taken_old, taken_new = {i for i, _ in found}, {j for _, j in found}
    for _, i, j in sorted(_scored(old_texts, new_texts, taken_old, taken_new, threshold),
                          key=lambda s: (-s[0], s[1], s[2])):  # best pairs first
        if i not in taken_old and j not in taken_new:
            taken_old.add(i)
            taken_new.add(j)
            found.append((i, j))
    pairs += [(rest_old[i], rest_new[j]) for i, j in found]
    removed = [item for i, item in enumerate(rest_old) if i not in taken_old]
    added = [item for j, item in enumerate(rest_new) if j not in taken_new]
    return pairs, removed, added


GroupedText = tuple[Hashable, str]  # (group, masked text) of an item


def _identical(old: list[GroupedText], new: list[GroupedText]) -> list[tuple[int, int]]:
    """Pairs of the same text in the same group (a ratio of 100, the best there is): each old item,
    in order, with the first new one not yet taken."""
    free: dict[GroupedText, deque[int]] = defaultdict(deque)
    for j, grouped in enumerate(new):
        free[grouped].append(j)
    return [(i, free[grouped].popleft()) for i, grouped in enumerate(old) if free.get(grouped)]


def _scored(old: list[GroupedText], new: list[GroupedText], taken_old: set[int], taken_new: set[int],
            threshold: float) -> list[tuple[float, int, int]]:
    """(ratio, old index, new index) of the pairs of items not taken, in the same group, that score
    ``threshold`` or more."""
    old_by_group, new_by_group = _by_group(old, taken_old), _by_group(new, taken_new)
    scored = []
    for grouped, rows in old_by_group.items():
        columns = new_by_group.get(grouped, [])
        queries, choices = [old[i][1] for i in rows], [new[j][1] for j in columns]
        scored += [(score, rows[row], columns[column]) for score, row, column in _above(queries, choices, threshold)]
    return scored


def _by_group(texts: list[GroupedText], taken: set[int]) -> dict[Hashable, list[int]]:
    """The indices of the texts not taken, by group."""
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for index, (grouped, _) in enumerate(texts):
        if index not in taken:
            groups[grouped].append(index)
    return groups


def _above(queries: list[str], choices: list[str], threshold: float) -> Iterator[tuple[float, int, int]]:
    """(ratio, query index, choice index) of the pairs scoring ``threshold`` or more: ``process.cdist``
    (in C, on all cores, cut off below the threshold) on blocks of queries of at most ``_BLOCK_CELLS``
    scores; in double precision, so that a score is the one ``fuzz.ratio`` gives and ties stay ties."""
    if not choices:
        return
    import numpy as np  # only comparisons need it: not imported by every extraction

    step = max(1, _BLOCK_CELLS // len(choices))
    for start in range(0, len(queries), step):
        scores = process.cdist(queries[start:start + step], choices, scorer=fuzz.ratio, score_cutoff=threshold,
                               dtype=np.float64, workers=-1)
        for row, column in zip(*np.nonzero(scores >= threshold)):
            yield float(scores[row, column]), start + int(row), int(column)


def _indicator_text(indicator: Indicator) -> str:
    return f"{indicator.description} {indicator.unit_raw or ''}"


# -- fields ---------------------------------------------------------------------------------

def _label(item: Objective | Indicator) -> str:
    """How an item is named in a change: its printed code, else its id."""
    return item.code or item.id


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Classification):
        return f"{value.code} - {value.title}" if value.title else value.code
    if isinstance(value, list):
        return " ".join(map(str, value)) or None
    return str(value)


def compared_fields(item: Objective | Indicator) -> dict[str, str | None]:
    """The printed content of an item, field by field, as ``compare`` compares it: every field of the
    model not marked as provenance or derived (``NOT_COMPARED``); the other labelled fields one by
    one (``attributes.tempi``); an indicator's values one per kind and year (``target 2026``)."""
    fields: dict[str, str | None] = {}
    for name, info in type(item).model_fields.items():
        if (info.json_schema_extra or {}).get("compare", True) is False or name in ("code", "values", "attributes"):
            continue
        fields[name.removesuffix("_raw")] = _text(getattr(item, name))
    for key, value in sorted(getattr(item, "attributes", {}).items()):
        fields[f"attributes.{key}"] = value
    if isinstance(item, Indicator):
        fields.pop("objective_code", None)  # compared as "objective", renumbering aside
        for value in item.values:
            fields.setdefault(_value_field(value), value.raw)
    return fields


def _value_field(value: IndicatorValue) -> str:
    return value.kind if value.year is None else f"{value.kind} {value.year}"


def _field_changes(level: str, old_code: str, new_code: str, old: dict[str, str | None],
                   new: dict[str, str | None]) -> list[Change]:
    changes = []
    for name in [*old, *(n for n in new if n not in old)]:
        old_value, new_value = old.get(name), new.get(name)
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
                position.setdefault((side, is_indicator, _label(item)), index)
    kinds = {"renumbered": 0, "changed": 1, "removed": 2, "added": 3}

    def sort_key(change: Change) -> tuple:
        is_indicator = change.level == "indicator"
        where = ("new", is_indicator, change.new_code) if change.new_code else ("old", is_indicator, change.old_code)
        return (is_indicator, where[0] == "old", position.get(where, 0), kinds[change.kind], change.field or "")

    return sorted(changes, key=sort_key)
