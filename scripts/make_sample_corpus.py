"""Build the binary and legacy-encoded files of the sample corpus from their Unicode sources.

Most of ``corpus/sample/`` is plain UTF-8 ``.txt``/``.md``/``.html`` written by hand. The files
listed in :data:`DERIVED` are generated from readable UTF-8 sources in ``corpus/sources/``
(kept outside ``corpus/sample/`` so the ingester never sees the same document twice):

- ``.docx`` (python-docx, real paragraphs; Roman-numeral sections as Heading 2),
- ``.pdf`` with a text layer (reportlab, DejaVu Sans embedded so Vietnamese extracts cleanly),
- TCVN3 (``.VnTime`` legacy font encoding, via :func:`knowledge.encoding.unicode_to_tcvn3`),
- UTF-8 in decomposed Unicode (NFD, as text copied out of some PDF viewers),
- Windows-1258 (base letter + combining tone byte where no precomposed byte exists).

The output is deterministic: fixed document metadata, fixed zip timestamps for .docx and
reportlab's invariant mode for .pdf, so rebuilding gives identical bytes.

    python scripts/make_sample_corpus.py          # (re)build the derived files
    python scripts/make_sample_corpus.py --check  # exit 1 if any derived file is stale
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "corpus" / "sources"
SAMPLE = ROOT / "corpus" / "sample"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FIXED_TIME = datetime(2024, 6, 1, 8, 0, 0)
ZIP_TIME = (2024, 6, 1, 8, 0, 0)

# source file in corpus/sources  ->  (file written into corpus/sample, builder name)
DERIVED: dict[str, tuple[str, str]] = {
    "ket-luan-21-kl-tw-2021.txt": ("ket-luan-21-kl-tw-2021.docx", "docx"),
    "huong-dan-05-hd-duk-2021.txt": ("huong-dan-05-hd-duk-2021.docx", "docx"),
    "huong-dan-12-hd-btctw-2018.txt": ("huong-dan-12-hd-btctw-2018.pdf", "pdf"),
    "quyet-dinh-27-qd-du-2022.txt": ("quyet-dinh-27-qd-du-2022.txt", "tcvn3"),
    "nghi-quyet-18-nq-tw-2017.txt": ("nghi-quyet-18-nq-tw-2017.txt", "nfd"),
    "nghi-quyet-chi-bo-xe-buyt-so-1-thang-5-2024.txt": (
        "nghi-quyet-chi-bo-xe-buyt-so-1-thang-5-2024.txt",
        "cp1258",
    ),
}

_ROMAN = re.compile(r"^[IVX]+\.\s")
_SIGNATURE = re.compile(r"^(T/M|K/T|T/L|TM\.|KT\.)\s")


def read_source(name: str) -> str:
    text = (SOURCES / name).read_text(encoding="utf-8")
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n")


def blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks of non-empty lines."""
    out: list[list[str]] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [ln.rstrip() for ln in chunk.split("\n") if ln.strip()]
        if lines:
            out.append(lines)
    return out


def split_document(text: str) -> tuple[list[str], list[str], list[list[str]], list[str], list[str]]:
    """(header lines, title lines, body blocks, signature lines, "Nơi nhận" lines)."""
    parts = blocks(text)
    header, title, rest = parts[0], parts[1], parts[2:]
    recipients: list[str] = []
    signature: list[str] = []
    if rest and rest[-1][0].startswith("Nơi nhận"):
        recipients = rest.pop()
    if rest and _SIGNATURE.match(rest[-1][0]):
        signature = rest.pop()
    return header, title, rest, signature, recipients


# --- .docx -----------------------------------------------------------------------------------


def build_docx(text: str, title: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    header, title_lines, body, signature, recipients = split_document(text)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)

    def para(line: str, *, bold: bool = False, italic: bool = False, align=None, style=None):
        p = doc.add_paragraph(style=style)
        run = p.add_run(line)
        run.bold = bold
        run.italic = italic
        if align is not None:
            p.alignment = align
        return p

    for line in header:
        para(line, bold=line.isupper() and line != "*", align=WD_ALIGN_PARAGRAPH.CENTER)
    para("")
    for i, line in enumerate(title_lines):
        if i == 0:
            p = doc.add_heading(line, level=1)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            para(line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for block in body:
        for line in block:
            if _ROMAN.match(line):
                doc.add_heading(line, level=2)
            else:
                para(line, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if signature:
        para("")
        for line in signature:
            para(line, bold=line.isupper(), align=WD_ALIGN_PARAGRAPH.RIGHT)
    if recipients:
        para("")
        for i, line in enumerate(recipients):
            p = para(line, bold=i == 0, italic=i == 0)
            for run in p.runs:
                run.font.size = Pt(11)

    props = doc.core_properties
    props.title = title
    props.author = "Chibo sample corpus"
    props.last_modified_by = "Chibo sample corpus"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME
    props.revision = 1
    props.comments = ""
    props.keywords = ""
    props.subject = ""
    props.category = ""

    raw = io.BytesIO()
    doc.save(raw)
    return _deterministic_zip(raw.getvalue())


def _deterministic_zip(data: bytes) -> bytes:
    """Re-pack a zip with fixed timestamps and attributes (python-docx stamps the clock)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 0
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# --- .pdf ------------------------------------------------------------------------------------


def build_pdf(text: str, title: str) -> bytes:
    from reportlab import rl_config

    rl_config.invariant = 1
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))

    base = ParagraphStyle("base", fontName="DejaVuSans", fontSize=11, leading=15)
    center = ParagraphStyle("center", parent=base, alignment=TA_CENTER)
    center_bold = ParagraphStyle("center_bold", parent=center, fontName="DejaVuSans-Bold")
    doc_type = ParagraphStyle("doc_type", parent=center_bold, fontSize=14, leading=20)
    body = ParagraphStyle("body", parent=base, alignment=TA_JUSTIFY, spaceAfter=4)
    heading = ParagraphStyle(
        "heading", parent=base, fontName="DejaVuSans-Bold", spaceBefore=8, spaceAfter=4
    )
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    right_bold = ParagraphStyle("right_bold", parent=right, fontName="DejaVuSans-Bold")
    small = ParagraphStyle("small", parent=base, fontSize=9.5, leading=12, alignment=TA_LEFT)

    header, title_lines, body_blocks, signature, recipients = split_document(text)
    story: list = []
    for line in header:
        style = center_bold if line.isupper() and line != "*" else center
        story.append(Paragraph(escape(line), style))
    story.append(Spacer(1, 0.5 * cm))
    for i, line in enumerate(title_lines):
        story.append(Paragraph(escape(line), doc_type if i == 0 else center_bold))
    story.append(Spacer(1, 0.4 * cm))
    for block in body_blocks:
        for line in block:
            style = heading if _ROMAN.match(line) else body
            story.append(Paragraph(escape(line), style))
    if signature:
        story.append(Spacer(1, 0.6 * cm))
        for line in signature:
            story.append(Paragraph(escape(line), right_bold if line.isupper() else right))
    if recipients:
        story.append(Spacer(1, 0.6 * cm))
        for line in recipients:
            story.append(Paragraph(escape(line), small))

    def page_number(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont("DejaVuSans", 9)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, str(document.page))
        canvas.restoreState()

    out = io.BytesIO()
    pdf = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=title,
        author="Chibo sample corpus",
        subject="",
        creator="Chibo sample corpus",
        producer="reportlab",
        invariant=1,
    )
    pdf.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return out.getvalue()


# --- encodings -------------------------------------------------------------------------------

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 the way Windows writes it: precomposed byte when there is one, otherwise
    the toneless letter followed by a combining tone byte (cp1258 has only the five tones)."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in _TONE_MARKS)
        bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
        out += bare.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def to_tcvn3(text: str) -> bytes:
    sys.path.insert(0, str(ROOT))
    from knowledge.encoding import unicode_to_tcvn3

    return unicode_to_tcvn3(text)


def windows_lines(text: str) -> str:
    return text.replace("\n", "\r\n")


BUILDERS: dict[str, Callable[[str, str], bytes]] = {
    "docx": build_docx,
    "pdf": build_pdf,
    "tcvn3": lambda text, _title: to_tcvn3(windows_lines(text)),
    "nfd": lambda text, _title: unicodedata.normalize("NFD", text).encode("utf-8"),
    "cp1258": lambda text, _title: to_cp1258(windows_lines(text)),
}


def document_title(text: str) -> str:
    """Document type plus subject line, used as docx/pdf metadata title."""
    title = blocks(text)[1]
    return " ".join(title[:1] + title[-1:])


def build_all() -> dict[Path, bytes]:
    outputs: dict[Path, bytes] = {}
    for source, (target, kind) in DERIVED.items():
        text = read_source(source)
        outputs[SAMPLE / target] = BUILDERS[kind](text, document_title(text))
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    stale = 0
    for path, data in build_all().items():
        current = path.read_bytes() if path.exists() else None
        if current == data:
            print(f"up to date  {path.relative_to(ROOT)}")
            continue
        stale += 1
        if args.check:
            print(f"STALE       {path.relative_to(ROOT)}")
        else:
            path.write_bytes(data)
            print(f"wrote       {path.relative_to(ROOT)} ({len(data)} bytes)")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
