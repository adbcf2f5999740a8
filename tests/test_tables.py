"""The table reader on small hand-built layouts: bands from the header, rows from the codes."""

from __future__ import annotations

import re

import pytest

from pipeline.layout import Line, Rect, Word
from pipeline.tables import column_bands, match_header, read_rows

SIZE = 9.0


def line(top: float, *cells: tuple[float, str]) -> Line:
    """A visual line: each cell is (x0, text); words advance 5pt per character plus a space."""
    words = []
    for x, text in cells:
        for token in text.split():
            words.append(Word(token, x, x + 5 * len(token), top, top + SIZE, "Carlito", SIZE))
            x += 5 * len(token) + 2.5
    return Line(words=words, page=1)


HEADER = line(100, (60, "Codice e descrizione indicatore"), (500, "Unità di misura"),
              (600, "Obiettivo"), (700, "Consuntivo"))
CODE = re.compile(r"^\d{4}$")


def pap(rules):
    return next(p for p in rules.profiles if p.name == "pap")


def read(lines, rules, rects=()):
    header = match_header(lines, pap(rules).indicator_table, list(rects))
    assert header is not None
    body = lines[len(header.lines):]
    bands = column_bands(header, body)
    return bands, read_rows(body, bands, CODE, ["Obiettivo specifico"])


def test_wrapped_description_with_values_on_the_middle_line(rules):
    lines = [
        HEADER,
        line(120, (60, "Obiettivo specifico"), (500, "Settore programmazione e gestione")),
        line(130, (500, "risorse")),
        line(150, (60, "2412 MESSA A REGIME EROGAZIONE MODULI DIGITALI PACCHETTO FORMAZIONE")),  # ends at ~440
        line(155, (510, "Data"), (605, "31/12/2022")),
        line(160, (60, "NUOVI ASSUNTI")),
        line(180, (60, "2413 COMPLETAMENTO PROGETTO")),
        line(190, (60, "280 SMART WORKERS"), (510, "Numero"), (610, "100"), (705, "95")),
    ]
    bands, rows = read(lines, rules)
    assert [b.key for b in bands] == ["description", "unit", "target", "actual"]
    assert rows[0].all_text() == "Obiettivo specifico Settore programmazione e gestione risorse"
    assert rows[1].text("description").endswith("FORMAZIONE NUOVI ASSUNTI")
    assert (rows[1].text("unit"), rows[1].text("target"), rows[1].text("actual")) == ("Data", "31/12/2022", "")
    # '280' opens no row: it continues the description, at line spacing
    assert len(rows) == 3
    assert rows[2].text("description") == "2413 COMPLETAMENTO PROGETTO 280 SMART WORKERS"
    assert (rows[2].text("unit"), rows[2].text("target"), rows[2].text("actual")) == ("Numero", "100", "95")


def test_columns_in_another_order_and_width(rules):
    header = line(100, (60, "Obiettivo"), (140, "Unità di misura"), (240, "Codice e descrizione indicatore"),
                  (700, "Consuntivo"))
    lines = [header, line(120, (65, "30/06/2023"), (150, "Data"), (240, "2801 REPORT ANNUALE"))]
    bands, rows = read(lines, rules)
    assert [b.key for b in bands] == ["target", "unit", "description", "actual"]
    assert rows[0].text("target") == "30/06/2023" and rows[0].text("description") == "2801 REPORT ANNUALE"


def test_long_description_crossing_the_header_gap_stays_in_its_column(rules):
    """The description column is wide and left-aligned: its text runs far past its header label."""
    lines = [HEADER, line(120, (60, "2490 REDAZIONE DEL PROGRAMMA ANNUALE DEGLI INTERVENTI PER IL DIRITTO ALLO"),
                          (510, "Data"), (605, "31/12/2022"))]
    _, rows = read(lines, rules)
    assert rows[0].text("description").endswith("DIRITTO ALLO")
    assert rows[0].text("unit") == "Data"


def test_drawn_cells_define_the_header_labels(rules):
    rects = [Rect(55, 95, 480, 112), Rect(480, 95, 580, 112), Rect(580, 95, 680, 112), Rect(680, 95, 800, 112)]
    lines = [HEADER, line(120, (60, "2393 APPROVAZIONE RELAZIONE"), (510, "Data"), (605, "31/03/2022"))]
    bands, rows = read(lines, rules, rects)
    assert bands[0].x1 == pytest.approx(480) and bands[1].x1 == pytest.approx(580)
    assert rows[0].text("target") == "31/03/2022"


def test_a_line_that_is_not_a_header(rules):
    ordinary = line(100, (60, "Obiettivo specifico"), (500, "Direzione Generale"))
    assert match_header([ordinary], pap(rules).indicator_table, []) is None


def test_code_centred_in_a_wrapped_row(rules):
    """A separate code column with the code vertically centred on a two-line description."""
    header = line(100, (60, "Codice"), (110, "Descrizione indicatore"), (500, "Unità di misura"),
                  (600, "Obiettivo"), (700, "Consuntivo"))
    lines = [header,
             line(120, (110, "CONTROLLI A CAMPIONE DEL")),
             line(125, (60, "2684"), (510, "Data"), (605, "31/12/2022")),
             line(130, (110, "SERVIZIO ISPETTIVO")),
             line(150, (110, "RACCOLTA DICHIARAZIONI")),
             line(155, (60, "2685"), (510, "Data"), (605, "30/06/2022")),
             line(160, (110, "DIRIGENZIALI"))]
    _, rows = read(lines, rules)
    assert [(r.text("code"), r.text("description"), r.text("target")) for r in rows] == [
        ("2684", "CONTROLLI A CAMPIONE DEL SERVIZIO ISPETTIVO", "31/12/2022"),
        ("2685", "RACCOLTA DICHIARAZIONI DIRIGENZIALI", "30/06/2022")]


def test_a_table_without_padding_is_cut_at_the_codes(rules):
    lines = [HEADER, line(110, (60, "2393 APPROVAZIONE RELAZIONE"), (510, "Data"), (605, "31/03/2022")),
             line(120, (60, "SULLA PERFORMANCE")),
             line(130, (60, "2396 APPROVAZIONE DUP"), (510, "Data"), (605, "31/12/2022"))]
    _, rows = read(lines, rules)
    assert [r.text("description") for r in rows] == ["2393 APPROVAZIONE RELAZIONE SULLA PERFORMANCE",
                                                     "2396 APPROVAZIONE DUP"]
