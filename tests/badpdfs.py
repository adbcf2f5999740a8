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
