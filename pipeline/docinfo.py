"""What a document says about itself: title, issuing body, period covered."""

from __future__ import annotations

import re
from collections import Counter

from .models import DocumentInfo, Period
from .rules import RuleSet, compiled
from .segment import SegmentedDocument
from .text import squash

def document_info(doc: SegmentedDocument, rules: RuleSet) -> DocumentInfo:
    profile = doc.profile
    metadata = doc.metadata
    heads = [line.text for line in doc.furniture]
    first_page = doc.survey.title_text
    title_sources = [metadata.get("Title", ""), *heads, first_page]
    patterns = [p for p in (profile.document.title_patterns if profile else [])]
    title = _first_match(patterns, title_sources) or squash(metadata.get("Title", "")) or None
    period_pattern = compiled(profile.document.period_pattern if profile else
                              r"(?P<start>(?:19|20)\d\d)\s*[-\u2010\u2011\u2013/]\s*(?P<end>(?:19|20)\d\d)")
    period = Period()
    for text in [title or "", *title_sources]:
        match = period_pattern.search(text)
        if match and 0 < int(match["end"]) - int(match["start"]) <= 10:
            period = Period(**{"from": int(match["start"]), "to": int(match["end"])})
            break
    entity_sources = [*heads, metadata.get("Author", ""), metadata.get("Title", ""), metadata.get("Subject", ""), first_page]
    entity = _most_frequent(rules.entities.patterns, entity_sources) or _most_frequent(
        rules.entities.patterns, doc.survey.sample_lines)
    return DocumentInfo(kind=doc.kind, profile=profile.name if profile else None, title=title,
                        entity=entity, period=period)


def _first_match(patterns: list[str], texts: list[str]) -> str | None:
    for text in texts:
        for pattern in patterns:
            match = compiled(pattern).search(text)
            if match:
                return squash(match.group())
    return None


def _most_frequent(patterns: list[str], texts: list[str]) -> str | None:
    """Entity patterns are case-sensitive on purpose: a proper name starts with a capital."""
    counts: Counter[str] = Counter()
    for pattern in patterns:
        regex = re.compile(pattern)
        for text in texts:
            counts.update(squash(m.group()) for m in regex.finditer(text))
    if not counts:
        return None
    return max(counts.items(), key=lambda item: (item[1], -len(item[0]), item[0]))[0]
