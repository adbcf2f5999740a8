"""Declarative rules: profiles (one per document template) and shared vocabularies.

Everything that describes *how a template looks* lives in YAML under ``rules/``; this module only
loads it into strict pydantic models (``extra="forbid"``) so a typo in a rules file is reported
with the file and the key instead of being silently ignored.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
import typing
from contextvars import ContextVar
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

import regex
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from .cache import cached, library_stamps
from .errors import RulesError
from .models import Level, ValueKind
from .patterns import TimedPattern, backtracking_problem, record_origins
from .text import fold

if TYPE_CHECKING:
    import yaml  # imported where rules are read: a rules set from the cache folder needs no YAML

DEFAULT_RULES_DIR = Path(str(importlib.resources.files("pipeline").joinpath("ruledata")))
"""The rules shipped inside the package (``rules/`` in the repository points at them)."""

DocumentKind = Literal["pap", "dup", "piao", "performance", "ict_plan"]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


_ORIGINS_SEEN: ContextVar[dict[str, str] | None] = ContextVar("pattern_origins", default=None)
"""Where each pattern of the rules being loaded was written (kept with them in the cache)."""

_CHECKED: ContextVar[set[str] | None] = ContextVar("checked_patterns", default=None)
"""The patterns validated while loading one file, to tell where each was written."""


def _check_regex(pattern: str, ignorecase: bool = True) -> str:
    try:
        re.compile(pattern, re.IGNORECASE if ignorecase else 0)
        compiled(pattern)  # the engine that matches (``regex``) must read it too
        problem = backtracking_problem(pattern, ignorecase)
    except (re.error, regex.error) as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
    if problem:
        raise ValueError(f"catastrophic regular expression {pattern!r}: {problem}")
    seen = _CHECKED.get()
    if seen is not None:
        seen.add(pattern)
    return pattern


def _check_case_sensitive_regex(pattern: str) -> str:
    return _check_regex(pattern, ignorecase=False)


RegexStr = Annotated[str, AfterValidator(_check_regex)]
"""A case-insensitive regular expression written as a plain string in YAML; refused if it is invalid or
can backtrack catastrophically (see ``patterns.py``)."""

CaseSensitiveRegexStr = Annotated[str, AfterValidator(_check_case_sensitive_regex)]


@lru_cache(maxsize=512)
def compiled(pattern: str) -> TimedPattern:
    """The compiled form of a rules regex (case-insensitive, matched with a time limit), cached."""
    return TimedPattern(pattern)


class Keyword(StrictModel):
    pattern: RegexStr
    weight: float = 1.0
    where: Literal["anywhere", "title"] = "anywhere"


class DetectRules(StrictModel):
    """How a profile recognises its documents; scored and explained by ``detect.py``."""

    priority: int = 0
    min_score: float = 1.0
    keywords: list[Keyword] = Field(default_factory=list)
    required: list[RegexStr] = Field(default_factory=list, description="all of these must occur")
    required_any: list[RegexStr] = Field(default_factory=list, description="at least one must occur")


class DocumentRules(StrictModel):
    title_patterns: list[RegexStr] = Field(default_factory=list)
    period_pattern: RegexStr = r"(?P<start>(?:19|20)\d\d)\s*[-\u2010\u2011\u2013/]\s*(?P<end>(?:19|20)\d\d)"


class FurnitureRules(StrictModel):
    """Running headers/footers: lines near the page edges that repeat across pages."""

    edge_band: float = Field(0.12, description="fraction of page height scanned at top and bottom")
    edge_lines: int = Field(2, description="how many outermost lines per edge may be furniture")
    min_repeat_ratio: float = Field(
        0.45, description="share of the neighbouring pages a text must repeat on (odd/even headers: half)")
    page_number_patterns: list[RegexStr] = Field(
        default_factory=lambda: [r"^(pag(ina|\.)?\s*)?\d{1,4}(\s*(di|/|of)\s*\d{1,4})?$"]
    )


class TitleCleanup(StrictModel):
    pattern: RegexStr
    replace: str = ""


def _groups(pattern: str) -> set[str]:
    return set(compiled(pattern).groupindex)


class HeadingRule(StrictModel):
    """A heading that opens an objective (or, with ``kind: indicator``, an indicator), e.g.
    ``Obiettivo operativo 1.2 – Title``. Its pattern names the parts: ``title`` (required), ``code``
    (an identifier as printed) or ``number`` (the plan's numbering, not a code), ``label`` (the
    level's name as printed)."""

    name: str = Field(description="names the rule, so that a profile extending this one can replace it")
    pattern: RegexStr = Field(description="regex with the named group 'title', and 'code', 'number', 'label' "
                                          "as printed")
    level: Level | None = Field(None, description="the level of what it opens; none: given by the table that "
                                                  "confirms it (see 'levels')")
    kind: Literal["objective", "indicator"] = Field("objective", description="what the heading opens")
    emphasised: bool = Field(True, description="the line must be bold or larger than body text")
    confirm: Literal["table", "always"] = Field(
        "table", description="'table': an objective only if a table of the profile (indicators, owner, sheet) "
                             "follows before the next heading; 'always': every match is one")
    parent: Literal["nesting", "numbering", "prefix", "none"] = Field(
        "nesting", description="how its parent is found: the nearest open heading of an earlier rule ('nesting'), "
                               "the one whose number begins this one's ('1' for '1.2', 'numbering'), the one whose "
                               "code begins this one's ('0101' for '01010601', 'prefix'), or none")
    title_cleanup: list[TitleCleanup] = Field(default_factory=list, description="regex substitutions on the title")

    @model_validator(mode="after")
    def _named_groups(self) -> "HeadingRule":
        if "title" not in _groups(self.pattern):
            raise ValueError(f"pattern {self.pattern!r} has no named group 'title'")
        if self.parent == "numbering" and "number" not in _groups(self.pattern):
            raise ValueError(f"parent 'numbering' needs a named group 'number' in {self.pattern!r}")
        if self.parent == "prefix" and "code" not in _groups(self.pattern):
            raise ValueError(f"parent 'prefix' needs a named group 'code' in {self.pattern!r}")
        return self


class Column(StrictModel):
    """A column of a table: the printed labels that name it (compared with case, accents and spacing
    folded, fuzzily), or regexes for labels that carry a year (``Target (?P<year>\\d{4})``, or
    ``(?P<ordinal>primo|secondo|terzo) anno`` for years counted from the plan's first)."""

    key: str = Field(description="what the column holds (the keys each table reads are listed with it)")
    labels: list[str] = Field(default_factory=list, description="printed labels")
    patterns: list[RegexStr] = Field(default_factory=list, description="regexes matching the whole label; groups "
                                                                      "'year' or 'ordinal' give the column's year")

    @model_validator(mode="after")
    def _something_to_match(self) -> "Column":
        if not self.labels and not self.patterns:
            raise ValueError(f"column '{self.key}' has neither labels nor patterns")
        for pattern in self.patterns:
            unknown = _groups(pattern) - {"year", "ordinal"}
            if unknown:
                raise ValueError(f"pattern {pattern!r} of column '{self.key}': unknown named group(s) "
                                 f"{', '.join(sorted(unknown))} (only 'year', 'ordinal')")
        return self


ORDINALS = {"primo": 1, "prima": 1, "1": 1, "secondo": 2, "seconda": 2, "2": 2, "terzo": 3, "terza": 3, "3": 3,
            "quarto": 4, "quarta": 4, "4": 4, "quinto": 5, "quinta": 5, "5": 5}


class TableRules(StrictModel):
    columns: list[Column]
    min_labels: int = Field(2, description="header labels that must be found to accept a header")
    required: list[str] = Field(default_factory=list, description="column keys a header must have besides "
                                                                  "(e.g. the objective's title)")

    KEYS: ClassVar[frozenset[str]] = frozenset()
    REPEATING: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _known_keys(self) -> "TableRules":
        for key in self.required:
            if key not in {c.key for c in self.columns}:
                raise ValueError(f"required column '{key}' is not among the columns")
        for column in self.columns:
            if self.KEYS and column.key not in self.KEYS and not column.key.startswith("attributes."):
                raise ValueError(f"column key '{column.key}' is not read from this table "
                                 f"(it reads: {', '.join(sorted(self.KEYS))})")
        return self

    @cached_property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @cached_property
    def folded_labels(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """(column key, folded label, its words) for every label, for fast matching."""
        return tuple((c.key, fold(label), tuple(fold(label).split())) for c in self.columns for label in c.labels)

    @cached_property
    def label_patterns(self) -> tuple[tuple[str, TimedPattern], ...]:
        return tuple((c.key, compiled(p)) for c in self.columns for p in c.patterns)

    @cached_property
    def label_tokens(self) -> dict[str, frozenset[str]]:
        """The telling (folded) words of each column's labels, for a quick first look at a line."""
        common = {"del", "dei", "della", "delle", "per", "con", "and"}
        tokens: dict[str, set[str]] = {}
        for c in self.columns:
            words = {t for label in c.labels for t in fold(label).split() if len(t) >= 3 and t not in common}
            words |= {w for p in c.patterns for w in re.findall(r"[a-z]{3,}", fold(p)) if w not in common}
            tokens.setdefault(c.key, set()).update(words)
        return {key: frozenset(words) for key, words in tokens.items()}


class IndicatorTableRules(TableRules):
    """Columns: code, description, formula, unit, weight; baseline, target, actual (one per year when
    their labels carry one)."""

    KEYS: ClassVar[frozenset[str]] = frozenset(
        {"code", "description", "formula", "unit", "weight", "baseline", "target", "actual"})
    REPEATING: ClassVar[frozenset[str]] = frozenset({"baseline", "target", "actual"})
    code_pattern: RegexStr = Field(r"^\d{3,6}$", description="first token of an indicator row")
    department_row_labels: list[str] = Field(default_factory=list, description="labels of a row naming the "
                                             "objective's department inside the table ('Obiettivo specifico')")
    rows: Literal["code", "bands"] = Field(
        "code", description="'code': a row opens at a code (rows without any are cut by the table's row lines "
                            "or padding); 'bands': always by row lines or padding")


class OwnerTableRules(TableRules):
    """The small table under a general objective pairing owner labels with their values.
    Columns: mission_programme, political_owner, department, responsible."""

    KEYS: ClassVar[frozenset[str]] = frozenset({"mission_programme", "political_owner", "department", "responsible"})


class ObjectiveTableRules(TableRules):
    """A table whose rows are objectives (a DUP's table of obiettivi operativi). Columns: code, title,
    description, department, responsible, political_owner, weight, years (a mark under a year column:
    the objective runs that year), attributes.NAME."""

    KEYS: ClassVar[frozenset[str]] = frozenset(
        {"code", "title", "description", "department", "responsible", "political_owner", "weight", "years"})
    REPEATING: ClassVar[frozenset[str]] = frozenset({"years"})
    level: Level = Field(description="the level of the objectives it lists")
    required: list[str] = Field(default_factory=lambda: ["title"], description="column keys a header must have")
    code_pattern: RegexStr | None = Field(None, description="what a row's code looks like (none: rows are cut by "
                                                            "row lines or padding)")
    parent: Literal["nesting", "prefix", "none"] = Field(
        "nesting", description="each row's parent: the open heading ('nesting'), the objective whose code begins "
                               "the row's ('prefix'), or none")


class ValueTableRules(TableRules):
    """A small table under an indicator heading, a row per year. Columns: year, baseline, target, actual."""

    KEYS: ClassVar[frozenset[str]] = frozenset({"year", "baseline", "target", "actual"})


class SheetField(StrictModel):
    key: str = Field(description="title, description, department, responsible, political_owner, weight, or "
                                 "attributes.NAME (kept under NAME in the objective's attributes)")
    labels: list[str]

    @model_validator(mode="after")
    def _known_key(self) -> "SheetField":
        if self.key not in SheetRules.KEYS and not re.fullmatch(r"attributes\.[a-z_][a-z0-9_]*", self.key):
            raise ValueError(f"field key '{self.key}' is not read from a sheet "
                             f"(it reads: {', '.join(sorted(SheetRules.KEYS))}, attributes.NAME)")
        return self


class SheetRules(StrictModel):
    """An objective's sheet: labelled fields printed as a two-column table (label | value) or as lines
    ('Settore responsabile: Servizi demografici'), under its heading."""

    KEYS: ClassVar[frozenset[str]] = frozenset(
        {"title", "description", "department", "responsible", "political_owner", "weight"})
    fields: list[SheetField]
    min_fields: int = Field(2, description="labelled fields that must be found to take the lines as a sheet")

    @cached_property
    def folded(self) -> tuple[tuple[str, str], ...]:
        """(key, folded label), longest labels first so that 'Dirigente responsabile' wins over 'Responsabile'."""
        pairs = [(f.key, fold(label).rstrip(":").strip()) for f in self.fields for label in f.labels]
        return tuple(sorted(pairs, key=lambda pair: -len(pair[1])))


class ValueLine(StrictModel):
    pattern: RegexStr = Field(description="regex with the named group 'raw' (the value as printed) and 'year' "
                                          "or 'ordinal'")
    kind: ValueKind = "target"

    @model_validator(mode="after")
    def _raw_group(self) -> "ValueLine":
        if "raw" not in _groups(self.pattern):
            raise ValueError(f"pattern {self.pattern!r} has no named group 'raw'")
        return self


class IndicatorValueRules(StrictModel):
    """The values of an indicator printed as a heading: lines under it (bullets) and/or a small table
    with a row per year."""

    lines: list[ValueLine] = Field(default_factory=list, description="first matching pattern wins")
    table: ValueTableRules | None = None
    baseline_prefix: RegexStr | None = Field(
        None, description="a value starting with this is the baseline (the prefix is dropped): 'Baseline:'")


class LevelRules(StrictModel):
    """Which level an objective gets from the table that closes it, when its heading rule has none."""

    with_indicator_table: Level = "specific"
    with_owner_table: Level = "general"
    with_sheet: Level = "operational"


class ActionAreaRules(StrictModel):
    marker_pattern: RegexStr = Field(description="regex with a named group 'number'")


class ClassificationRules(StrictModel):
    mission_pattern: RegexStr | None = None
    programme_pattern: RegexStr | None = None
    owner_cell_pattern: RegexStr | None = Field(
        None, description="regex with 'mission' and 'programme' groups for the owner table cell"
    )


class StrategicDirectionRules(StrictModel):
    section_pattern: RegexStr
    area_pattern: RegexStr = Field(description="regex with groups 'number' and 'title'")
    item_pattern: RegexStr = Field(description="regex with groups 'letter' and 'text'")


class Profile(StrictModel):
    """One document template: how to recognise it and how its parts are printed."""

    name: str
    kind: DocumentKind = Field(description="the document kind it gives: " + ", ".join(typing.get_args(DocumentKind)))
    description: str = ""
    detect: DetectRules
    document: DocumentRules = Field(default_factory=DocumentRules)
    furniture: FurnitureRules = Field(default_factory=FurnitureRules)
    headings: list[HeadingRule] = Field(default_factory=list, description="headings that open objectives, broadest first")
    contents_pattern: RegexStr = Field(
        r"(?:\.\s*){4,}\d{1,4}\s*$", description="a table-of-contents entry (dot leaders and a page number): "
                                               "never a heading")
    levels: LevelRules = Field(default_factory=LevelRules)
    department_expected: list[Level] = Field(
        default_factory=lambda: ["general", "operational", "specific", "action"],
        description="levels whose objectives print a department: one without gets a missing_department warning")
    indicator_table: IndicatorTableRules | None = None
    owner_table: OwnerTableRules | None = None
    sheet: SheetRules | None = None
    objective_table: ObjectiveTableRules | None = None
    indicator_values: IndicatorValueRules | None = None
    action_area: ActionAreaRules | None = None
    classification: ClassificationRules = Field(default_factory=ClassificationRules)
    strategic_directions: StrategicDirectionRules | None = None
    source: str = Field("", exclude=True)

    @model_validator(mode="after")
    def _unique_heading_names(self) -> "Profile":
        names = [rule.name for rule in self.headings]
        if len(names) != len(set(names)):
            raise ValueError(f"headings: names repeat ({', '.join(names)})")
        return self


class UnitRules(StrictModel):
    """Canonical unit kinds and the printed forms that map to them."""

    kinds: dict[str, list[str]]

    @cached_property
    def by_alias(self) -> dict[str, str]:
        return {fold(alias): kind for kind, aliases in self.kinds.items() for alias in [kind, *aliases]}


class KnownDepartment(StrictModel):
    name: str
    aliases: list[str] = Field(default_factory=list)


class DepartmentRules(StrictModel):
    unit_heads: dict[str, list[str]] = Field(
        description="nouns that open an organisational unit name, each with its other forms (plural ...)")
    lemmatizer: bool = Field(False, description="also lemmatise with spaCy's Italian lookup tables (read once, then cached)")
    known: list[KnownDepartment] = Field(default_factory=list)
    min_similarity: float = 92.0


class LexiconRules(StrictModel):
    """Settings of the lost-ligature repair (see ``ligatures.py``)."""

    language: str = "it"
    fills: list[str] = Field(description="letter groups a lost ligature glyph may stand for")
    min_zipf: float = Field(3.0, description="frequency from which a word of 3+ letters is 'known'")
    join_min_zipf: float = Field(2.0, description="frequency a repaired word needs")
    fill_cost: float = Field(1.5, description="log10 cost of assuming one lost glyph")
    lead_fill_cost: float = Field(3.0, description="log10 cost of a lost glyph opening a word (rare in Italian)")
    real_pair_margin: float = Field(1.0, description="extra log10 gain needed to glue words that are all real")
    punctuation_evidence: float = Field(2.0, description="log10 weight of a space before punctuation")
    gap_sigma_em: float = Field(0.08, description="how far (in font sizes) a gap may stray from its expected width")
    gap_cap: float = Field(4.0, description="the most (log10) one gap's width can weigh")
    short_words: list[str] = Field(description="the only 1-2 letter words counted as real words")
    extra_words: list[str] = Field(default_factory=list, description="domain words missing from the frequency list")


class EntityRules(StrictModel):
    patterns: list[CaseSensitiveRegexStr]


class RuleSet(StrictModel):
    """Everything loaded from one rules directory."""

    directory: str
    version: str = Field(description="sha256 of the rules files, for caches and provenance")
    profiles: list[Profile]
    units: UnitRules
    departments: DepartmentRules
    lexicon: LexiconRules
    entities: EntityRules


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    files_read = _FILES_READ.get()
    if files_read is not None:
        files_read.append(path)
    try:
        data = _parse_yaml(path.read_bytes().decode("utf-8"), path)
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        raise RulesError(f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} on line {line}): "
                         "save it as UTF-8") from exc
    except yaml.YAMLError as exc:
        raise RulesError(f"{path}: not valid YAML: {exc}".replace("\n", " ")) from exc
    except OSError as exc:
        raise RulesError(f"{path}: cannot be read: {exc.strerror}") from exc
    if not isinstance(data, dict):
        raise RulesError(f"{path}: expected a mapping at the top level")
    return data


def _parse_yaml(text: str, path: Path) -> Any:
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_repeated_keys(node, path)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _refuse_repeated_keys(root: yaml.Node, path: Path) -> None:
    """YAML keeps the last of two equal keys: a rule written twice would silently lose its first form."""
    import yaml

    pending: list[tuple[yaml.Node, str]] = [(root, "")]
    visited: set[int] = set()  # an alias is the node it names: walk it once
    while pending:
        node, where = pending.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        prefix = f"{where}." if where else ""
        if isinstance(node, yaml.SequenceNode):
            pending += [(item, f"{prefix}{k}") for k, item in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode):
            first: dict[tuple[str, str], int] = {}
            for key, value in node.value:
                name = (key.tag, key.value) if isinstance(key, yaml.ScalarNode) else None
                if name in first:
                    raise RulesError(f"{path}: key '{prefix}{key.value}': repeated on line "
                                     f"{key.start_mark.line + 1} (first on line {first[name]}); YAML would keep "
                                     "only the last: remove one")
                if name is not None:
                    first[name] = key.start_mark.line + 1
                    pending.append((value, f"{prefix}{key.value}"))


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """A profile over the one it extends: mappings merge key by key, lists of named items (heading
    rules by ``name``, columns and fields by ``key``) item by item — an item of the same name replaces
    the base's, in its place, a new one is added at the end; ``null`` removes a section."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        elif isinstance(value, list) and isinstance(merged.get(key), list) and _named(value) and _named(merged[key]):
            merged[key] = _merge_named(merged[key], value)
        elif value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _named(items: list[Any]) -> str | None:
    """The field naming the items of a list ('name' or 'key'), if every item has it."""
    for field_name in ("name", "key"):
        if items and all(isinstance(item, dict) and field_name in item for item in items):
            return field_name
    return None


def _merge_named(base: list[dict[str, Any]], override: list[dict[str, Any]]) -> list[dict[str, Any]]:
    field_name = _named(base)
    if field_name != _named(override):
        return override
    merged = list(base)
    for item in override:
        position = next((k for k, old in enumerate(merged) if old[field_name] == item[field_name]), None)
        if position is None:
            merged.append(item)
        else:
            merged[position] = _deep_merge(merged[position], item)
    return merged


def _validate(model: type[StrictModel], data: dict[str, Any], path: Path,
              inherited: typing.Callable[[str], Path | None] | None = None) -> Any:
    """``data`` as ``model``; ``inherited`` tells which base profile (if any) wrote a refused value."""
    checked: set[str] = set()
    token = _CHECKED.set(checked)
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        message = first["msg"].removeprefix("Value error, ")
        base = inherited(first["input"]) if inherited and isinstance(first["input"], str) else None
        origin = f" (set in {base.name})" if base else ""
        raise RulesError(f"{path}: key '{key}': {message}{origin}{more}") from exc
    finally:
        _CHECKED.reset(token)
    origins: dict[str, str] = {}
    for pattern, key in _strings(data, checked):
        origins.setdefault(pattern, f"{path}: key '{key}'")
    record_origins(origins)
    seen = _ORIGINS_SEEN.get()
    if seen is not None:
        for pattern, where in origins.items():
            seen.setdefault(pattern, where)
    return result


def _strings(data: Any, wanted: set[str], key: str = "") -> typing.Iterator[tuple[str, str]]:
    """(string, its dotted key) for the strings of ``wanted`` found in ``data``."""
    if isinstance(data, str) and data in wanted:
        yield data, key
    elif isinstance(data, dict | list):
        items = data.items() if isinstance(data, dict) else enumerate(data)
        for name, value in items:
            yield from _strings(value, wanted, f"{key}.{name}" if key else str(name))


def _load_profile(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    data = _read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    parent_path = (path.parent / str(parent)).resolve()
    if parent_path in seen:
        raise RulesError(f"{path}: key 'extends': circular reference to {parent_path.name}")
    if not parent_path.is_file():
        raise RulesError(f"{path}: key 'extends': no such file {parent}")
    return _deep_merge(_load_profile(parent_path, (*seen, path.resolve())), data)


def _set_in_base(path: Path, value: str) -> Path | None:
    """The base profile (of the ``extends:`` chain) whose text holds ``value``, when ``path`` does not."""
    current, seen = path.resolve(), set()
    while current.is_file() and current not in seen:
        seen.add(current)
        data = _read_yaml(current)
        if next(_strings(data, {value}), None):
            return None if current == path.resolve() else current
        if "extends" not in data:
            return None
        current = (current.parent / str(data["extends"])).resolve()
    return None


def _version_of(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in sorted(files):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def load_rules(directory: Path | str | None = None) -> RuleSet:
    """Load and validate a rules directory (``profiles/*.yaml`` + ``vocabularies/*.yaml``).

    Profiles whose file name starts with ``_`` are only bases for ``extends:``. The validated rules
    are kept in the cache folder (``cache.py``) under the files' contents, so a fresh process skips
    the validation; any change to a file validates again.
    """
    root = Path(directory) if directory else DEFAULT_RULES_DIR
    if not root.is_dir():
        raise RulesError(f"{root}: rules directory not found")
    profile_dir, vocab_dir = root / "profiles", root / "vocabularies"
    profile_files = sorted(profile_dir.glob("*.yaml")) if profile_dir.is_dir() else []
    vocab_files = sorted(vocab_dir.glob("*.yaml")) if vocab_dir.is_dir() else []
    try:
        version = _version_of(profile_files + vocab_files)
    except OSError as exc:
        raise RulesError(f"{exc.filename}: cannot be read: {exc.strerror}") from exc
    key = (str(root.resolve()), version, *library_stamps("pydantic", "pydantic_core", "regex", "yaml"))
    loaded = cached("rules", key, lambda: _build_rules(root, version))
    versioned = {str(path.resolve()) for path in profile_files + vocab_files}
    if not all(_digest(Path(name)) == digest for name, digest in loaded.files if name not in versioned):
        loaded = _build_rules(root, version)  # a base profile elsewhere (not in ``version``) has changed
    record_origins(loaded.origins)
    return loaded.rules


class _LoadedRules(typing.NamedTuple):
    rules: RuleSet
    origins: dict[str, str]  # pattern -> where it was written, for the messages of a timeout
    files: tuple[tuple[str, str], ...]  # every file read, with the digest of its bytes


_FILES_READ: ContextVar[list[Path] | None] = ContextVar("rules_files_read", default=None)


def _build_rules(root: Path, version: str) -> _LoadedRules:
    files: list[Path] = []
    origins: dict[str, str] = {}
    token = _FILES_READ.set(files)
    origins_token = _ORIGINS_SEEN.set(origins)
    try:
        rules = _validated_rules(root, version)
    finally:
        _FILES_READ.reset(token)
        _ORIGINS_SEEN.reset(origins_token)
    read = sorted({str(path.resolve()) for path in files})
    return _LoadedRules(rules, origins, tuple((name, _digest(Path(name))) for name in read))


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def _validated_rules(root: Path, version: str) -> RuleSet:
    profile_dir, vocab_dir = root / "profiles", root / "vocabularies"
    profile_files = sorted(profile_dir.glob("*.yaml")) if profile_dir.is_dir() else []
    profiles = []
    for path in profile_files:
        if path.name.startswith("_"):
            continue
        profile = _validate(Profile, _load_profile(path), path, partial(_set_in_base, path))
        profiles.append(profile.model_copy(update={"source": str(path)}))
    if not profiles:
        raise RulesError(f"{profile_dir}: no profiles found (expected profiles/*.yaml)")

    vocabularies: dict[str, Any] = {}
    for name, model in (("units", UnitRules), ("departments", DepartmentRules),
                        ("lexicon", LexiconRules), ("entities", EntityRules)):
        path = vocab_dir / f"{name}.yaml"
        if not path.is_file():
            raise RulesError(f"{path}: vocabulary file missing")
        vocabularies[name] = _validate(model, _read_yaml(path), path)

    return RuleSet(
        directory=str(root),
        version=version,
        profiles=sorted(profiles, key=lambda p: (-p.detect.priority, p.name)),
        **vocabularies,
    )
