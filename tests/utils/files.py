"""Builders for input files, good and bad: .docx, encrypted PDFs, zip bombs, huge or mixed text."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

from tests.utils.factories import SAMPLE_DIR

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def docx_bytes(paragraphs: list[str], *, title: str | None = None) -> bytes:
    """A real Word document with one paragraph per item."""
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if title:
        document.core_properties.title = title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_zip_bomb(path: Path, *, unzipped_mb: int, level: int = 1) -> Path:
    """A .docx-looking zip whose word/document.xml is ``unzipped_mb`` MB of zeros.

    Streamed chunk by chunk, so building it never holds the expanded content in memory.
    """
    chunk = b"\0" * 2**20
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        with zf.open("word/document.xml", "w") as member:
            for _ in range(unzipped_mb):
                member.write(chunk)
    return path


def encrypted_pdf_bytes(*, user_password: str) -> bytes:
    """The sample PDF (12-HD/BTCTW, 2018) encrypted; an empty user password opens freely."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(SAMPLE_DIR / "huong-dan-12-hd-btctw-2018.pdf"))
    writer.encrypt(user_password=user_password, owner_password="chu-so-huu", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def write_sparse(path: Path, *, megabytes: int) -> Path:
    """A file of ``megabytes`` MB that takes no disk space (a hole of zeros)."""
    with path.open("wb") as handle:
        handle.truncate(megabytes * 2**20)
    return path


def half_nfd(text: str) -> str:
    """Every other line decomposed (NFD), as text pasted together from several sources."""
    lines = text.split("\n")
    return "\n".join(
        unicodedata.normalize("NFD", line) if i % 2 else line for i, line in enumerate(lines)
    )
