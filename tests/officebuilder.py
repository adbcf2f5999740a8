"""Plans written the way offices write them: a .docx (python-docx) exported to PDF by LibreOffice.

Each plan's text is known exactly, so the tests can check the reading letter by letter. The
documents carry what office PDFs carry: fonts with ligatures (Carlito, Liberation, DejaVu), accented
capitals, curly quotes and apostrophes, ``n°`` and ``1°``, superscripts, ``€`` before and after
amounts, ``≥ ≤``, soft hyphens and automatic hyphenation, a table of contents with dot leaders,
bulleted and numbered lists, table cells whose text wraps, header rows repeated on every page,
rows broken across pages, running headers, ``Pag. X di Y`` footers (fields), and a text box.

The PDFs and their ``*.source.json`` (the text written, and the extraction it must give) are
committed under ``tests/fixtures/office/``; the tests do not need LibreOffice. To rebuild them
(needs ``soffice``, the Carlito/Liberation/DejaVu fonts, Italian hyphenation ``hyphen-it`` and
python-docx):

    python tests/officebuilder.py tests/fixtures/office
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "office"
SOFT_HYPHEN = "\u00ad"


# -- the content ---------------------------------------------------------------------------------

@dataclass
class Indicator:
    code: str
    description: str
    unit: str
    target: str
    actual: str = ""


@dataclass
class Objective:
    code: str
    title: str
    description: str
    department: str
    political_owner: str | None = None      # general objectives (owner table)
    mission: str | None = None               # DUP: '01'
    programme: str | None = None             # DUP: '01.02'
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class Area:
    number: int
    title: str
    objectives: list[Objective]


@dataclass
class Plan:
    name: str
    kind: str
    title: str
    entity: str
    period: tuple[int, int]
    font: str
    heading_font: str
    landscape: bool
    body_size: float
    general: list[Objective] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    missions: list[tuple[str, str, list[tuple[str, str, list[Objective]]]]] = field(default_factory=list)
    repeat_header: bool = True


PREAMBLE = [
    "Il presente Piano è redatto ai sensi dell’art. 48 del D.Lgs. 11 aprile 2006, n° 198 e della Direttiva "
    "n° 2/2019 del Ministro per la Pubblica Amministrazione: affidando a ciascun ufficio la propria parte, "
    "l’Amministrazione persegue l’efficienza, l’efficacia e la differenziata attenzione alle sofferenze "
    "organizzative, perché È necessario che le azioni siano “misurabili” e ‘verificabili’.",
    "Il 1° aggiornamento del Piano prevede un fondo di € 12.500,00 e un secondo stanziamento di 7.300,00 € "
    "per la formazione; la quota di personale coinvolto dovrà essere ≥ 80% e il tempo medio di risposta ≤ 30 "
    "giorni. La superficie degli spazi di coworking è di 120 m² (art. 5bis del regolamento).",
    "Le attività sono state costruite con un approccio parte" + SOFT_HYPHEN + "cipativo, che ha coinvolto "
    "il Comitato Unico di Garanzia, le organizzazioni sindacali e la Consigliera di fiducia; la rendicontazione "
    "annuale è affidata all’ufficio competente, che ne cura la pubblicazione nella sezione Amministrazione "
    "trasparente. Thomas, official, afflitto, affiliazione, fluttuazione e riflessione sono parole di prova.",
]
BULLETS = ["conciliazione dei tempi di vita e di lavoro;", "formazione e crescita professionale;",
           "benessere organizzativo e contrasto alle discriminazioni."]
NUMBERED = ["analisi del contesto e dei dati di genere;", "definizione degli obiettivi e degli indicatori;",
            "monitoraggio e verifica finale."]
TEXT_BOX = "Nota: il Piano è pubblicato sul sito istituzionale, sezione “Amministrazione trasparente”."

PAP_GENERAL = [
    Objective("12", "PARITÀ DI GENERE E BENESSERE ORGANIZZATIVO: PERCHÉ È UNA PRIORITÀ",
              "Promozione della cultura della parità e del benessere organizzativo all’interno dell’Ente, "
              "affidando ai dirigenti la verifica degli effetti delle azioni sulle differenti categorie di "
              "personale e assicurando l’efficacia delle misure di conciliazione.",
              "Settore Affari Generali e Personale", political_owner="Sindaco"),
    Objective("14", "EFFICIENZA DEGLI UFFICI E QUALITÀ DEI SERVIZI",
              "Il miglioramento dell’efficienza degli uffici passa attraverso la semplificazione dei processi, "
              "la digitalizzazione delle pratiche e la formazione del personale sull’utilizzo degli strumenti "
              "informatici.", "Settore Servizi Informativi", political_owner="Assessore all’innovazione"),
]
PAP_AREAS = [
    Area(1, "CONCILIAZIONE DEI TEMPI DI VITA E DI LAVORO", [
        Objective("1101", "FLESSIBILITÀ DELL’ORARIO E LAVORO AGILE",
                  "L’obiettivo è affidare a ciascun dipendente, dove l’attività lo consente, una quota di lavoro "
                  "agile e una fascia di flessibilità in entrata e in uscita; la differenziata organizzazione dei "
                  "tempi riduce le sofferenze legate agli spostamenti e migliora l’efficienza complessiva.",
                  "Settore Affari Generali e Personale", indicators=[
                      Indicator("2201", "PERCENTUALE DI DIPENDENTI CON ACCORDO DI LAVORO AGILE SUL TOTALE DEGLI "
                                        "AVENTI DIRITTO", "Percentuale", "≥ 60%"),
                      Indicator("2202", "APPROVAZIONE DEL REGOLAMENTO SUL LAVORO AGILE", "Data", "31/03/2024"),
                      Indicator("2203", "NUMERO DI RICHIESTE DI FLESSIBILITÀ ACCOLTE", "Numero", "25"),
                  ]),
        Objective("1102", "SPORTELLO DI ASCOLTO E SUPPORTO ALLE FAMIGLIE",
                  "Attivazione di uno sportello di ascolto, affidato a una figura professionale esterna, per "
                  "sostenere i dipendenti nelle fasi di difficoltà familiare; lo sportello offre colloqui "
                  "riservati e un servizio di orientamento ai servizi del territorio.",
                  "Ufficio Welfare aziendale", indicators=[
                      Indicator("2204", "ATTIVAZIONE DELLO SPORTELLO DI ASCOLTO", "Data", "30/06/2024"),
                      Indicator("2205", "ORE DI APERTURA SETTIMANALE DELLO SPORTELLO", "Ore", "6"),
                  ]),
    ]),
    Area(2, "FORMAZIONE E CRESCITA PROFESSIONALE", [
        Objective("1201", "FORMAZIONE SULLE DIFFERENZE DI GENERE E SUL LINGUAGGIO",
                  "Percorsi formativi per tutto il personale sull’uso di un linguaggio rispettoso delle differenze "
                  "di genere negli atti amministrativi, con un modulo specifico affidato alla Consigliera di "
                  "fiducia e un’attività di verifica dell’efficacia a distanza di sei mesi.",
                  "Settore Affari Generali e Personale", indicators=[
                      Indicator("2301", "NUMERO DI DIPENDENTI FORMATI SUL LINGUAGGIO DI GENERE NEGLI ATTI "
                                        "AMMINISTRATIVI E NELLA COMUNICAZIONE ISTITUZIONALE DELL’ENTE",
                                "Numero", "120"),
                      Indicator("2302", "SPESA PER LA FORMAZIONE SULLE PARI OPPORTUNITÀ", "Euro", "€ 4.500,00"),
                      Indicator("2303", "GRADIMENTO MEDIO DEI CORSI (SCALA DA 1 A 5)", "Numero", "4,2"),
                      Indicator("2304", "PUBBLICAZIONE DEL REPORT ANNUALE DI GENERE", "SI/NO", "SI"),
                  ]),
    ]),
    Area(3, "BENESSERE ORGANIZZATIVO E CONTRASTO ALLE DISCRIMINAZIONI", [
        Objective("1301", "INDAGINE SUL BENESSERE ORGANIZZATIVO",
                  "Somministrazione di un questionario anonimo sul benessere organizzativo, elaborazione dei "
                  "risultati per genere e per fascia d’età, restituzione degli esiti al personale e definizione "
                  "delle azioni di miglioramento conseguenti, con particolare attenzione alle situazioni di "
                  "affaticamento e alle sofferenze segnalate.",
                  "Comitato Unico di Garanzia", indicators=[
                      Indicator("2401", "PERCENTUALE DI QUESTIONARI COMPILATI", "Percentuale", "70%"),
                      Indicator("2402", "PRESENTAZIONE DEGLI ESITI ALLA GIUNTA", "Data", "31/10/2024"),
                      Indicator("2403", "AZIONI DI MIGLIORAMENTO AVVIATE A SEGUITO DELL’INDAGINE", "Numero",
                                "3"),
                      Indicator("2404", "TEMPO MEDIO DI RISPOSTA ALLE SEGNALAZIONI DEL PERSONALE", "Giorni",
                                "≤ 30"),
                      Indicator("2405", "AGGIORNAMENTO DEL CODICE DI COMPORTAMENTO", "Data", "31/12/2024"),
                      Indicator("2406", "INCONTRI DEL COMITATO UNICO DI GARANZIA NELL’ANNO", "Numero", "4"),
                  ]),
    ]),
]

DUP_MISSIONS = [
    ("01", "SERVIZI ISTITUZIONALI, GENERALI E DI GESTIONE", [
        ("01.02", "Segreteria generale", [
            Objective("121", "TRASPARENZA, EFFICIENZA E AFFIDABILITÀ DELL’AZIONE AMMINISTRATIVA",
                      "Promozione della trasparenza e dell’efficienza dell’azione amministrativa, affidando a "
                      "ciascun ufficio la pubblicazione tempestiva dei dati; il Piano della performance ne "
                      "definisce gli obiettivi e la differenziata responsabilità dei dirigenti.",
                      "Segreteria Generale", political_owner="Sindaco", mission="01", programme="01.02"),
            Objective("122", "PREVENZIONE DELLA CORRUZIONE: PERCHÉ È UN DOVERE DI TUTTI",
                      "Aggiornamento della mappatura dei processi, affiancamento formativo del personale che "
                      "opera nelle aree più esposte e verifica dell’efficacia delle misure adottate.",
                      "Segreteria Generale", political_owner="Sindaco", mission="01", programme="01.02"),
        ]),
        ("01.08", "Statistica e sistemi informativi", [
            Objective("123", "TRANSIZIONE DIGITALE DEI SERVIZI AL CITTADINO",
                      "Il 1° obiettivo del programma è la digitalizzazione dei servizi on line: entro il triennio "
                      "almeno il 90% delle istanze dovrà essere presentato in forma digitale, con un investimento "
                      "complessivo di € 250.000,00 e un contributo regionale di 80.000,00 €.",
                      "Settore Servizi Informativi", political_owner="Assessore all’innovazione", mission="01",
                      programme="01.08"),
        ]),
    ]),
    ("12", "DIRITTI SOCIALI, POLITICHE SOCIALI E FAMIGLIA", [
        ("12.05", "Interventi per le famiglie", [
            Objective("161", "SOSTEGNO ALLE FAMIGLIE FRAGILI E ALLE SITUAZIONI DI SOFFERENZA",
                      "Rafforzamento della rete dei servizi per le famiglie in difficoltà, con l’affidamento "
                      "di progetti personalizzati e il coordinamento fra i servizi sociali e sanitari del "
                      "territorio, perché nessuno resti indietro.",
                      "Area Servizi alla Persona", political_owner="Assessore alle politiche sociali", mission="12",
                      programme="12.05"),
        ]),
    ]),
]

PLANS = [
    Plan("pap-office-carlito", "pap", "Piano triennale delle azioni positive 2024-2026",
         "Comune di Borgo San Ferdinando", (2024, 2026), "Carlito", "Carlito", landscape=True, body_size=10,
         general=PAP_GENERAL, areas=PAP_AREAS),
    Plan("pap-office-dejavu", "pap", "Piano triennale delle azioni positive 2024-2026",
         "Comune di Borgo San Ferdinando", (2024, 2026), "DejaVu Sans", "DejaVu Sans", landscape=False,
         body_size=9, general=PAP_GENERAL, areas=PAP_AREAS, repeat_header=False),
    Plan("dup-office-liberation", "dup", "Documento Unico di Programmazione 2024-2026 – Sezione Operativa",
         "Comune di Borgo San Ferdinando", (2024, 2026), "Liberation Serif", "Liberation Sans", landscape=False,
         body_size=11, missions=DUP_MISSIONS),
]


# -- writing the .docx ---------------------------------------------------------------------------

class _Writer:
    """A python-docx document plus the record of every text written, in order."""

    def __init__(self, plan: Plan) -> None:
        from docx import Document
        from docx.enum.section import WD_ORIENT
        from docx.shared import Cm, Pt

        self.plan = plan
        self.doc = Document()
        self.texts: list[str] = []
        self.headings: list[str] = []  # what the table of contents lists, in order
        normal = self.doc.styles["Normal"]
        self._font(normal, plan.font, Pt(plan.body_size))
        for name in ("List Bullet", "List Number", "Header", "Footer"):
            self._font(self.doc.styles[name], plan.font, None)
        section = self.doc.sections[0]
        if plan.landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        else:
            section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.0))
        self._settings()

    @staticmethod
    def _font(style, name: str, size) -> None:  # noqa: ANN001
        from docx.oxml.ns import qn

        style.font.name = name
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), name)
        lang = style.element.get_or_add_rPr().makeelement(qn("w:lang"), {qn("w:val"): "it-IT"})
        style.element.get_or_add_rPr().append(lang)
        if size is not None:
            style.font.size = size

    def _settings(self) -> None:
        from docx.oxml.ns import qn

        settings = self.doc.settings.element
        settings.append(settings.makeelement(qn("w:autoHyphenation"), {qn("w:val"): "true"}))

    # text ----------------------------------------------------------------------------------------

    def paragraph(self, text: str, *, bold: bool = False, size: float | None = None, justify: bool = False,
                  style: str | None = None, font: str | None = None, record: bool = True, keep_next: bool = False):
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        paragraph = self.doc.add_paragraph(style=style)
        if justify:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.keep_with_next = keep_next
        self._runs(paragraph, text, bold=bold, size=Pt(size) if size else None, font=font)
        if record:
            self.texts.append(text)
        return paragraph

    def _runs(self, paragraph, text: str, *, bold: bool = False, size=None, font: str | None = None) -> None:  # noqa: ANN001
        """Text with soft hyphens as Word writes them (w:softHyphen) and 'NNbis' with 'bis' raised."""
        from docx.oxml.ns import qn

        for piece in re.split(r"(\d+bis\b)", text):
            if not piece:
                continue
            superscript = re.fullmatch(r"(\d+)(bis)", piece)
            parts = [(superscript.group(1), False), (superscript.group(2), True)] if superscript else [(piece, False)]
            for part, raised in parts:
                for index, chunk in enumerate(part.split(SOFT_HYPHEN)):
                    if index:
                        run = paragraph.add_run()
                        run._r.append(run._r.makeelement(qn("w:softHyphen"), {}))
                    run = paragraph.add_run(chunk)
                    run.bold = bold or None
                    run.font.superscript = raised or None
                    if size is not None:
                        run.font.size = size
                    if font:
                        run.font.name = font

    def heading(self, text: str, size: float, toc: bool = True) -> None:
        self.paragraph(text, bold=True, size=size, font=self.plan.heading_font, keep_next=True)
        if toc and text not in self.headings:
            self.headings.append(text)

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def furniture(self) -> None:
        """Running header (title, tab, entity) and a 'Pag. X di Y' footer made of fields."""
        from docx.enum.text import WD_TAB_ALIGNMENT
        from docx.shared import Pt

        section = self.doc.sections[0]
        width = section.page_width - section.left_margin - section.right_margin
        header = section.header.paragraphs[0]
        self._clear_style_tabs(header)
        header.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
        run = header.add_run(f"{self.plan.title}\t{self.plan.entity}")
        run.font.size = Pt(8)
        footer = section.footer.paragraphs[0]
        self._clear_style_tabs(footer)
        footer.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
        footer.add_run("\tPag. ").font.size = Pt(8)
        self._field(footer, "PAGE")
        footer.add_run(" di ").font.size = Pt(8)
        self._field(footer, "NUMPAGES")

    @staticmethod
    def _clear_style_tabs(paragraph) -> None:  # noqa: ANN001
        """The Header and Footer styles of the default template stop at 3.25" and 6.5": cleared."""
        from docx.enum.text import WD_TAB_ALIGNMENT
        from docx.shared import Inches

        for position in (Inches(3.25), Inches(6.5)):
            paragraph.paragraph_format.tab_stops.add_tab_stop(position, WD_TAB_ALIGNMENT.CLEAR)

    @staticmethod
    def _field(paragraph, instruction: str) -> None:  # noqa: ANN001
        from docx.oxml.ns import qn

        simple = paragraph._p.makeelement(qn("w:fldSimple"), {qn("w:instr"): instruction})
        run = simple.makeelement(qn("w:r"), {})
        text = run.makeelement(qn("w:t"), {})
        text.text = "1"
        run.append(text)
        simple.append(run)
        paragraph._p.append(simple)

    def contents(self, pages: dict[str, int]) -> None:
        """A table of contents: one entry per heading, dot leaders to its page number."""
        from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER

        section = self.doc.sections[0]
        width = section.page_width - section.left_margin - section.right_margin
        self.paragraph("Indice", bold=True, size=self.plan.body_size + 4, font=self.plan.heading_font)
        for heading in self.headings:
            paragraph = self.paragraph(f"{heading}\t{pages.get(heading, 1)}", record=False)
            paragraph.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            self.texts.append(f"{heading} {pages.get(heading, 1)}")

    def text_box(self, text: str) -> None:
        """A floating text box (DrawingML, as Word writes it) anchored to a new paragraph."""
        from docx.oxml import parse_xml

        paragraph = self.doc.add_paragraph()
        escaped = text.replace("&", "&amp;").replace("<", "&lt;")
        xml = f"""
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
     xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
     xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
  <w:drawing>
    <wp:inline distT="0" distB="0" distL="0" distR="0">
      <wp:extent cx="5400000" cy="540000"/>
      <wp:docPr id="1" name="Nota"/>
      <a:graphic>
        <a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
          <wps:wsp>
            <wps:cNvSpPr txBox="1"/>
            <wps:spPr>
              <a:xfrm><a:off x="0" y="0"/><a:ext cx="5400000" cy="540000"/></a:xfrm>
              <a:prstGeom prst="rect"><a:avLst/></a:prstGeom>
              <a:ln w="6350"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln>
            </wps:spPr>
            <wps:txbx>
              <w:txbxContent><w:p><w:r><w:t xml:space="preserve">{escaped}</w:t></w:r></w:p></w:txbxContent>
            </wps:txbx>
            <wps:bodyPr rot="0" vert="horz" wrap="square" lIns="91440" tIns="45720" rIns="91440" bIns="45720"/>
          </wps:wsp>
        </a:graphicData>
      </a:graphic>
    </wp:inline>
  </w:drawing>
</w:r>"""
        paragraph._p.append(parse_xml(xml))
        self.texts.append(text)

    # tables --------------------------------------------------------------------------------------

    def table(self, rows: list[list[str]], widths: list[float], *, header_rows: int = 0, bold_rows: int = 0,
              shade: str | None = None, size: float | None = None):
        """A bordered table; ``header_rows`` are repeated on every page the table runs onto."""
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        table = self.doc.add_table(rows=len(rows), cols=len(widths))
        table.style = self.doc.styles["Table Grid"]
        table.autofit = False
        for column, width in zip(table.columns, widths):
            column.width = Cm(width)
        for grid_column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
            grid_column.set(qn("w:w"), str(int(width * 567)))
        for r, cells in enumerate(rows):
            row = table.rows[r]
            if r < header_rows and self.plan.repeat_header:
                row._tr.get_or_add_trPr().append(row._tr.makeelement(qn("w:tblHeader"), {}))
            for c, text in enumerate(cells):
                cell = row.cells[c]
                cell.width = Cm(widths[c])
                paragraph = cell.paragraphs[0]
                self._runs(paragraph, text, bold=r < bold_rows, size=Pt(size) if size else None)
                if shade:
                    properties = cell._tc.get_or_add_tcPr()
                    properties.append(properties.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:fill"): shade}))
                if text:
                    self.texts.append(text)
        self.doc.add_paragraph()
        return table

    def owner_table(self, objective: Objective, dup: bool) -> None:
        labels = (["Missione/Programma"] if dup else []) + ["Sindaco / Assessore", "CdR Responsabile"]
        values = ([f"Missione {objective.mission} Programma {objective.programme}"] if dup else []) \
            + [objective.political_owner or "", objective.department]
        widths = [5.0, 5.0, 6.0] if dup else [7.0, 8.0]
        self.table([labels, values], widths, header_rows=1, bold_rows=1, size=self.plan.body_size - 1)

    def indicator_table(self, objective: Objective) -> None:
        full = 24.0 if self.plan.landscape else 16.0
        widths = [full * 0.58, full * 0.14, full * 0.14, full * 0.14]
        rows = [["Codice e descrizione indicatore", "Unità di misura", "Obiettivo", "Consuntivo"],
                ["Obiettivo specifico", objective.department, "", ""]]
        rows += [[f"{i.code} {i.description}", i.unit, i.target, i.actual] for i in objective.indicators]
        table = self.table(rows, widths, header_rows=1, bold_rows=1, size=self.plan.body_size - 1)
        table.rows[1].cells[1].merge(table.rows[1].cells[3])

    def area_band(self, area: Area) -> None:
        full = 24.0 if self.plan.landscape else 16.0
        self.table([[area.title, f"AZIONE {area.number}"]], [full * 0.8, full * 0.2], bold_rows=1, shade="D9E2F3",
                   size=self.plan.body_size + 1)


# -- the plans -----------------------------------------------------------------------------------

def _write(plan: Plan, pages: dict[str, int], headings: list[str] = ()) -> _Writer:
    w = _Writer(plan)
    w.headings = list(headings)  # known from a first pass: the contents come before them
    w.furniture()
    w.paragraph(plan.title, bold=True, size=plan.body_size + 10, font=plan.heading_font)
    w.paragraph(plan.entity, size=plan.body_size + 4)
    w.paragraph("Approvato con deliberazione di Giunta comunale n° 45 del 12/03/2024")
    w.text_box(TEXT_BOX)
    w.page_break()
    w.contents(pages)
    w.page_break()
    w.heading("Premessa", plan.body_size + 4)
    for text in PREAMBLE:
        w.paragraph(text, justify=True)
    w.paragraph("Il Piano si articola nelle seguenti aree di intervento:")
    for text in BULLETS:
        w.paragraph(text, style="List Bullet")
    w.paragraph("Il percorso di costruzione si è svolto in tre fasi:")
    for number, text in enumerate(NUMBERED, start=1):
        w.paragraph(text, style="List Number")
        w.texts.append(f"{number}.")
    w.page_break()
    if plan.kind == "pap":
        _write_pap(w, plan)
    else:
        _write_dup(w, plan)
    return w


def _objective(w: _Writer, objective: Objective, size: float) -> None:
    w.heading(f"{objective.code} {objective.title}", size)
    w.paragraph(objective.description, justify=True)


def _write_pap(w: _Writer, plan: Plan) -> None:
    w.heading("Obiettivi generali del Documento Unico di Programmazione", plan.body_size + 4)
    for objective in plan.general:
        _objective(w, objective, plan.body_size + 1)
        w.owner_table(objective, dup=False)
    w.page_break()
    w.heading("Obiettivi specifici del Piano della performance", plan.body_size + 4)
    for area in plan.areas:
        w.area_band(area)
        for objective in area.objectives:
            _objective(w, objective, plan.body_size + 1)
            w.indicator_table(objective)


def _write_dup(w: _Writer, plan: Plan) -> None:
    for code, title, programmes in plan.missions:
        w.heading(f"MISSIONE {code} – {title}", plan.body_size + 2)
        for programme, name, objectives in programmes:
            w.heading(f"Programma {programme} – {name}", plan.body_size + 1)
            for objective in objectives:
                _objective(w, objective, plan.body_size)
                w.owner_table(objective, dup=True)


def expected_extraction(plan: Plan) -> dict:
    """What planextract must extract from the plan: the fields of the output contract, as written."""
    objectives, indicators, areas = [], [], []

    def objective(o: Objective, level: str, area: int | None, mission=None, programme=None) -> dict:  # noqa: ANN001
        return {"code": o.code, "level": level, "title": o.title, "description": o.description.replace(SOFT_HYPHEN, ""),
                "department": o.department, "political_owner": o.political_owner, "action_area": area,
                "mission": mission, "programme": programme}

    for o in plan.general:
        objectives.append(objective(o, "general", None))
    for area in plan.areas:
        areas.append({"number": area.number, "title": area.title})
        for o in area.objectives:
            objectives.append(objective(o, "specific", area.number))
            indicators += [{"code": i.code, "objective_code": o.code, "description": i.description,
                            "unit_raw": i.unit, "target_raw": i.target, "actual_raw": i.actual or None}
                           for i in o.indicators]
    for code, title, programmes in plan.missions:
        for programme, name, group in programmes:
            for o in group:
                objectives.append(objective(o, "general", None, {"code": code, "title": title},
                                            {"code": programme, "title": name}))
    return {"document": {"kind": plan.kind, "title": plan.title, "entity": plan.entity,
                         "period": {"from": plan.period[0], "to": plan.period[1]}},
            "action_areas": areas, "objectives": objectives, "indicators": indicators}


# -- building ------------------------------------------------------------------------------------

def _convert(docx: Path, out_dir: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install -y libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(out_dir), str(docx)], check=True, capture_output=True, timeout=300)
    return out_dir / f"{docx.stem}.pdf"


def _heading_pages(pdf: Path, headings: list[str]) -> dict[str, int]:
    """On which page each heading landed (after the table of contents)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    texts = [re.sub(r"\s+", " ", document[i].get_textpage().get_text_range()) for i in range(len(document))]
    pages = {}
    for heading in headings:
        for number, text in enumerate(texts, start=1):
            if number > 2 and heading[:40] in text:
                pages[heading] = number
                break
    return pages


def build(plan: Plan, out_dir: Path) -> Path:
    """Write ``NAME.pdf`` and ``NAME.source.json`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        docx = work_dir / f"{plan.name}.docx"
        first = _write(plan, {})
        first = _write(plan, {}, first.headings)  # as long as the final one: the same page breaks
        first.doc.save(docx)
        pages = _heading_pages(_convert(docx, work_dir), first.headings)
        final = _write(plan, pages, first.headings)  # the contents now list the headings and their pages
        final.doc.core_properties.title = plan.title
        final.doc.core_properties.author = plan.entity
        final.doc.save(docx)
        pdf = _convert(docx, work_dir)
        if _heading_pages(pdf, final.headings) != pages:
            raise SystemExit(f"{plan.name}: the table of contents moved the headings; build again")
        shutil.copy(pdf, out_dir / pdf.name)
    source = {"expected": expected_extraction(plan),
              "text": [t.replace(SOFT_HYPHEN, "") for t in final.texts],
              "furniture": {"header": f"{plan.title} {plan.entity}", "footer": "Pag. {page} di {pages}"}}
    (out_dir / f"{plan.name}.source.json").write_text(json.dumps(source, ensure_ascii=False, indent=1) + "\n",
                                                       encoding="utf-8")
    return out_dir / pdf.name


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else FIXTURES
    for plan in PLANS:
        print(build(copy.deepcopy(plan), out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
