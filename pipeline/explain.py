"""A readable account of how a document was read: profile chosen and why, page furniture, what each
page holds, and where every block and table was found."""

from __future__ import annotations

import re
import typing
from collections import defaultdict

from .api import Result
from .layout import Line, union_bbox
from .models import Level
from .segment import AreaBlock, Block, ClassBlock, HeadingBlock, SheetBlock, TableBlock, TextBlock
from .tables import row_key


def _box(lines: list[Line]) -> str:
    x0, top, x1, bottom = union_bbox(line.bbox for line in lines)
    return f"({x0:.0f},{top:.0f})-({x1:.0f},{bottom:.0f})"


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def explain(result: Result) -> list[str]:
    extraction, document = result.extraction, result.document
    source = extraction.source
    out = [f"{source.file}: {source.pages} pages, sha256 {source.sha256[:16]}…", "", "Template detection:"]
    out += ["  " + line for line in document.detection.explain()]

    out += ["", f"Page furniture (running headers/footers) removed: {len(document.furniture)} lines"]
    by_text: dict[str, list[int]] = defaultdict(list)
    for line in document.furniture:  # 'Pagina 3 di 24' and 'Pagina 4 di 24' are one running footer
        by_text[_short(re.sub(r"\d+", "#", line.text), 60)].append(line.page)
    for text, pages in sorted(by_text.items(), key=lambda item: item[1][0]):
        out.append(f"  {text!r} on {_pages(pages)}")

    out += ["", "Pages:"]
    for page, roles in sorted(_page_roles(result).items()):
        out.append(f"  p{page}: {'; '.join(roles) if roles else 'narrative'}")

    out += ["", "Blocks (page, position, what):"]
    # an objective's box starts at its heading's first line (its top rounded to 0.01 pt)
    objectives = {(o.page, round(o.bbox.top, 2)) for o in extraction.objectives}
    blocks = document.blocks
    for index, block in enumerate(blocks):
        out += _describe(block, blocks[index + 1:], objectives)

    out += ["", f"Result: kind {extraction.document.kind}, {len(extraction.objectives)} objectives, "
                f"{len(extraction.indicators)} indicators, {len(extraction.action_areas)} action areas, "
                f"{len(extraction.strategic_directions)} strategic directions, {len(extraction.warnings)} warnings, "
                f"{extraction.run.ligature_repairs} words repaired"]
    out += [f"  warning [{w.kind}] p{w.page or '-'} {w.ref or ''}: {w.message}" for w in extraction.warnings]
    return out


def _pages(pages: list[int]) -> str:
    unique = sorted(set(pages))
    if len(unique) > 2 and unique == list(range(unique[0], unique[-1] + 1)):
        return f"pages {unique[0]}-{unique[-1]}"
    return "page " + ", ".join(map(str, unique)) if len(unique) == 1 else "pages " + ", ".join(map(str, unique))


def _page_roles(result: Result) -> dict[int, list[str]]:
    roles: dict[int, list[str]] = defaultdict(list)
    for page in result.document.pages:
        roles[page.number]
        if not page.lines:
            roles[page.number].append("no text")
    extraction = result.extraction
    for area in extraction.action_areas:
        roles[area.page].append(f"action area {area.number}")
    directions = defaultdict(int)
    for direction in extraction.strategic_directions:
        directions[direction.page] += 1
    for page, count in directions.items():
        roles[page].append(f"strategic directions ({count})")
    for level in typing.get_args(Level):
        by_page = defaultdict(list)
        for objective in extraction.objectives:
            if objective.level == level:
                by_page[objective.page].append(objective.code or objective.id)
        for page, codes in by_page.items():
            roles[page].append(f"{level} objectives {', '.join(codes)}")
    indicators = defaultdict(int)
    for indicator in extraction.indicators:
        indicators[indicator.page] += 1
    for page, count in indicators.items():
        roles[page].append(f"{count} indicators")
    return roles


def _describe(block: Block, after: list[Block], objectives: set[tuple[int, float]]) -> list[str]:
    if isinstance(block, TextBlock):
        return [f"  p{block.lines[0].page} {_box(block.lines)} text, {len(block.lines)} lines: "
                f"{_short(block.lines[0].text, 50)!r}"]
    if isinstance(block, AreaBlock):
        return [f"  p{block.lines[0].page} {_box(block.lines)} action area {block.number}: {_short(block.title)!r}"]
    if isinstance(block, ClassBlock):
        return [f"  p{block.lines[0].page} {_box(block.lines)} {block.level} {block.code}: {_short(block.title)!r}"]
    if isinstance(block, HeadingBlock):
        page = block.lines[0].page
        rule = block.rule
        if rule.kind == "indicator":
            verdict = "indicator"
        elif rule.confirm == "always" or (page, round(block.lines[0].top, 2)) in objectives:
            verdict = "objective"
        else:
            verdict = "numbered heading, no table follows: not an objective"
        number = block.code or block.number or ""
        return [f"  p{page} {_box(block.lines)} heading {number} {_short(block.title, 50)!r} [{rule.name}] "
                f"-> {verdict}"]
    if isinstance(block, SheetBlock):
        fields = ", ".join(f"{e.key or '?'} ({_short(e.label, 25)!r})" for e in block.sheet.entries)
        return [f"  p{block.lines[0].page} {_box(block.lines)} sheet: {fields}"]
    if isinstance(block, TableBlock):
        pages = block.pages
        columns = ", ".join(f"{b.id} [{_edge(b.x0)}, {_edge(b.x1)}]" for b in block.bands)
        lines = [f"  p{pages[0]} {_box(block.header.lines)} {block.kind} table on {_pages(pages)}: "
                 f"{len(block.rows)} rows; columns {columns}"]
        if block.kind in ("indicators", "objectives", "values"):
            key = row_key(block.bands)
            for row in block.rows:
                lines.append(f"      p{row.page} {_box(row.lines)} row {_short(row.text(key), 40)!r}")
        return lines
    return []


def _edge(x: float) -> str:
    return "…" if x in (float("inf"), float("-inf")) else f"{x:.0f}"
