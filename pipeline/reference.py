"""Reference text generated from the models, so that the README cannot drift from the code.

Two blocks of the README are written here: the columns of the output tables (from ``contract.py``,
itself derived from ``models.py``) and every key of a rules profile (from the pydantic models of
``rules.py``: their fields, types, defaults, descriptions, and the column keys each table reads).
``python -m pipeline.reference README.md`` rewrites the blocks between their markers; a test
checks that the README holds what this module generates.
"""

from __future__ import annotations

import re
import sys
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from . import contract
from .rules import (
    DepartmentRules,
    EntityRules,
    LexiconRules,
    Profile,
    TableRules,
    UnitRules,
    _check_case_sensitive_regex,
    _check_regex,
)

VOCABULARIES: dict[str, type[BaseModel]] = {"units": UnitRules, "departments": DepartmentRules,
                                            "lexicon": LexiconRules, "entities": EntityRules}
REGEX_CHECKS = (_check_regex, _check_case_sensitive_regex)

def _type_name(annotation: Any, metadata: list[Any] | None = None) -> str:
    """A field's type in a user's words: text, regex, number, one of …, list of …"""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated or any(getattr(m, "func", None) in REGEX_CHECKS for m in metadata or []):
        return "regex"  # the only annotated types of the rules: RegexStr, CaseSensitiveRegexStr
    if origin in (typing.Union, types.UnionType):
        parts = [_type_name(arg) for arg in typing.get_args(annotation) if arg is not type(None)]
        return " or ".join(parts)
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{value}`" for value in typing.get_args(annotation))
    if origin is list:
        return "list of " + _type_name(typing.get_args(annotation)[0])
    if origin is dict:
        return "mapping of " + _type_name(typing.get_args(annotation)[1])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    return {str: "text", int: "integer", float: "number", bool: "true/false"}.get(annotation, str(annotation))


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The rules model a field holds (alone, optional, or in a list), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType):
        return next((m for arg in typing.get_args(annotation) if (m := _model_in(arg))), None)
    return None


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    return str(value)


def _default(info: Any) -> str:
    if info.is_required():
        return "required"
    value = info.get_default(call_default_factory=True)
    if value in (None, [], {}, "") or isinstance(value, BaseModel):
        return ""
    return f"default `{_shown(value)}`"


def _docstring(model: type[BaseModel]) -> str:
    return " ".join((model.__doc__ or "").split())


def _model_keys(model: type[BaseModel], path: str, shown: dict[type[BaseModel], str]) -> list[str]:
    """One line per field of ``model``, its nested models' fields below it, indented; a model met
    before (the columns of every table) is referred to instead of repeated."""
    lines: list[str] = []
    indent = "  " * (path.count(".") + 1) if path else ""
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        nested = _model_in(info.annotation)
        key = f"{path}.{name}" if path else name
        facts = [part for part in (_type_name(info.annotation, info.metadata), _default(info)) if part]
        described = info.description or (_docstring(nested) if nested and nested not in shown else "")
        line = f"{indent}- `{name}` ({', '.join(facts)})"
        if described:
            line += f": {described}"
        if nested and issubclass(nested, TableRules) and nested.KEYS:
            line += f" Column keys it reads: {', '.join(f'`{k}`' for k in sorted(nested.KEYS))}."
        if nested in shown:
            line += f" Keys as under `{shown[nested]}`."
        lines.append(line)
        if nested and nested not in shown:
            shown[nested] = key
            lines += _model_keys(nested, key, shown)
    return lines


EXTENDS = ("- `extends` (file name): the profile this one builds on (a file of the same folder). Mappings merge "
           "key by key; lists of named items (`headings` by `name`, `columns` and `fields` by `key`) item by "
           "item: an item of the same name replaces the base's in its place, a new one is added at the end; "
           "other lists are replaced; `null` removes a key. Files whose name starts with `_` are only bases.")


def profile_keys() -> str:
    """Every key a profile file may hold, nested as in the YAML."""
    return "\n".join([EXTENDS, *_model_keys(Profile, "", {})])


def vocabulary_keys() -> str:
    """The keys of each vocabulary file."""
    lines: list[str] = []
    for name, model in VOCABULARIES.items():
        lines.append(f"- `vocabularies/{name}.yaml`: {_docstring(model)}".rstrip(": "))
        lines += ["  " + line for line in _model_keys(model, "", {})]
    return "\n".join(lines)


def output_tables() -> str:
    """The columns of each output table, in order, with their type and meaning."""
    out: list[str] = []
    for table in contract.TABLES.values():
        keys = ", ".join(table.primary_key)
        out.append(f"`{table.name}` (one row per {_row_of(table.name)}; key {keys}):")
        out.append("")
        for column in table.columns:
            kind = column.kind + (f": {', '.join(column.enum)}" if column.enum else "")
            meaning = f": {column.description}" if column.description else ""
            out.append(f"- `{column.name}` ({kind}){meaning}")
        out.append("")
    return "\n".join(out).rstrip()


def _row_of(table: str) -> str:
    return {"objectives": "objective", "indicators": "indicator", "values": "printed value of an indicator"}[table]


GENERATORS = {"output-tables": output_tables, "profile-keys": profile_keys, "vocabulary-keys": vocabulary_keys}


def _block(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- generated: {name} -->\n)(.*?)(<!-- end: {name} -->)", re.DOTALL)


def readme_block(text: str, name: str) -> str | None:
    """The generated block ``name`` as it stands in a README's text (None if the markers are missing)."""
    found = _block(name).search(text)
    return found.group(2).strip() if found else None


def update(text: str) -> str:
    """The README text with every generated block rewritten."""
    for name, generate in GENERATORS.items():
        found = _block(name).search(text)
        if found:
            text = text[:found.start(2)] + generate() + "\n" + text[found.end(2):]
    return text


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m pipeline.reference README.md", file=sys.stderr)
        return 2
    path = Path(argv[1])
    text = path.read_text(encoding="utf-8")
    path.write_text(update(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
