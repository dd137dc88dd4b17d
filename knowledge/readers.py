"""Readers for .txt, .md, .html, .docx and .pdf files: bytes in, clean Unicode text out."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from knowledge.encoding import UndecodableError, decode_bytes
from knowledge.errors import IngestError
from knowledge.noise import strip_page_noise
from knowledge.text import clean

SUPPORTED_FORMATS = ("txt", "md", "html", "docx", "pdf")
_EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}


@dataclass(frozen=True)
class ReadResult:
    """The text of a file, with how it was read."""

    text: str
    format: str
    encoding: str | None = None
    title_hint: str | None = None


def format_of(path: Path) -> str | None:
    """The reader format for a file name, or None when unsupported."""
    return _EXTENSIONS.get(path.suffix.lower())


def read_bytes(
    data: bytes, file_name: str, *, max_unzipped_bytes: int = 200 * 2**20
) -> ReadResult:
    """Read a document's bytes by the format its name says; raise IngestError on bad input."""
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
        "pdf": _read_pdf,
    }
    result = readers[fmt](data)
    text = clean(strip_page_noise(result.text))
    if not text.strip():
        raise IngestError("no_text", "tệp không có nội dung chữ nào đọc được")
    return ReadResult(text, result.format, result.encoding, result.title_hint)


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
    ".related, .comment, .comments, .tags, .counter, .visitor, .advert, .ads"
)
_HTML_MAIN = (
    "article",
    "main",
    "[itemprop=articleBody]",
    ".article-content",
    ".news-content",
    ".content-detail",
    ".post-content",
    ".entry-content",
    "#content",
    ".content",
)
_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
    "article", "blockquote", "ul", "ol", "dd", "dt", "figcaption", "figure", "pre", "td", "th",
}  # fmt: skip


def _read_html(data: bytes) -> ReadResult:
    from selectolax.lexbor import LexborHTMLParser

    text, encoding = _decode(data)
    tree = LexborHTMLParser(text)
    title_node = tree.css_first("h1") or tree.css_first("title")
    title = title_node.text(strip=True) if title_node else None
    for node in tree.css(_HTML_DROP):
        node.decompose()
    root = None
    for selector in _HTML_MAIN:
        candidates = tree.css(selector)
        if candidates:
            root = max(candidates, key=lambda n: len(n.text(strip=True)))
            if len(root.text(strip=True)) > 200:
                break
    root = root or tree.body or tree.root
    if root is None:
        return ReadResult("", "html", encoding, title)
    for tag in _BLOCK_TAGS:
        for node in root.css(tag):
            node.insert_before("\n")
            node.insert_after("\n")
    return ReadResult(root.text(separator=""), "html", encoding, title)


def _read_docx(data: bytes, max_unzipped_bytes: int) -> ReadResult:
    import docx

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
        document = docx.Document(io.BytesIO(data))
    except IngestError:
        raise
    except Exception as exc:  # python-docx raises many kinds on damaged files
        raise IngestError("bad_docx", f"không đọc được tệp .docx ({type(exc).__name__})") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = [
                        "".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")).strip()
                        for cell in row
                        if cell.tag.endswith("}tc")
                    ]
                    lines.append("\n".join(c for c in cells if c))
    title = document.core_properties.title or None
    return ReadResult("\n".join(lines), "docx", None, title)


def _read_pdf(data: bytes) -> ReadResult:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # An empty user password is common on "protected" PDFs that still open freely.
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise IngestError(
                    "encrypted_pdf", "PDF được đặt mật khẩu; hãy gửi bản không khóa"
                )
        pages = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError("bad_pdf", f"tệp PDF hỏng, không đọc được ({type(exc).__name__})") from exc
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        raise IngestError("bad_pdf", f"tệp PDF hỏng, không đọc được ({type(exc).__name__})") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise IngestError(
            "scanned_pdf", "PDF không có lớp chữ (có thể là ảnh quét); hãy gửi bản Word hoặc PDF có chữ"
        )
    return ReadResult(text, "pdf", None, None)
