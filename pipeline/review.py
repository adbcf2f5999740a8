"""A review page: the PDF's pages with every extracted objective and indicator drawn over them.

One self-contained HTML file (pages as embedded PNG images, inline style and script, nothing
fetched): the pages on the left with a box per item where the extraction says it is, the rows of
the extraction on the right; clicking a row scrolls to its page and lights its box up, clicking a
box selects its row; the warnings are listed with links to their pages. Boxes are placed in PDF
points scaled to the rendered image, so what a reviewer sees is exactly the provenance written in
the JSON.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from .models import BBox, Extraction

SCALE = 1.5  # image pixels per PDF point (108 dpi): small text still readable
COLOURS = {"objective": "#d62728", "indicator": "#1f77b4"}


def _page_images(pdf: Path, password: str, pages: set[int]) -> dict[int, tuple[str, int, int]]:
    """{page: (PNG as base64, width, height)} for the pages that carry an item or a warning."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf), password=password or None)
    images = {}
    try:
        for number in sorted(pages):
            page = document[number - 1]
            bitmap = page.render(scale=SCALE)
            image = bitmap.to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            images[number] = (base64.b64encode(buffer.getvalue()).decode("ascii"), image.width, image.height)
            page.close()
    finally:
        document.close()
    return images


def _box_style(box: BBox, colour: str) -> str:
    return (f"left:{box.x0 * SCALE:.1f}px;top:{box.top * SCALE:.1f}px;width:{(box.x1 - box.x0) * SCALE:.1f}px;"
            f"height:{(box.bottom - box.top) * SCALE:.1f}px;border-color:{colour}")


def _items(extraction: Extraction) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for o in extraction.objectives:
        items.append({"key": f"o-{o.id}", "kind": "objective", "id": o.id, "what": o.level_label or o.level,
                      "text": o.title, "page": o.page, "bbox": o.bbox})
    for i in extraction.indicators:
        items.append({"key": f"i-{i.id}", "kind": "indicator", "id": i.id, "what": "indicatore",
                      "text": i.description, "page": i.page, "bbox": i.bbox})
    return items


def review_html(extraction: Extraction, pdf: Path, password: str = "") -> str:
    items = _items(extraction)
    pages = {int(str(item["page"])) for item in items} | {w.page for w in extraction.warnings if w.page}
    images = _page_images(pdf, password, pages or {1})
    e = html.escape
    head = (f"<!DOCTYPE html><html lang=\"it\"><head><meta charset=\"utf-8\"><title>Revisione: "
            f"{e(extraction.source.file)}</title><style>{STYLE}</style></head><body>")
    header = (f"<header><h1>{e(extraction.document.title or extraction.source.file)}</h1><p>"
              f"{e(extraction.source.file)} · {e(extraction.document.kind)} · {len(extraction.objectives)} obiettivi · "
              f"{len(extraction.indicators)} indicatori · {len(extraction.warnings)} avvisi</p></header>")
    out = [head, header, "<main><div id=\"pages\">"]
    for number, (png, width, height) in sorted(images.items()):
        out.append(f"<section class=\"page\" id=\"page-{number}\" style=\"width:{width}px;height:{height}px\">"
                   f"<img alt=\"pagina {number}\" src=\"data:image/png;base64,{png}\" width=\"{width}\" "
                   f"height=\"{height}\"><span class=\"number\">p. {number}</span>")
        for item in items:
            if item["page"] == number:
                box = item["bbox"]
                assert isinstance(box, BBox)
                out.append(f"<div class=\"box {item['kind']}\" id=\"box-{e(str(item['key']))}\" data-key="
                           f"\"{e(str(item['key']))}\" title=\"{e(str(item['id']))}\" "
                           f"style=\"{_box_style(box, COLOURS[str(item['kind'])])}\"></div>")
        out.append("</section>")
    out.append("</div><aside><table><thead><tr><th>id</th><th>livello</th><th>testo</th><th>p.</th></tr></thead>"
               "<tbody>")
    for item in items:
        out.append(f"<tr class=\"{item['kind']}\" data-key=\"{e(str(item['key']))}\" data-page=\"{item['page']}\">"
                   f"<td>{e(str(item['id']))}</td><td>{e(str(item['what']))}</td><td>{e(str(item['text']))}</td>"
                   f"<td>{item['page']}</td></tr>")
    out.append("</tbody></table>")
    if extraction.warnings:
        out.append("<h2>Avvisi</h2><ul class=\"warnings\">")
        for w in extraction.warnings:
            link = f"<a href=\"#page-{w.page}\">p. {w.page}</a> " if w.page in images else ""
            out.append(f"<li>{link}<b>{e(w.kind)}</b> {e(w.message)}</li>")
        out.append("</ul>")
    out.append(f"</aside></main><script>{SCRIPT}</script></body></html>\n")
    return "".join(out)


def write_review(extraction: Extraction, pdf: Path, out_dir: Path, password: str = "") -> Path:
    from .export import write_atomic

    path = out_dir / f"{Path(extraction.source.file).stem}.review.html"
    write_atomic(path, review_html(extraction, pdf, password))
    return path


STYLE = """
body{margin:0;font:14px/1.35 system-ui,sans-serif;color:#222}
header{padding:8px 16px;border-bottom:1px solid #ccc}header h1{font-size:18px;margin:0}header p{margin:2px 0 0}
main{display:flex;height:calc(100vh - 62px)}
#pages{flex:1 1 60%;overflow:auto;background:#888;padding:12px}
.page{position:relative;margin:0 auto 12px;background:#fff;box-shadow:0 1px 4px #0006}
.page img{display:block}.number{position:absolute;right:4px;top:2px;font-size:11px;color:#666}
.box{position:absolute;border:2px solid;box-sizing:border-box;cursor:pointer}
.box.selected{background:rgba(255,215,0,.35);border-width:3px}
aside{flex:1 1 40%;overflow:auto;padding:0 12px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:3px 4px;text-align:left;
vertical-align:top}th{position:sticky;top:0;background:#f4f4f4}
tr{cursor:pointer}tr.objective td:first-child{color:#d62728}tr.indicator td:first-child{color:#1f77b4}
tr.selected{background:#fff3b0}.warnings li{margin:4px 0}
"""

SCRIPT = """
function select(key, scrollTo) {
  document.querySelectorAll('.selected').forEach(function (el) { el.classList.remove('selected'); });
  var box = document.getElementById('box-' + key);
  var row = document.querySelector('tr[data-key="' + key + '"]');
  if (box) { box.classList.add('selected'); if (scrollTo === 'box') box.scrollIntoView({block: 'center'}); }
  if (row) { row.classList.add('selected'); if (scrollTo === 'row') row.scrollIntoView({block: 'center'}); }
}
document.querySelectorAll('tr[data-key]').forEach(function (row) {
  row.addEventListener('click', function () { select(row.dataset.key, 'box'); });
});
document.querySelectorAll('.box').forEach(function (box) {
  box.addEventListener('click', function () { select(box.dataset.key, 'row'); });
});
if (location.hash.indexOf('#item-') === 0) select(decodeURIComponent(location.hash.slice(6)), 'box');
"""
