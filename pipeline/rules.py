"""Declarative rules: profiles (one per document template) and shared vocabularies.

Everything that describes *how a template looks* lives in YAML under ``rules/``; this module only
loads it into strict pydantic models (``extra="forbid"``) so a typo in a rules file is reported
with the file and the key instead of being silently ignored.
"""

from __future__ import annotations

import hashlib
import re
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from .errors import RulesError
from .text import fold

DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

DocumentKind = Literal["pap", "dup", "unknown"]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE | re.UNICODE)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc


def _check_regex(pattern: str) -> str:
    _compile(pattern)
    return pattern


RegexStr = Annotated[str, AfterValidator(_check_regex)]
"""A case-insensitive regular expression written as a plain string in YAML."""


@lru_cache(maxsize=512)
def compiled(pattern: str) -> re.Pattern[str]:
    """The compiled form of a rules regex (case-insensitive), cached."""
    return _compile(pattern)


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


class HeadingRules(StrictModel):
    """An objective heading: a code followed by a title, printed with emphasis."""

    pattern: RegexStr = Field(description="regex with named groups 'code' and 'title'")
    emphasised: bool = Field(True, description="heading must be bold or larger than body text")
    title_cleanup: list[TitleCleanup] = Field(default_factory=list)


class Column(StrictModel):
    key: str
    labels: list[str]


class TableRules(StrictModel):
    columns: list[Column]
    min_labels: int = Field(2, description="header labels that must be found to accept a header")

    @cached_property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @cached_property
    def folded_labels(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """(column key, folded label, its words) for every label, for fast matching."""
        return tuple((c.key, fold(label), tuple(fold(label).split())) for c in self.columns for label in c.labels)

    @cached_property
    def label_tokens(self) -> dict[str, frozenset[str]]:
        """The telling (folded) words of each column's labels, for a quick first look at a line."""
        common = {"del", "dei", "della", "delle", "per", "con", "and"}
        return {c.key: frozenset(t for label in c.labels for t in fold(label).split()
                                 if len(t) >= 3 and t not in common) for c in self.columns}


class IndicatorTableRules(TableRules):
    code_pattern: RegexStr = Field(r"^\d{3,6}$", description="first token of an indicator row")
    department_row_labels: list[str] = Field(default_factory=list)


class OwnerTableRules(TableRules):
    """The small table under a general objective pairing owner labels with their values."""


class LevelRules(StrictModel):
    """Which level an objective gets from the table that closes it."""

    with_indicator_table: Literal["general", "specific"] = "specific"
    with_owner_table: Literal["general", "specific"] = "general"


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
    name: str
    kind: Literal["pap", "dup"]
    description: str = ""
    detect: DetectRules
    document: DocumentRules = Field(default_factory=DocumentRules)
    furniture: FurnitureRules = Field(default_factory=FurnitureRules)
    objective_heading: HeadingRules
    levels: LevelRules = Field(default_factory=LevelRules)
    indicator_table: IndicatorTableRules | None = None
    owner_table: OwnerTableRules | None = None
    action_area: ActionAreaRules | None = None
    classification: ClassificationRules = Field(default_factory=ClassificationRules)
    strategic_directions: StrategicDirectionRules | None = None
    source: str = Field("", exclude=True)


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
    lemmatizer: bool = Field(False, description="also lemmatise with spaCy's Italian lookup tables (~120 MB)")
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
    patterns: list[RegexStr]


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
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RulesError(f"{path}: not valid YAML: {exc}".replace("\n", " ")) from exc
    except OSError as exc:
        raise RulesError(f"{path}: cannot be read: {exc.strerror}") from exc
    if not isinstance(data, dict):
        raise RulesError(f"{path}: expected a mapping at the top level")
    return data


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _validate(model: type[StrictModel], data: dict[str, Any], path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        message = first["msg"].removeprefix("Value error, ")
        raise RulesError(f"{path}: key '{key}': {message}{more}") from exc


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


def _version_of(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in sorted(files):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def load_rules(directory: Path | str | None = None) -> RuleSet:
    """Load and validate a rules directory (``profiles/*.yaml`` + ``vocabularies/*.yaml``).

    Profiles whose file name starts with ``_`` are only bases for ``extends:``.
    """
    root = Path(directory) if directory else DEFAULT_RULES_DIR
    if not root.is_dir():
        raise RulesError(f"{root}: rules directory not found")
    profile_dir, vocab_dir = root / "profiles", root / "vocabularies"
    profile_files = sorted(profile_dir.glob("*.yaml")) if profile_dir.is_dir() else []
    profiles = []
    for path in profile_files:
        if path.name.startswith("_"):
            continue
        profile = _validate(Profile, _load_profile(path), path)
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
        version=_version_of(profile_files + sorted(vocab_dir.glob("*.yaml"))),
        profiles=sorted(profiles, key=lambda p: (-p.detect.priority, p.name)),
        **vocabularies,
    )
