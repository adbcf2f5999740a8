"""Lost-ligature repair on small cases, and its false-repair rate on clean Italian text."""

from __future__ import annotations

import json

import pytest

from conftest import SAMPLES
from pipeline.lexicon import lexicon_for
from pipeline.ligatures import Gap, LigatureRepairer, head_of, tail_of


@pytest.fixture(scope="module")
def repairer(rules):
    return LigatureRepairer(lexicon_for(rules.lexicon), rules.lexicon)


@pytest.mark.parametrize("damaged, repaired", [
    ("in a uazione dello statuto", "in attuazione dello statuto"),           # tt lost inside a word
    ("con altri sogge pubblici", "con altri soggetti pubblici"),             # tti lost at the end
    ("della Ci à metropolitana", "della Città metropolitana"),               # tt between two fragments
    ("gli obie vi strategici", "gli obiettivi strategici"),                  # tti
    ("la ges one del personale", "la gestione del personale"),               # ti
    ("il Programma Sta s co Nazionale", "il Programma Statistico Nazionale"),  # ti twice in one word
    ("per risulta , dell'integrità", "per risultati, dell'integrità"),        # space before punctuation
    ("in a vità di formazione", "in attività di formazione"),                # tti before an accented word
    ("dell'a uazione del piano", "dell'attuazione del piano"),               # after an elision
    ("l'Ente;Ges one e sviluppo", "l'Ente;Gestione e sviluppo"),             # glued to punctuation
    ("LA CI À METROPOLITANA", "LA CITTÀ METROPOLITANA"),                     # upper-case fill
    ("alle poli che di genere", "alle politiche di genere"),                  # P(politiche) >> P(poli)P(che)
])
def test_repairs_lost_ligatures(repairer, damaged, repaired):
    assert repairer.repair_text(damaged)[0] == repaired


@pytest.mark.parametrize("text", [
    "e ore di lavoro",          # 'ettore' is a word, but two real words are not glued without evidence
    "ai sensi della L. n. 18",  # initials and abbreviations
    "(D.G.R. n. 1242 del 22/07/2019)",
    "a) Promuovere misure",     # list markers
    "all'85% della popolazione",
    "il sito bolognametropolitana.it",
])
def test_leaves_real_words_alone(repairer, text):
    assert repairer.repair_text(text) == (text, 0)


WIDTHS = {"tt": 0.56, "ti": 0.5, "tti": 0.78, "titi": 1.0, "fi": 0.5, "fl": 0.5, "ff": 0.56, "ft": 0.56,
          "ffi": 0.78, "ffl": 0.78}


def gap(observed: float) -> Gap:
    return Gap(observed=observed, usual=0.28, fill_widths=WIDTHS)


def test_a_gap_as_wide_as_the_lost_letters_glues_two_real_words(repairer):
    tokens = ["in", "tu", "e", "le", "sue", "sezioni"]
    assert repairer.plan(tokens) == []  # 'tu e' is two real words ...
    gaps = [gap(0.28), gap(0.56), gap(0.28), gap(0.28), gap(0.28)]  # ... but that gap holds a 'tt'
    (repair,) = repairer.plan(tokens, gaps)
    assert (repair.start, repair.end, repair.text) == (1, 3, "tutte")


def test_a_gap_as_wide_as_letters_plus_a_space_ends_the_word(repairer):
    tokens = ["obiettivi", "lega", "al", "Programma"]
    assert repairer.plan(tokens) == []
    (repair,) = repairer.plan(tokens, [gap(0.28), gap(0.78), gap(0.28)])
    assert repair.text == "legati"


def test_a_final_fill_does_not_swallow_the_next_word(repairer):
    """'tu' + lost 'tti' + space + 'i': 'tutti i', not 'tutti' eating the article."""
    tokens = ["Dotare", "tu", "i", "lavoratori"]
    (repair,) = repairer.plan(tokens, [gap(0.28), gap(1.06), gap(0.28)])
    assert (repair.start, repair.end, repair.text) == (1, 2, "tutti")


def test_an_ordinary_gap_gives_no_evidence(repairer):
    assert repairer.plan(["Unità", "di", "misura", "Obiettivo"], [gap(0.28), gap(0.28), gap(3.5)]) == []


def test_markers_settle_the_reading(repairer):
    glued = Gap(marker="glued")
    assert repairer.plan(["forma", "vi", "e"], [glued, gap(0.28)])[0].text == "formativi"


def test_fragments_views():
    assert tail_of("l'Ente;Ges").core == "Ges" and tail_of("l'Ente;Ges").prefix == "l'Ente;"
    assert head_of("vo.Digitalizzazione").core == "vo" and head_of("vo.Digitalizzazione").suffix == ".Digitalizzazione"
    assert tail_of("2022") is None and head_of("(D.G.R.") is None


def test_false_repair_rate_on_clean_text_is_zero(repairer):
    """Titles and descriptions of the expected extractions are clean Italian: nothing may change."""
    texts = []
    for path in sorted(SAMPLES.glob("*.expected.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        texts += [item[field] for item in data["objectives"] + data["indicators"]
                  for field in ("title", "description") if item.get(field)]
    words = sum(len(t.split()) for t in texts)
    changed = [(t, repairer.repair_text(t)[0]) for t in texts if repairer.repair_text(t)[1]]
    assert words > 5000
    assert changed == []
