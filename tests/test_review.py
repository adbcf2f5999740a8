"""`planextract review`: the pages with a box per extracted item, checked by parsing the HTML and,
where Chromium is installed, in a real headless browser: the selected item's box is drawn over the
very text the extraction says it came from."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import numpy
import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from pipeline.api import extract
from pipeline.cli import main
from pipeline.review import SCALE

PLAN = SAMPLES / "pap-2022-2024.pdf"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.boxes: dict[str, dict[str, str]] = {}
        self.rows: list[str] = []
        self.pages: list[str] = []
        self.sources: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "div" and "box" in attributes.get("class", ""):
            self.boxes[attributes["data-key"]] = attributes
        elif tag == "tr" and "data-key" in attributes:
            self.rows.append(attributes["data-key"])
        elif tag == "section":
            self.pages.append(attributes["id"])
        elif tag == "img":
            self.sources.append(attributes["src"])
        elif tag == "a":
            self.links.append(attributes["href"])


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    out = tmp_path_factory.mktemp("review")
    result = CliRunner().invoke(main, ["review", str(PLAN), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out / "pap-2022-2024.review.html"


def _style(box: dict[str, str]) -> dict[str, float]:
    return {k: float(v) for k, v in re.findall(r"(left|top|width|height):([\d.]+)px", box["style"])}


def test_every_item_has_a_box_where_its_bbox_says(review):
    page = _Page()
    page.feed(review.read_text(encoding="utf-8"))
    extraction = extract(PLAN)
    items = [(f"o-{o.id}", o) for o in extraction.objectives] + [(f"i-{i.id}", i) for i in extraction.indicators]
    assert page.rows == [key for key, _ in items] and set(page.boxes) == set(page.rows)
    for key, item in items:
        style = _style(page.boxes[key])
        assert style == pytest.approx({"left": item.bbox.x0 * SCALE, "top": item.bbox.top * SCALE,
                                       "width": (item.bbox.x1 - item.bbox.x0) * SCALE,
                                       "height": (item.bbox.bottom - item.bbox.top) * SCALE}, abs=0.06)
    assert set(page.pages) == {f"page-{n}" for n in {o.page for _, o in items} | {w.page for w in extraction.warnings}}
    assert all(src.startswith("data:image/png;base64,") for src in page.sources)  # self-contained
    assert set(page.links) == {f"#page-{w.page}" for w in extraction.warnings}
    assert "http://" not in review.read_text(encoding="utf-8") and "https://" not in review.read_text(encoding="utf-8")


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None, reason="needs Chromium (apt-get install chromium) for the browser check")
def test_in_a_browser_the_selected_box_covers_the_text_it_was_read_from(review, tmp_path):
    from PIL import Image

    extraction = extract(PLAN)
    item = extraction.objectives[3]
    shot = tmp_path / "shot.png"
    done = subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--screenshot={shot}", "--window-size=1600,1000",
                           f"{review.as_uri()}#item-o-{item.id}"], capture_output=True, text=True, timeout=300)
    assert shot.exists(), done.stderr[-1000:]
    screen = Image.open(shot).convert("RGB")
    # the selected box is tinted gold over white paper: find where
    width, height = screen.size
    pixels = screen.load()
    pane = int(0.55 * width)  # the pages pane (the table beside it marks the selected row in the same gold)

    def gold(r: int, g: int, b: int) -> bool:
        return r > 240 and 225 < g < 250 and b < 200

    tinted = [(x, y) for y in range(0, height, 2) for x in range(0, pane, 2) if gold(*pixels[x, y])]
    assert tinted, "no selected box on the screen"
    left, right = min(x for x, _ in tinted), max(x for x, _ in tinted)
    top, bottom = min(y for _, y in tinted), max(y for _, y in tinted)
    box_w, box_h = (item.bbox.x1 - item.bbox.x0) * SCALE, (item.bbox.bottom - item.bbox.top) * SCALE
    visible_w = min(box_w, pane)  # the pages pane may cut a wide box at its right edge
    assert abs((bottom - top) - box_h) < 8 and right - left > 0.5 * visible_w
    # under the tint is the text of the item's own place on the page: compare the ink with a render
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(PLAN))
    page = document[item.page - 1].render(scale=SCALE).to_pil().convert("L")
    document.close()
    seen = numpy.asarray(screen.convert("L")) < 110
    rendered = numpy.asarray(page) < 110
    x0, y0 = int(item.bbox.x0 * SCALE), int(item.bbox.top * SCALE)
    w, h = int(right - left) - 16, int(box_h) - 16
    window = seen[top + 8:top + 8 + h, left + 8:left + 8 + w]

    def agreement(dx: int, dy: int) -> float:
        part = rendered[y0 + 8 + dy:y0 + 8 + dy + h, x0 + 8 + dx:x0 + 8 + dx + w]
        return float((part & window).sum() / max((part | window).sum(), 1))  # ink on ink: intersection/union

    best = max(agreement(dx, dy) for dx in range(-4, 5) for dy in range(-4, 5))
    elsewhere = max(agreement(0, dy) for dy in (-60, -40, 40, 60))  # the lines above and below
    assert window.sum() > 100 and best > 0.4 and best > 5 * elsewhere, (best, elsewhere)
