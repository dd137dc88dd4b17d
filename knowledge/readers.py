"""Readers for .txt, .md, .html, .docx, .doc, .pdf and page photos: bytes in, clean Unicode out.

Scanned PDF pages and photos (.jpg, .png) are recognised with Tesseract (``knowledge.ocr``);
Word 97–2003 files (.doc) are read with antiword.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from PIL import Image

from knowledge.encoding import UndecodableError, decode_bytes, repair_legacy
from knowledge.errors import IngestError
from knowledge.noise import split_page_noise
from knowledge.ocr import OcrOptions, Progress, open_image, read_pages_each
from knowledge.text import clean, fold

SUPPORTED_FORMATS = ("txt", "md", "html", "docx", "doc", "pdf", "jpg", "png")
_EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".doc": "doc",
    ".pdf": "pdf",
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class ReadResult:
    """The text of a file, with how it was read."""

    text: str
    format: str
    encoding: str | None = None
    title_hint: str | None = None
    byline: str | None = None
    recognised_pages: int = 0  # pages read by OCR (their text is not yet checked)


def format_of(path: Path) -> str | None:
    """The reader format for a file name, or None when unsupported."""
    return _EXTENSIONS.get(path.suffix.lower())


def read_bytes(
    data: bytes,
    file_name: str,
    *,
    max_unzipped_bytes: int = 200 * 2**20,
    ocr: OcrOptions | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ReadResult:
    """Read a document's bytes by the format its name says; raise IngestError on bad input.
    Pages to recognise report ``progress`` and stop when ``cancelled`` says so."""
    fmt = format_of(Path(file_name))
    if fmt is None:
        supported = ", ".join("." + f for f in SUPPORTED_FORMATS)
        raise IngestError(
            "unsupported",
            f"định dạng «{Path(file_name).suffix or 'không có đuôi'}» không được hỗ trợ "
            f"(chỉ nhận {supported})",
        )
    if not data:
        raise IngestError("empty", "tệp rỗng (0 byte)")
    readers: dict[str, Callable[[bytes], ReadResult]] = {
        "txt": _read_txt,
        "md": _read_md,
        "html": _read_html,
        "docx": lambda d: _read_docx(d, max_unzipped_bytes),
        "doc": _read_doc,
        "pdf": lambda d: _read_pdf(d, ocr or OcrOptions(), progress, cancelled),
        "image": lambda d: _read_image(d, ocr or OcrOptions(), progress, cancelled),
    }
    result = readers[fmt](data)
    stripped, byline = split_page_noise(clean(result.text))
    text = clean(stripped)
    if not text.strip():
        raise IngestError("no_text", "tệp không có nội dung chữ nào đọc được")
    return ReadResult(
        text, result.format, result.encoding, result.title_hint, byline, result.recognised_pages
    )


def _decode(data: bytes) -> tuple[str, str]:
    try:
        decoded = decode_bytes(data)
    except UndecodableError as exc:
        raise IngestError(
            "not_text", "nội dung không phải văn bản (dữ liệu nhị phân hoặc mã hóa lạ)"
        ) from exc
    return decoded.text, decoded.encoding


def _read_txt(data: bytes) -> ReadResult:
    text, encoding = _decode(data)
    return ReadResult(text, "txt", encoding)


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(\S(?:.*?\S)?)\1")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _read_md(data: bytes) -> ReadResult:
    text, encoding = _decode(data)
    first = next((ln for ln in text.splitlines() if ln.strip().startswith("#")), None)
    text = _MD_HEADING.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    title = first.lstrip("# ").strip() if first else None
    return ReadResult(text, "md", encoding, title)


# Elements that never hold the article's own text on Party news sites.
_HTML_DROP = (
    "script, style, noscript, iframe, nav, header, footer, aside, form, button, svg, "
    "select, input, template, [role=navigation], [role=banner], [role=contentinfo], "
    ".menu, .nav, .navbar, .breadcrumb, .share, .social, .footer, .header, .sidebar, "
    ".related, .comment, .comments, .tags, .counter, .visitor, .advert, .ads, "
    ".main-menu, .top-bar, .duong-dan, .mxh, .tin-lien-quan, .tin-khac, .box-thong-ke, "
    ".chan-trang, .related-news, .other-news"
)
# Where CMSs commonly put the article body; candidates are then ranked by their paragraph text,
# so a selector that matches a whole page column never wins over the article inside it.
_HTML_MAIN = (
    "article",
    "main",
    "[itemprop=articleBody]",
    ".article-content",
    ".article-body",
    ".article-detail",
    ".news-content",
    ".news-detail",
    ".news-body",
    ".detail-content",
    ".content-detail",
    ".post-content",
    ".post-detail",
    ".entry-content",
    ".noi-dung",
    ".noidung",
    ".chi-tiet",
    "#content",
    ".content",
)
_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
    "article", "blockquote", "ul", "ol", "dd", "dt", "figcaption", "figure", "pre", "td", "th",
}  # fmt: skip
# A paragraph shorter than this is a label ("Hôm nay:", "1272"), not article prose.
_MIN_PARAGRAPH_CHARS = 40


def _read_html(data: bytes) -> ReadResult:
    from selectolax.lexbor import LexborHTMLParser

    text, encoding = _decode(data)
    tree = LexborHTMLParser(text)
    og_title = _meta_content(tree, "og:title")
    site_name = _meta_content(tree, "og:site_name")
    page_title_node = tree.css_first("title")
    page_title = page_title_node.text(strip=True) if page_title_node else None
    for node in tree.css(_HTML_DROP):
        node.decompose()
    # After the page furniture is gone, so a logo in an <h1> inside <header> is not taken.
    h1_node = tree.css_first("h1")
    h1 = " ".join(h1_node.text().split()) if h1_node else None
    title = og_title or h1 or (_without_site_name(page_title, site_name) if page_title else None)
    root = _main_content(tree)
    if root is None:
        return ReadResult("", "html", encoding, title)
    for tag in _BLOCK_TAGS:
        for node in root.css(tag):
            node.insert_before("\n")
            node.insert_after("\n")
    body = root.text(separator="")
    # The headline usually sits above the body's container; keep it as the first line.
    if title and fold(title) not in fold(body[: len(title) + 200]):
        body = title + "\n\n" + body
    return ReadResult(body, "html", encoding, title)


def _meta_content(tree: Any, prop: str) -> str | None:
    """The content of <meta property=…> (or name=…), whitespace collapsed; None when empty."""
    node = tree.css_first(f'meta[property="{prop}"]') or tree.css_first(f'meta[name="{prop}"]')
    content = " ".join((node.attributes.get("content") or "").split()) if node else ""
    return content or None


_TITLE_SUFFIX = re.compile(r"^(.+?)\s+[|\-–—]\s+([^|\-–—]+)$")


def _without_site_name(title: str, site_name: str | None) -> str:
    """A page <title> without the site's name: «Tin … - Đảng ủy Khối …» → «Tin …».

    The last « - X» or « | X» part goes when it is the site's name, or has no digits (so
    «nhiệm kỳ 2020 - 2025» stays whole).
    """
    title = " ".join(title.split())
    match = _TITLE_SUFFIX.match(title)
    if match is None:
        return title
    head, tail = match.group(1), match.group(2)
    if (site_name and fold(tail) == fold(site_name)) or not re.search(r"\d", tail):
        return head
    return title


def _main_content(tree: Any) -> Any:
    """The element holding the article: the tightest one with (nearly) all the prose paragraphs.

    Candidates are the usual content selectors and every parent of a <p>; each is scored by the
    text of its real paragraphs outside links, so menus, link lists and counters score nothing.
    """
    candidates: dict[int, Any] = {}
    for selector in _HTML_MAIN:
        for node in tree.css(selector):
            candidates[node.mem_id] = node
    for paragraph in tree.css("p"):
        if paragraph.parent is not None:
            candidates[paragraph.parent.mem_id] = paragraph.parent
    scored = [
        (_prose_chars(node), len(node.text(strip=True)), node) for node in candidates.values()
    ]
    best = max((score for score, _, _ in scored), default=0)
    if best >= 200:
        near = [(size, node) for score, size, node in scored if score >= 0.9 * best]
        return min(near, key=lambda item: item[0])[1]
    # No paragraph markup: the first selector with substantial text, else the body.
    for selector in _HTML_MAIN:
        nodes = tree.css(selector)
        if nodes:
            node = max(nodes, key=lambda n: len(n.text(strip=True)))
            if len(node.text(strip=True)) > 200 and _link_density(node) < 0.5:
                return node
    return tree.body or tree.root


def _prose_chars(node: Any) -> int:
    """Characters of paragraph text under ``node`` that are not link text."""
    total = 0
    for paragraph in node.css("p"):
        text = paragraph.text(strip=True)
        links = sum(len(a.text(strip=True)) for a in paragraph.css("a"))
        if len(text) - links >= _MIN_PARAGRAPH_CHARS:
            total += len(text) - links
    return total


def _link_density(node: Any) -> float:
    text = len(node.text(strip=True))
    links = sum(len(a.text(strip=True)) for a in node.css("a"))
    return links / text if text else 1.0


# How much of each XML part is searched for a DOCTYPE: it can only sit in the prolog.
_XML_PROLOG_BYTES = 64 * 1024


def _read_docx(data: bytes, max_unzipped_bytes: int) -> ReadResult:
    import docx
    from docx.oxml.ns import qn

    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise IngestError("bad_docx", "tệp .docx hỏng hoặc không phải tệp Word (.docx là tệp nén)")
    try:
        with zipfile.ZipFile(buffer) as archive:
            infos = archive.infolist()
            expanded = sum(info.file_size for info in infos)
            packed = max(1, sum(info.compress_size for info in infos))
            if expanded > max_unzipped_bytes or expanded / packed > 200:
                raise IngestError(
                    "zip_bomb",
                    "tệp .docx giải nén ra quá lớn "
                    f"({expanded / 2**20:.0f} MB từ {packed / 2**20:.1f} MB) — nghi là bom nén",
                )
            if "word/document.xml" not in archive.namelist():
                raise IngestError("bad_docx", "tệp nén này không phải tài liệu Word (.docx)")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with archive.open(info) as part:
                        if _has_doctype(part.read(_XML_PROLOG_BYTES)):
                            raise _doctype_error(info.filename)
        document = docx.Document(io.BytesIO(data))
    except IngestError:
        raise
    except Exception as exc:  # python-docx raises many kinds on damaged files
        raise IngestError("bad_docx", f"không đọc được tệp .docx ({type(exc).__name__})") from exc
    if document.element.getroottree().docinfo.doctype:
        raise _doctype_error("word/document.xml")
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren(qn("w:p"), qn("w:tbl")):
        if child.tag == qn("w:p"):
            lines.append(_docx_paragraph_text(child))
        else:
            for row in child.iter(qn("w:tr")):
                cells = [
                    "\n".join(_docx_paragraph_text(p) for p in cell.iter(qn("w:p"))).strip()
                    for cell in row.iterchildren(qn("w:tc"))
                ]
                lines.append("\n".join(c for c in cells if c))
    title = document.core_properties.title or None
    return ReadResult("\n".join(lines), "docx", None, title)


def _docx_paragraph_text(paragraph: Any) -> str:
    """A paragraph's text as python-docx reads each run: tabs as tabs, line breaks as breaks.

    Every run counts, also inside insertions, hyperlinks and content controls.
    """
    from docx.oxml.ns import qn

    return "".join(run.text for run in paragraph.iter(qn("w:r")))


def _has_doctype(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "<!DOCTYPE" in head.decode("utf-16", errors="ignore")
    return b"<!DOCTYPE" in head


def _doctype_error(part: str) -> IngestError:
    # Word never writes a DOCTYPE; one is how entity tricks (XXE, "billion laughs") get in.
    return IngestError(
        "docx_doctype",
        f"tệp .docx có khai báo DOCTYPE (trong {part}), điều mà Word không bao giờ tạo ra: "
        "tệp đã bị sửa bằng công cụ khác hoặc không an toàn. Hãy mở tệp bằng Word, "
        "lưu lại rồi gửi lại",
    )


def _read_pdf(
    data: bytes,
    ocr: OcrOptions,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> ReadResult:
    """The text layer of each page; pages without one (a scan) are recognised."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # An empty user password is common on "protected" PDFs that still open freely.
            try:
                opened = bool(reader.decrypt(""))
            except Exception:
                opened = False
            if not opened:
                raise IngestError("encrypted_pdf", "PDF được đặt mật khẩu; hãy gửi bản không khóa")
        read = [_page_text(page) for page in reader.pages]
        pages = [text for text, _ in read]
        styles = [printed for _, printed in read]
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(
            "bad_pdf", f"tệp PDF hỏng, không đọc được ({type(exc).__name__})"
        ) from exc
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        raise IngestError(
            "bad_pdf", f"tệp PDF hỏng, không đọc được ({type(exc).__name__})"
        ) from exc
    if not pages:
        raise IngestError("no_text", "tệp PDF không có trang nào")
    scanned = [n for n, page in enumerate(pages) if not page.strip()]
    if not scanned:
        return ReadResult(reflow_pdf_pages(pages, styles), "pdf", None, None)
    recognised = dict(
        zip(scanned, _recognise_pdf_pages(data, scanned, ocr, progress, cancelled), strict=True)
    )
    # Recognised pages come with their paragraphs already; only the text layer is reflowed.
    parts = [
        recognised[n] if n in recognised else reflow_pdf_pages([page], [styles[n]])
        for n, page in enumerate(pages)
    ]
    text = "\n\n".join(part for part in parts if part.strip())
    return ReadResult(text, "pdf", None, None, recognised_pages=len(scanned))


def _recognise_pdf_pages(
    data: bytes,
    numbers: list[int],
    ocr: OcrOptions,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> list[str]:
    """Text of the listed pages, rendered in colour (so a red stamp can be whitened)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:

        def loader(n: int) -> Callable[[], Image.Image]:
            return lambda: document[n].render(scale=ocr.dpi / 72).to_pil()

        texts = read_pages_each(
            [loader(n) for n in numbers], ocr, progress=progress, cancelled=cancelled
        )
    finally:
        document.close()
    return texts


def _read_image(
    data: bytes,
    ocr: OcrOptions,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> ReadResult:
    """A photo or scan of one page (or several, for a multi-page TIFF-like image)."""
    image = open_image(data)
    frames = getattr(image, "n_frames", 1)

    def frame(n: int) -> Callable[[], Image.Image]:
        def load() -> Image.Image:
            image.seek(n)
            return image.copy()

        return load

    texts = read_pages_each(
        [frame(n) for n in range(frames)], ocr, progress=progress, cancelled=cancelled
    )
    return ReadResult("\n\n".join(texts), "image", None, None, recognised_pages=frames)


def _read_doc(data: bytes) -> ReadResult:
    """Word 97–2003 through antiword (UTF-8 output asked for, whatever the locale)."""
    if data[:8] != _OLE_MAGIC:
        if data[:4] == b"PK\x03\x04":
            raise IngestError("bad_doc", "tệp đuôi .doc nhưng là .docx; hãy đổi đuôi thành .docx")
        raise IngestError("bad_doc", "tệp .doc hỏng hoặc không phải văn bản Word 97–2003")
    if shutil.which("antiword") is None:
        raise IngestError("doc_unavailable", "máy chủ chưa cài antiword nên chưa đọc được tệp .doc")
    with tempfile.NamedTemporaryFile(suffix=".doc") as handle:
        handle.write(data)
        handle.flush()
        try:
            done = subprocess.run(
                ["antiword", "-m", "UTF-8.txt", "-w", "0", handle.name],
                capture_output=True,
                timeout=60,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise IngestError("bad_doc", "đọc tệp .doc quá lâu; tệp có thể hỏng") from exc
    if done.returncode != 0:
        raise IngestError("bad_doc", "không đọc được tệp .doc (tệp hỏng hoặc được đặt mật khẩu)")
    text, legacy = doc_text(done.stdout.decode("utf-8", errors="replace"))
    return ReadResult(text, "doc", legacy, None)


def doc_text(extracted: str) -> tuple[str, str | None]:
    """antiword's output as text: table rules («|») dropped, cells' words kept; a file typed in
    a legacy Vietnamese font (TCVN3 .VnTime, VNI) converted back to Unicode."""
    text = "\n".join(
        re.sub(r"\s{2,}", " ", line.replace("|", " ")).strip() if "|" in line else line
        for line in extracted.splitlines()
    )
    return repair_legacy(text)


_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–]\s*)?(?:trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*[-–])?\s*$", re.I
)
# A line starting like this begins a new paragraph even when the line before it is full.
_PARAGRAPH_START = re.compile(
    r"^(?:[IVXLC]+\.|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\)|[-+•*–]|(?:Điều|Chương|Mục|Phần)\s)", re.U
)


@dataclass(frozen=True)
class LineStyle:
    """Where and how a printed line of a PDF page is set: its baseline (points from the page's
    foot), the font's weight (None for a line that mixes bold and regular words, as a bold
    lead-in does) and size, and its text without spaces (to pair it with the line pypdf
    extracts)."""

    baseline: float
    bold: bool | None
    size: float
    key: str

    @property
    def face(self) -> tuple[bool | None, float]:
        """Weight and size: a change of face between two lines is a change of paragraph."""
        return self.bold, round(self.size * 2) / 2


_BOLD_FONT = re.compile(r"bold|black|heavy|demi|semibold|,b\b|-b\b", re.I)


def _page_text(page: Any) -> tuple[str, list[LineStyle] | None]:
    """A PDF page's text layer as pypdf extracts it, and its printed lines with their baseline
    and face, top to bottom (None when a text operator's place cannot be read: the reflow then
    goes by line lengths alone)."""
    chunks: list[tuple[float, float, bool, float, str]] = []
    unplaced = False

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        nonlocal unplaced
        if not text.strip():
            return
        try:
            scale = (tm[3] * cm[3]) or 1.0
            baseline = float(cm[5] + tm[5] * cm[3])
            left = float(cm[4] + tm[4] * cm[0])
            bold = bool(_BOLD_FONT.search(str((font or {}).get("/BaseFont", ""))))
            chunks.append((baseline, left, bold, abs(float(size) * scale), text))
        except (TypeError, ValueError, IndexError, AttributeError):
            unplaced = True

    text = page.extract_text(visitor_text=visit) or ""
    return text, None if unplaced else _printed_lines(chunks)


def _printed_lines(chunks: list[tuple[float, float, bool, float, str]]) -> list[LineStyle]:
    """The text pieces of a page grouped into printed lines (one baseline each)."""
    lines: list[list[tuple[float, float, bool, float, str]]] = []
    for chunk in chunks:
        if lines and abs(lines[-1][0][0] - chunk[0]) <= 0.3 * max(chunk[3], 1.0):
            lines[-1].append(chunk)
        else:
            lines.append([chunk])
    styles = []
    for line in lines:
        line.sort(key=lambda c: c[1])
        body = [c for c in line if c[4].strip()]
        weights = {c[2] for c in body}
        bold = weights.pop() if len(weights) == 1 else None
        size = max(c[3] for c in body)
        key = re.sub(r"\s+", "", "".join(c[4] for c in body))
        styles.append(LineStyle(line[0][0], bold, size, key))
    return styles


def _styled(lines: list[str], styles: list[LineStyle] | None) -> list[LineStyle | None]:
    """The style of each extracted line, paired in order by their text; None where a line has
    no printed line of the same text (a table row pypdf joined, a page number dropped)."""
    out: list[LineStyle | None] = []
    at = 0
    for line in lines:
        key = re.sub(r"\s+", "", line)
        found = None
        if styles and key:
            for k in range(at, min(at + 4, len(styles))):
                if styles[k].key == key:
                    found, at = styles[k], k + 1
                    break
        out.append(found)
    return out


def _leading(
    lines: list[tuple[str, LineStyle | None]],
) -> dict[tuple[bool | None, float], float]:
    """The distance between two lines of one face set one under the other when a paragraph
    wraps — the smaller steps (a document of one-line paragraphs has more steps between
    paragraphs than wraps), so that the space before a paragraph can be told from it."""
    steps: dict[tuple[bool | None, float], list[float]] = {}
    for (_, a), (_, b) in pairwise(lines):
        if a is not None and b is not None and a.face == b.face and a.baseline > b.baseline:
            steps.setdefault(a.face, []).append(round(a.baseline - b.baseline, 1))
    return {face: sorted(v)[len(v) // 10] for face, v in steps.items()}


def reflow_pdf_pages(pages: list[str], styles: list[list[LineStyle] | None] | None = None) -> str:
    """Join a PDF's visual lines back into paragraphs and drop page numbers.

    pypdf returns one line per printed line. A line is a wrap of the paragraph when the next
    line's first word would not have fitted on it (measured against the longest lines of the
    document), or when the next line starts in lower case; a line that opens a list item or a
    heading always starts a new paragraph, so no paragraph, and no sentence, is cut at a wrap.
    Where the page's layout is known (``styles``, one list per page), a change of face (a bold
    title over the body, a heading) or more space than a wrap's between two lines also starts
    a paragraph, and the lines of a title or heading set in its own face, one under the other,
    are one paragraph: a long title wrapped on two lines is not glued to the text below it.
    """
    lines: list[tuple[str, LineStyle | None]] = []
    for n, page in enumerate(pages):
        page_lines = [ln.rstrip() for ln in page.split("\n")]
        while page_lines and not page_lines[0].strip():
            page_lines.pop(0)
        while page_lines and not page_lines[-1].strip():
            page_lines.pop()
        if page_lines and _PAGE_NUMBER.match(page_lines[0]):
            page_lines.pop(0)
        if page_lines and _PAGE_NUMBER.match(page_lines[-1]):
            page_lines.pop()
        printed = styles[n] if styles is not None and n < len(styles) else None
        lines.extend(zip(page_lines, _styled(page_lines, printed), strict=True))
    lengths = sorted(len(ln) for ln, _ in lines if ln.strip())
    if not lengths:
        return ""
    width = lengths[int(len(lengths) * 0.95) - 1 if len(lengths) > 1 else 0]
    leading = _leading(lines)
    faces = [style.face for _, style in lines if style is not None]
    body = max(set(faces), key=faces.count) if faces else None
    out: list[str] = []
    before: LineStyle | None = None
    for line, style in lines:
        stripped = line.strip()
        if out and out[-1] and stripped:
            wraps = _layout_continues(before, style, leading, body)
            if wraps is None:
                wraps = _continues(out[-1], stripped, width)
            elif wraps and (_PARAGRAPH_START.match(stripped) or out[-1].isupper()):
                wraps = False
            if wraps:
                out[-1] = _join_wrapped(out[-1], stripped)
                before = style
                continue
        out.append(stripped)
        before = style
    return "\n".join(out)


def _layout_continues(
    above: LineStyle | None,
    line: LineStyle | None,
    leading: dict[tuple[bool | None, float], float],
    body: tuple[bool | None, float] | None,
) -> bool | None:
    """What the layout says of ``line`` under ``above``: False when it starts a paragraph (a
    change of face, or more space above it than a wrap leaves), True when both are lines of a
    title or heading face set as a wrap, None when only the words can tell (two body lines, or
    a line whose place on the page is unknown)."""
    if above is None or line is None or above.baseline <= line.baseline:
        return None  # unknown, or a new page/column
    if above.face != line.face:
        # a line mixing weights (a bold lead-in) may carry on a paragraph of either
        return None if above.bold is None or line.bold is None else False
    step = leading.get(line.face)
    if step is not None and above.baseline - line.baseline > step * 1.15 + 0.5:
        return False
    if line.face != body and line.bold is not None:
        return True
    return None


def _join_wrapped(previous: str, line: str) -> str:
    """Join a wrapped line: a soft or word hyphen at the break goes, a code's hyphen stays."""
    if previous.endswith("\u00ad"):
        return previous[:-1] + line
    if len(previous) > 1 and previous[-1] == "-" and previous[-2].isalnum() and line[0].isalnum():
        keep = previous[-2].isdigit() or line[0].isdigit() or line[0].isupper()
        return (previous if keep else previous[:-1]) + line
    return previous + " " + line


def _continues(previous: str, line: str, width: int) -> bool:
    """True when ``line`` carries on the paragraph whose last printed line is ``previous``."""
    if _PARAGRAPH_START.match(line) or previous.isupper():
        return False
    last_printed = previous[-width:] if len(previous) > width else previous
    first_word = line.split(" ", 1)[0]
    full = len(last_printed) + 1 + len(first_word) >= 0.9 * width
    if line[0].islower():
        return full or len(last_printed) >= 0.6 * width
    return full and not previous.endswith((".", "!", "?", "…", ":"))
