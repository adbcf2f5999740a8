"""Writing a comparison: changes.json, changes.csv and a self-contained report.html."""

from __future__ import annotations

import difflib
import html
import json
from pathlib import Path

from .compare import Change, Comparison
from .export import to_csv, write_atomic

CHANGE_COLUMNS = ["kind", "level", "old_code", "new_code", "field", "old", "new"]

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1200px}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#eef2f7}td.num{text-align:right}
.warning{background:#fff3cd;border:1px solid #e0c36a;padding:.4rem .6rem}
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}
.code{font-family:monospace;white-space:nowrap}.muted{color:#777}
"""

LABELS = {
    "it": {"title": "Modifiche tra due piani", "old": "Precedente", "new": "Nuovo", "summary": "Riepilogo",
           "objectives": "Obiettivi", "indicators": "Indicatori", "none": "Nessuna differenza.",
           "level": "Livello", "old_code": "Codice precedente", "new_code": "Codice nuovo", "item": "Voce",
           "field": "Campo", "renumbered": "Rinumerati", "changed": "Campi modificati", "removed": "Eliminati",
           "added": "Aggiunti", "kind_differs": "i due documenti sono di tipo diverso: {old} e {new}",
           "entity_differs": "i due documenti sono di enti diversi: {old} e {new}"},
    "en": {"title": "Changes between two plans", "old": "Old", "new": "New", "summary": "Summary",
           "objectives": "Objectives", "indicators": "Indicators", "none": "No differences.",
           "level": "Level", "old_code": "Old code", "new_code": "New code", "item": "Item",
           "field": "Field", "renumbered": "Renumbered", "changed": "Changed fields", "removed": "Removed",
           "added": "Added", "kind_differs": "the two documents are of different kinds: {old} and {new}",
           "entity_differs": "the two documents are of different bodies: {old} and {new}"},
}
KINDS = ("renumbered", "changed", "removed", "added")
CONTEXT_WORDS = 6  # words kept either side of a change in a long text


def write_comparison(comparison: Comparison, directory: Path, lang: str = "it") -> dict[str, Path]:
    directory = Path(directory)
    rows = [change.model_dump() for change in comparison.changes]
    paths = {"json": directory / "changes.json", "csv": directory / "changes.csv", "html": directory / "report.html"}
    write_atomic(paths["json"], json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    write_atomic(paths["csv"], to_csv(rows, CHANGE_COLUMNS))
    write_atomic(paths["html"], report_html(comparison, lang))
    return paths


def document_mismatches(comparison: Comparison, lang: str = "it") -> list[str]:
    """Warnings for two documents that should not be compared as two years of one plan."""
    words = LABELS[lang]
    old, new = comparison.old.document, comparison.new.document
    found = []
    if old.kind != new.kind:
        found.append(words["kind_differs"].format(old=old.kind, new=new.kind))
    if old.entity and new.entity and _folded(old.entity) != _folded(new.entity):
        found.append(words["entity_differs"].format(old=old.entity, new=new.entity))
    return found


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def _name(extraction) -> str:
    document = extraction.document
    return html.escape(f"{document.title or extraction.source.file} ({extraction.source.file})")


def _titles(extraction) -> dict[tuple[str, str], str]:
    """(level, code or id) → the title of an objective or the description of an indicator."""
    titles = {(o.level, o.code or o.id): o.title for o in extraction.objectives}
    titles.update({("indicator", i.code or i.id): i.description for i in extraction.indicators})
    return titles


def report_html(comparison: Comparison, lang: str = "it") -> str:
    """One page, no external resources: a summary, then a table per kind of change."""
    words = LABELS[lang]
    counts = comparison.counts()
    old_titles, new_titles = _titles(comparison.old), _titles(comparison.new)
    parts = [
        "<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>planextract: {words['title']}</title>", f"<style>{_STYLE}</style></head><body>",
        f"<h1>{words['title']}</h1>",
        f"<p>{words['old']}: {_name(comparison.old)}<br>{words['new']}: {_name(comparison.new)}</p>",
    ]
    parts += [f'<p class="warning">⚠ {html.escape(line)}</p>' for line in document_mismatches(comparison, lang)]
    parts.append(f"<h2>{words['summary']}</h2><table><tr><th></th>"
                 + "".join(f"<th>{words[k]}</th>" for k in KINDS) + "</tr>")
    for group in ("objectives", "indicators"):
        cells = "".join(f'<td class="num">{counts[group].get(kind, 0)}</td>' for kind in KINDS)
        parts.append(f"<tr><th>{words[group]}</th>{cells}</tr>")
    parts.append("</table>")
    if not comparison.changes:
        parts.append(f"<p>{words['none']}</p>")
    for kind in KINDS:
        changes = [c for c in comparison.changes if c.kind == kind]
        if not changes:
            continue
        parts.append(f"<h2>{words[kind]} ({len(changes)})</h2><table><tr><th>{words['level']}</th>"
                     f"<th>{words['old_code']}</th><th>{words['new_code']}</th><th>{words['item']}</th>"
                     f"<th>{words['field']}</th><th>{words['old']}</th><th>{words['new']}</th></tr>")
        parts += [_row(change, old_titles, new_titles) for change in changes]
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _row(change: Change, old_titles: dict[tuple[str, str], str], new_titles: dict[tuple[str, str], str]) -> str:
    if change.kind == "changed":
        old, new = _highlight(change.old, change.new)
    else:
        old, new = _plain(change.old), _plain(change.new)
    title = (new_titles.get((change.level, change.new_code or "")) or old_titles.get((change.level, change.old_code or ""))
             if change.kind in ("changed", "renumbered") else None)
    cells = [html.escape(change.level), f'<span class="code">{_plain(change.old_code)}</span>',
             f'<span class="code">{_plain(change.new_code)}</span>', _plain(title), _plain(change.field), old, new]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _plain(value: str | None) -> str:
    return html.escape(value) if value else '<span class="muted">–</span>'


def _highlight(old: str | None, new: str | None) -> tuple[str, str]:
    """Mark the words that differ — removed ones in the old value, inserted ones in the new — with
    a few words of context either side; the unchanged stretches between are cut to '…'."""
    old_words, new_words = (old or "").split(), (new or "").split()
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    opcodes = matcher.get_opcodes()
    left, right = [], []
    for index, (op, a1, a2, b1, b2) in enumerate(opcodes):
        if op == "equal":
            kept = _context(old_words[a1:a2], first=index == 0, last=index == len(opcodes) - 1)
            left.append(kept)
            right.append(kept)
            continue
        a, b = html.escape(" ".join(old_words[a1:a2])), html.escape(" ".join(new_words[b1:b2]))
        if a:
            left.append(f"<del>{a}</del>")
        if b:
            right.append(f"<ins>{b}</ins>")
    return (" ".join(part for part in left if part) or _plain(None)), (" ".join(part for part in right if part)
                                                                        or _plain(None))


def _context(words: list[str], first: bool, last: bool) -> str:
    """An unchanged stretch of words, shortened to the words next to the changes around it."""
    n = CONTEXT_WORDS
    if first and last:
        return html.escape(" ".join(words))
    if first:
        return html.escape(" ".join(words)) if len(words) <= n else "… " + html.escape(" ".join(words[-n:]))
    if last:
        return html.escape(" ".join(words)) if len(words) <= n else html.escape(" ".join(words[:n])) + " …"
    if len(words) <= 2 * n:
        return html.escape(" ".join(words))
    return f"{html.escape(' '.join(words[:n]))} … {html.escape(' '.join(words[-n:]))}"
