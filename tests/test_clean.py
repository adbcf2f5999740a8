"""Character-level repairs of the text layer."""

from __future__ import annotations

import pytest

from pipeline.clean import clean_pages, line_gaps, normalise_text
from pipeline.layout import Char, GlyphMetrics, Line, Page, Word
from pipeline.lexicon import lexicon_for
from pipeline.rules import load_rules
from pipeline.text import join_lines

LEXICON = lexicon_for(load_rules().lexicon)


def word(text: str, x0: float, x1: float, top: float = 100.0) -> Word:
    return Word(text, x0, x1, top, top + 10, "Carlito", 10.0)


def test_unicode_ligatures_and_hyphens():
    assert normalise_text("\ufb01ne \ufb02usso e\ufb00etto") == "fine flusso effetto"
    assert normalise_text("socio\u2010economico, non\u2011stop, a\u00adcapo") == "socio-economico, non-stop, acapo"


def test_cleaning_a_line(rules):
    words = [word("\uf0b7", 10, 14), word("la", 20, 30), word("ges(cid:415)one", 33, 70),
             word("lavoro\u2010", 73, 100), word("vita", 103, 120)]
    page = Page(number=1, width=600, height=800, lines=[Line(words=words, page=1)])
    report = clean_pages([page], rules)
    assert page.lines[0].text == "la gestione lavoro-vita"  # bullet dropped, (cid) repaired, hyphen closed
    assert report.ligature_repairs == 1


def test_gaps_are_measured_against_the_line():
    words = [word("in", 0, 10), word("tu", 12, 22), word("e", 28, 33), word("le", 35, 45), word("sue", 47, 60)]
    gaps = line_gaps(words, GlyphMetrics(), ["tt"])
    assert [round(g.observed, 2) for g in gaps] == [0.2, 0.6, 0.2, 0.2]  # in font sizes
    assert {round(g.usual, 2) for g in gaps} == {0.2}
    assert gaps[1].fill_widths == {"tt": 0.6}  # unmeasured 't': a typical narrow letter


def test_a_marker_inside_a_word_glues_its_pieces(rules):
    words = [word("obie(cid:3)vi", 20, 60), word("strategici", 63, 100)]
    page = Page(number=1, width=600, height=800, lines=[Line(words=words, page=1)])
    clean_pages([page], rules)
    assert page.lines[0].text == "obiettivi strategici"


def test_a_marker_between_two_real_words_decides():
    """'tu' + lost glyph + 'e' is 'tutte': the marker says a glyph is there, not a space."""
    from pipeline.clean import _normalise_word

    pieces = _normalise_word(word("tu\ue000e", 20, 40))
    assert [(p.text, p.marker_before) for p in pieces] == [("tu", None), ("e", "glued")]
    assert line_gaps(pieces, GlyphMetrics(), ["tt"])[0].marker == "glued"


def test_join_lines_with_hyphenation():
    is_word = {"organizzazione", "socio", "economico"}.__contains__
    assert join_lines(["della organiz-", "zazione e della"], is_word) == "della organizzazione e della"
    assert join_lines(["socio-", "economico"], is_word) == "socio-economico"
    assert join_lines(["PERSONALE 2022 -", "2024 E PIANO"], is_word) == "PERSONALE 2022 - 2024 E PIANO"


@pytest.mark.parametrize(("lines", "joined"), [
    (["la Approvazion", "e del piano"], "la Approvazione del piano"),      # broken by the PDF, no hyphen
    (["APPROVAZION", "E DEL PIANO"], "APPROVAZIONE DEL PIANO"),
    (["AVENTI DIRIT-", "TO"], "AVENTI DIRITTO"),                            # hyphenated capitals
    (["categorie di perso -", "nale e"], "categorie di personale e"),       # a justified hyphen set apart
    (["territorio metropolitano -", "integrazione"], "territorio metropolitano - integrazione"),  # a dash
    (["degli uffici", "e dei servizi"], "degli uffici e dei servizi"),     # two words stay two
    (["il servizi", "o"], "il servizi o"),                                  # 'servizi' is a word itself
    (["il Comune di Bo", "logna"], "il Comune di Bo logna"),               # too short to tell
])
def test_join_lines_closes_words_broken_at_a_line_end(lines, joined):
    assert join_lines(lines, LEXICON.is_known) == joined


def test_join_lines_finds_the_last_word_however_long_the_paragraph():
    """The last word is looked for in the paragraph's last characters; one longer than that
    window is still found whole (here 80 letters broken in two, then a long paragraph)."""
    long_word = "a" * 40 + "b" * 40
    is_word = {long_word}.__contains__
    assert join_lines(["x " + long_word[:70], long_word[70:]], is_word) == "x " + long_word
    assert join_lines(["x " + long_word[:70] + "-", long_word[70:]], is_word) == "x " + long_word
    assert join_lines(["x " + long_word[:70], long_word[70:] + " y"], None) == "x " + long_word[:70] + " " + long_word[70:] + " y"
    paragraph = join_lines([f"riga {n} del testo" for n in range(5000)] + ["la Approvazion", "e"], LEXICON.is_known)
    assert paragraph.endswith("riga 4999 del testo la Approvazione")


def test_no_guessing_in_a_font_that_maps_its_ligatures(rules):
    """'nale' after a wide gap is not a damaged 'finale' in a font seen drawing 'ffi' with its
    letters; in a font never seen doing so, the same line is repaired."""
    def cleaned(fonts_with_ligatures: list[str]) -> str:
        glyphs = GlyphMetrics()
        glyphs.add([Char(letters, 0, 8, 0, 10, font, 10.0) for font in fonts_with_ligatures for letters in ["ffi"]])
        page = Page(1, 600, 800, lines=[Line([word("di", 10, 18), word("nale", 24, 42), word("e", 45, 50),
                                              word("assicurando", 53, 104)], page=1)])
        clean_pages([page], rules, glyphs)
        return page.lines[0].text

    assert cleaned(["Carlito"]) == "di nale e assicurando"
    assert cleaned([]) == "di finale e assicurando"
