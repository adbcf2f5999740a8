"""Builders of bad inputs: each returns the path of a file that must be refused with a clear error."""

from __future__ import annotations

from pathlib import Path

from conftest import SAMPLES


def not_a_pdf(directory: Path) -> Path:
    path = directory / "notes.pdf"
    path.write_text("Piano della performance, appunti\n", encoding="utf-8")
    return path


def empty(directory: Path) -> Path:
    path = directory / "empty.pdf"
    path.write_bytes(b"")
    return path


def truncated(directory: Path) -> Path:
    path = directory / "truncated.pdf"
    data = (SAMPLES / "dup-2022-2024.pdf").read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def garbage(directory: Path) -> Path:
    path = directory / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    return path


def encrypted(directory: Path, password: str = "segreto") -> Path:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = directory / "encrypted.pdf"
    pdf = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption(password, canPrint=0))
    pdf.drawString(72, 720, "Documento riservato")
    pdf.save()
    return path


def scanned() -> Path:
    return SAMPLES / "negative" / "scansione-senza-testo.pdf"


def zero_pages(directory: Path) -> Path:
    """A well-formed PDF whose page tree is empty."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path = directory / "zero-pages.pdf"
    path.write_bytes(body)
    return path


def many_pages(directory: Path, pages: int, name: str = "many-pages.pdf", lines: int = 1) -> Path:
    """A plain text PDF of ``pages`` pages (a page-count bomb, or with many lines a slow file)."""
    from reportlab.pdfgen import canvas

    path = directory / name
    pdf = canvas.Canvas(str(path))
    for page in range(pages):
        for line in range(lines):
            pdf.drawString(40, 800 - 12 * line, f"Pagina {page + 1}, riga {line + 1}: testo di prova della pagina "
                                                "per misurare il tempo di lettura del documento")
        pdf.showPage()
    pdf.save()
    return path
