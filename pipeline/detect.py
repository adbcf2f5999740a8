"""Template detection that explains itself: which profile fits a document, and why.

Each profile scores the document with its weighted keyword patterns (some only count in the
title area: metadata title and first page). A profile is eligible only if all its ``required``
patterns and at least one of its ``required_any`` patterns occur. The eligible profile with the
highest score at or above its ``min_score`` wins; ties go to the higher ``priority``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .rules import Profile, RuleSet, compiled


@dataclass(slots=True)
class KeywordHit:
    pattern: str
    weight: float
    where: str
    matched: str


@dataclass(slots=True)
class ProfileScore:
    profile: Profile
    score: float = 0.0
    hits: list[KeywordHit] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.missing and self.score >= self.profile.detect.min_score


@dataclass(slots=True)
class Detection:
    chosen: Profile | None
    scores: list[ProfileScore]

    def explain(self) -> list[str]:
        lines = []
        for s in self.scores:
            verdict = "CHOSEN" if self.chosen is s.profile else ("eligible" if s.eligible else "rejected")
            lines.append(f"{s.profile.name} (kind {s.profile.kind}): score {s.score:g}"
                         f" / min {s.profile.detect.min_score:g}, priority {s.profile.detect.priority} -> {verdict}")
            lines += [f"  + {h.weight:g} [{h.where}] /{h.pattern}/ matched {h.matched!r}" for h in s.hits]
            lines += [f"  - missing required /{m}/" for m in s.missing]
        if self.chosen is None:
            lines.append("no profile matched: kind 'unknown'")
        return lines


def detect_profile(title_text: str, body_text: str, rules: RuleSet) -> Detection:
    scores = [_score(profile, title_text, body_text) for profile in rules.profiles]
    eligible = [s for s in scores if s.eligible]
    chosen = max(eligible, key=lambda s: (s.score, s.profile.detect.priority)).profile if eligible else None
    return Detection(chosen=chosen, scores=scores)


def _score(profile: Profile, title_text: str, body_text: str) -> ProfileScore:
    result = ProfileScore(profile=profile)
    rules = profile.detect
    for keyword in rules.keywords:
        haystack = title_text if keyword.where == "title" else body_text
        match = compiled(keyword.pattern).search(haystack)
        if match:
            result.score += keyword.weight
            matched = " ".join(match.group().split())[:60]
            result.hits.append(KeywordHit(keyword.pattern, keyword.weight, keyword.where, matched))
    result.missing = [p for p in rules.required if not compiled(p).search(body_text)]
    if rules.required_any and not any(compiled(p).search(body_text) for p in rules.required_any):
        result.missing.append(" | ".join(rules.required_any))
    return result
