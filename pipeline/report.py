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
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}
.code{font-family:monospace;white-space:nowrap}.muted{color:#777}
"""

_TITLES = {"renumbered": "Renumbered", "changed": "Changed fields", "removed": "Removed", "added": "Added"}


def write_comparison(comparison: Comparison, directory: Path) -> dict[str, Path]:
    directory = Path(directory)
    rows = [change.model_dump() for change in comparison.changes]
    paths = {"json": directory / "changes.json", "csv": directory / "changes.csv", "html": directory / "report.html"}
    write_atomic(paths["json"], json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    write_atomic(paths["csv"], to_csv(rows, CHANGE_COLUMNS))
    write_atomic(paths["html"], report_html(comparison))
    return paths


def _name(extraction) -> str:  # noqa: ANN001 (an Extraction)
    document = extraction.document
    return html.escape(f"{document.title or extraction.source.file} ({extraction.source.file})")


def report_html(comparison: Comparison) -> str:
    """One page, no external resources: a summary, then a table per kind of change."""
    counts = comparison.counts()
    parts = [
        "<!DOCTYPE html>", '<html lang="it"><head><meta charset="utf-8">',
        "<title>planextract: changes between two plans</title>", f"<style>{_STYLE}</style></head><body>",
        "<h1>Changes between two plans</h1>",
        f"<p>Old: {_name(comparison.old)}<br>New: {_name(comparison.new)}</p>",
        "<h2>Summary</h2><table><tr><th></th>"
        + "".join(f"<th>{_TITLES[k]}</th>" for k in _TITLES) + "</tr>",
    ]
    for group in ("objectives", "indicators"):
        cells = "".join(f'<td class="num">{counts[group].get(kind, 0)}</td>' for kind in _TITLES)
        parts.append(f"<tr><th>{group.capitalize()}</th>{cells}</tr>")
    parts.append("</table>")
    if not comparison.changes:
        parts.append("<p>No differences.</p>")
    for kind, title in _TITLES.items():
        changes = [c for c in comparison.changes if c.kind == kind]
        if not changes:
            continue
        parts.append(f"<h2>{title} ({len(changes)})</h2><table><tr><th>Level</th><th>Old code</th>"
                     "<th>New code</th><th>Field</th><th>Old</th><th>New</th></tr>")
        parts += [_row(change) for change in changes]
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _row(change: Change) -> str:
    old, new = _highlight(change.old, change.new) if change.kind == "changed" else (
        _plain(change.old), _plain(change.new))
    cells = [html.escape(change.level), f'<span class="code">{_plain(change.old_code)}</span>',
             f'<span class="code">{_plain(change.new_code)}</span>', _plain(change.field), old, new]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _plain(value: str | None) -> str:
    return html.escape(value) if value else '<span class="muted">–</span>'


def _highlight(old: str | None, new: str | None) -> tuple[str, str]:
    """Mark the words that differ: removed ones in the old value, inserted ones in the new."""
    old_words, new_words = (old or "").split(), (new or "").split()
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    left, right = [], []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        a, b = html.escape(" ".join(old_words[a1:a2])), html.escape(" ".join(new_words[b1:b2]))
        if op == "equal":
            left.append(a)
            right.append(b)
        else:
            if a:
                left.append(f"<del>{a}</del>")
            if b:
                right.append(f"<ins>{b}</ins>")
    return (" ".join(left) or _plain(None)), (" ".join(right) or _plain(None))
