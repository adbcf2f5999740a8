"""The tables of an extraction, derived from the output models — the one place fields are declared.

Every flat table (CSV, Parquet, the catalog, the data package) is a list of :class:`Column`, made by
walking a pydantic model: a nested model becomes prefixed columns (``mission`` → ``mission_code``,
``mission_title``; ``bbox`` → ``bbox_x0`` …), a list of numbers one text column (``2025 2026``), a
mapping one JSON column, and a list of models a table of its own (an indicator's ``values``). A new
field in ``models.py`` appears in every output without touching this module.
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .models import Extraction, Indicator, IndicatorValue, Objective

Kind = str  # a Table Schema type: string, integer, number, boolean, date, any


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    description: str | None
    enum: tuple[str, ...] = ()
    get: Callable[[Any], Any] = field(default=lambda item: None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Link:
    """A column copied from the row another column points at (an indicator's objective title)."""

    name: str
    via: str        # the column holding the other row's id
    table: str      # the other table
    source: str     # the other table's column


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()  # (columns, table, columns)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_SIMPLE = {str: "string", int: "integer", float: "number", bool: "boolean"}
DESCRIPTIONS = {
    "document": "the output name of the document the row comes from",
    "indicator_id": "id of the indicator the value belongs to", "position": "the value's place in print order, from 1",
    "objective_title": "title of the indicator's objective", "objective_department": "department of that objective",
    "mission_code": "budget mission (D.Lgs. 118/2011)", "mission_title": "title of the mission",
    "programme_code": "budget programme (D.Lgs. 118/2011)", "programme_title": "title of the programme",
    "page": "page number, from 1", "bbox_x0": "left edge, PDF points from the page's left",
    "bbox_top": "top edge, PDF points from the page's top", "bbox_x1": "right edge", "bbox_bottom": "bottom edge",
}


def _parts(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _parts(arg)]
    return [annotation]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    return next((t for t in _parts(annotation) if isinstance(t, type) and issubclass(t, BaseModel)), None)


def model_columns(model: type[BaseModel], prefix: str = "",
                  get: Callable[[Any], Any] = lambda item: item) -> list[Column]:
    """The flat columns of a model's fields, in declaration order (lists of models left out)."""
    columns: list[Column] = []
    for name, info in model.model_fields.items():
        getter = (lambda item, n=name, g=get: getattr(g(item), n) if g(item) is not None else None)
        annotation = info.annotation
        origin = typing.get_origin(annotation)
        nested = _model_in(annotation)
        if origin is list:
            (inner,) = typing.get_args(annotation)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                continue  # a table of its own
            columns.append(Column(prefix + name, "string", info.description,
                                  get=lambda item, g=getter: " ".join(map(str, g(item) or [])) or None))
        elif origin is dict:
            columns.append(Column(prefix + name, "string", f"{info.description} (JSON)",
                                  get=lambda item, g=getter: json.dumps(g(item), ensure_ascii=False, sort_keys=True)
                                  if g(item) else None))
        elif nested is not None:
            columns += model_columns(nested, f"{prefix}{name}_", getter)
        else:
            kinds = [t for t in _parts(annotation) if t is not type(None)]
            literals = [v for t in kinds if typing.get_origin(t) is typing.Literal for v in typing.get_args(t)]
            if literals:
                kind, enum = "string", tuple(literals)
            else:
                kind, enum = (_SIMPLE[kinds[0]] if len(kinds) == 1 and kinds[0] in _SIMPLE else "any"), ()
            columns.append(Column(prefix + name, kind, DESCRIPTIONS.get(prefix + name) or info.description, enum,
                                  getter))
            if kind == "any":
                columns += typed_columns(prefix + name, getter)
    return columns


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TYPED = {"number": ("number", "when it is a number"), "date": ("date", "when it is a date (ISO)"),
         "bool": ("boolean", "when it is yes/no")}


def _typed(kind: str, value: Any) -> Any:
    """``value`` if it is of the typed column's kind, else None."""
    if kind == "bool":
        return value if isinstance(value, bool) else None
    if kind == "number":
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return value if isinstance(value, str) and ISO_DATE.fullmatch(value) else None


def typed_columns(name: str, get: Callable[[Any], Any]) -> list[Column]:
    """Columns of one type each beside a value column of mixed type (``target_value`` →
    ``target_number``, ``target_date``, ``target_bool``), for the tools that type a column once."""
    stem = name.removesuffix("value")
    return [Column(f"{stem}{suffix}", kind, f"{stem.rstrip('_') or 'the value'} {when}",
                   get=lambda item, k=suffix, g=get: _typed(k, g(item)))
            for suffix, (kind, when) in TYPED.items()]


def _linked(columns: list[Column], after: str, links: list[Link], tables: dict[str, list[Column]]) -> list[Column]:
    out: list[Column] = []
    for column in columns:
        out.append(column)
        if column.name == after:
            for link in links:
                source = next(c for c in tables[link.table] if c.name == link.source)
                out.append(Column(link.name, source.kind, DESCRIPTIONS.get(link.name) or source.description,
                                  source.enum))
    return out


_OBJECTIVE_COLUMNS = model_columns(Objective)
LINKS = [Link("objective_title", "objective_id", "objectives", "title"),
         Link("objective_department", "objective_id", "objectives", "department")]
OBJECTIVES = Table("objectives", tuple(_OBJECTIVE_COLUMNS), ("id",))
INDICATORS = Table("indicators", tuple(_linked(model_columns(Indicator), "objective_code", LINKS,
                                               {"objectives": _OBJECTIVE_COLUMNS})),
                   ("id",), ((("objective_id",), "objectives", ("id",)),))
VALUES = Table("values", (Column("indicator_id", "string", DESCRIPTIONS["indicator_id"]),
                          Column("position", "integer", DESCRIPTIONS["position"]),
                          *model_columns(IndicatorValue)),
               ("indicator_id", "position"), ((("indicator_id",), "indicators", ("id",)),))
TABLES = {table.name: table for table in (OBJECTIVES, INDICATORS, VALUES)}


def with_document(table: Table) -> Table:
    """The table of a batch: a ``document`` column in front, in every key."""
    document = Column("document", "string", DESCRIPTIONS["document"])
    return Table(table.name, (document, *table.columns), ("document", *table.primary_key),
                 tuple((("document", *c), t, ("document", *r)) for c, t, r in table.foreign_keys))


def table_rows(extraction: Extraction, name: str) -> list[dict[str, Any]]:
    """The rows of one table of an extraction, as {column: value}."""
    return list(iter_rows(extraction, name))


def iter_rows(extraction: Extraction, name: str) -> Iterator[dict[str, Any]]:
    """``table_rows`` one row at a time (a long plan's tables need not be held whole to be written)."""
    if name not in ("objectives", "indicators", "values"):
        raise KeyError(name)
    if name == "objectives":
        for objective in extraction.objectives:
            yield {c.name: c.get(objective) for c in OBJECTIVES.columns}
    elif name == "indicators":
        objectives = {o.id: o for o in extraction.objectives}
        links = {link.name: link for link in LINKS}
        for indicator in extraction.indicators:
            row: dict[str, Any] = {}
            for column in INDICATORS.columns:
                if column.name in links:
                    other = objectives.get(getattr(indicator, links[column.name].via))
                    row[column.name] = getattr(other, links[column.name].source) if other else None
                else:
                    row[column.name] = column.get(indicator)
            yield row
    else:
        for indicator in extraction.indicators:
            for position, value in enumerate(indicator.values, start=1):
                yield {"indicator_id": indicator.id, "position": position,
                       **{c.name: c.get(value) for c in VALUES.columns[2:]}}
