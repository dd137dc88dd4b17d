"""Reading scans and photos of pages with Tesseract's Vietnamese model.

A page image is prepared the way phone photos and scans need (EXIF orientation; the red channel,
so a red stamp or signature seal turns white while black text stays; the background flattened
against uneven light; skew found by a projection profile and undone), then recognised by the
``tesseract`` program (Debian packages ``tesseract-ocr`` and ``tesseract-ocr-vie``) with page
segmentation that also fixes pages lying on their side. Each page is one process with a timeout,
one thread each (``OMP_THREAD_LIMIT=1``: Tesseract's own threads made two cores four times
slower), and at most ``jobs`` pages are recognised at once across the process, so the bot keeps
answering while a long scan is read.

Recognised text is never taken for the official text: documents read this way are stored as
*chưa đối chiếu* (not yet checked) like any upload, with a note saying they were recognised.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from knowledge.errors import IngestError
from knowledge.numbers import ISSUER_CODES, TYPE_CODES

# Vietnamese letters with marks: a page of Vietnamese has many, an English page none.
_MARKED = re.compile(r"[à-ỹđĐÀ-Ỹ]")
_LETTER = re.compile(r"[^\W\d_]")
# A document number's codes as recognised: «Số 27-QĐĐ/ĐU», «01-KLI/TW», «05-CTr/ĐĐU».
_NUMBER_CODE = re.compile(r"(?<=\d-)([A-ZĐ][A-Za-zĐ|]{1,5})/([A-ZĐ]{2,9})\b")
# Tesseract writes Vietnamese Đ/đ now and then as the Icelandic eth (Ð/ð), never used here.
_ETH = str.maketrans({"Ð": "Đ", "ð": "đ"})


def _wrapped(line: str) -> bool:
    """A line that goes on with the sentence before it (starts in lower case, or with a
    comma): a printed line wrap, not a new line of the document."""
    return line[:1].islower() or line[:1] in ",;)"


MIN_CONFIDENCE = 45.0  # mean word confidence (0–100) below which a page is not readable text
MIN_MARKED_SHARE = 0.08  # of letters, for a page to be taken as Vietnamese


@dataclass(frozen=True)
class OcrOptions:
    """Limits of one recognition job (from ``knowledge.ocr`` in config.yaml)."""

    max_pages: int = 30
    dpi: int = 300
    page_timeout_s: float = 120.0
    jobs: int = 1


@dataclass(frozen=True)
class PageText:
    """One recognised page: its text and Tesseract's mean word confidence."""

    text: str
    confidence: float


Progress = Callable[[int, int], None]
"""Called with (pages done, pages in all) before each page and when all are done."""


class Cancelled(IngestError):
    """The person who sent the pages stopped the recognition."""

    def __init__(self) -> None:
        super().__init__("cancelled", "đã dừng nhận dạng theo yêu cầu; chưa nạp gì vào kho")


_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


def _slot(jobs: int) -> threading.BoundedSemaphore:
    """One semaphore per configured job count: at most ``jobs`` pages at once in the process."""
    with _slots_lock:
        return _slots.setdefault(jobs, threading.BoundedSemaphore(max(1, jobs)))


@cache
def available() -> bool:
    """True when the tesseract program and its Vietnamese model are installed."""
    if shutil.which("tesseract") is None:
        return False
    listed = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
    )
    return "vie" in (listed.stdout + listed.stderr).split()


def _require() -> None:
    if not available():
        raise IngestError(
            "ocr_unavailable",
            "máy chủ chưa cài Tesseract với tiếng Việt (tesseract-ocr, tesseract-ocr-vie) "
            "nên chưa đọc được ảnh quét",
        )


def open_image(data: bytes) -> Image.Image:
    """An image from a file's bytes; IngestError when it is not one."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise IngestError("bad_image", "tệp ảnh hỏng hoặc không phải ảnh (JPEG, PNG)") from exc
    return image


def prepare(image: Image.Image) -> Image.Image:
    """A page ready for recognition: upright by EXIF, stamps whitened, light evened, deskewed."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGB", "RGBA", "P", "CMYK"):
        gray = image.convert("RGB").getchannel("R")  # red ink → white, black text stays
    else:
        gray = image.convert("L")
    gray = _flatten_background(gray)
    angle = _skew(gray)
    if abs(angle) >= 0.1:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return gray


def _flatten_background(gray: Image.Image, k: int = 16) -> Image.Image:
    """Divide by the page's own background (shadows, a lamp on one side) so paper is white."""
    w, h = gray.size
    small = gray.resize((max(1, w // k), max(1, h // k)), Image.Resampling.BILINEAR)
    background = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(2))
    background = background.resize((w, h), Image.Resampling.BILINEAR)
    page = np.asarray(gray, dtype=np.float32)
    paper = np.maximum(np.asarray(background, dtype=np.float32), 1.0)
    return Image.fromarray(np.clip(page / paper * 255.0, 0, 255).astype(np.uint8))


def _skew(gray: Image.Image, limit: float = 5.0, width: int = 800) -> float:
    """The rotation (degrees) that makes text lines horizontal: the angle whose row profile of
    ink has the sharpest edges, searched coarse to fine on a small copy."""
    small = gray.copy()
    small.thumbnail((width, width * 2))
    pixels = np.asarray(small, dtype=np.uint8)
    threshold = pixels.mean() - 0.5 * pixels.std() if pixels.std() > 0 else 128
    ink = Image.fromarray(((pixels < threshold) * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        turned = ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)
        profile = np.asarray(turned, dtype=np.float32).sum(axis=1)
        return float(np.var(np.diff(profile)))

    best = max(np.arange(-limit, limit + 1e-9, 1.0), key=sharpness)
    best = max(np.arange(best - 1.0, best + 1.0 + 1e-9, 0.2), key=sharpness)
    best = max(np.arange(best - 0.2, best + 0.2 + 1e-9, 0.05), key=sharpness)
    return float(best)


def recognise(image: Image.Image, options: OcrOptions) -> PageText:
    """Text of one page image (prepared here), with its mean word confidence."""
    _require()
    page = prepare(image)
    buffer = io.BytesIO()
    page.save(buffer, "PNG", dpi=(options.dpi, options.dpi))
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    command = ["tesseract", "stdin", "stdout", "-l", "vie", "--psm", "1", "tsv"]
    with _slot(options.jobs):
        try:
            done = subprocess.run(
                command,
                input=buffer.getvalue(),
                capture_output=True,
                env=env,
                timeout=options.page_timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise IngestError(
                "ocr_timeout",
                f"nhận dạng một trang quá {options.page_timeout_s:g} giây; ảnh quá lớn hoặc quá mờ",
            ) from exc
    if done.returncode != 0:
        raise IngestError("ocr_failed", "không nhận dạng được ảnh (Tesseract báo lỗi)")
    return _from_tsv(done.stdout.decode("utf-8", errors="replace"))


def _from_tsv(tsv: str) -> PageText:
    """Lines of words as Tesseract laid them out (blocks and paragraphs as blank lines)."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        word = cells[11].strip()
        if not word:
            continue
        confidences.append(float(cells[10]))
        lines.setdefault((int(cells[2]), int(cells[3]), int(cells[4])), []).append(word)
    out: list[str] = []
    previous: tuple[int, int] | None = None
    for (block, paragraph, _line), words in lines.items():
        line = " ".join(words)
        if previous is not None and previous != (block, paragraph):
            out.append("")
        elif out and out[-1] and _wrapped(line):
            out[-1] += " " + line  # a printed line wrapped: the sentence goes on
            continue
        out.append(line)
        previous = (block, paragraph)
    text = unicodedata.normalize("NFC", "\n".join(out)).translate(_ETH)
    text = _NUMBER_CODE.sub(_undoubled, text)
    confidence = sum(confidences) / len(confidences) if confidences else 0.0
    return PageText(text, confidence)


def _undoubled(found: re.Match[str]) -> str:
    """A number's codes as they must be when the fast model misread one glyph: a letter seen
    twice («QĐĐ», «ĐĐU») or the slash's edge seen as a letter («KLI/», «KL|/»). A code is only
    changed when as read it is no code and one such change makes a known one; known codes
    («TTr», «ĐUK») stay as written, and any other reading is left for the checks to drop."""
    code, issuer = found.group(1), found.group(2)
    return f"{_repaired(code, TYPE_CODES, tail=True)}/{_repaired(issuer, ISSUER_CODES)}"


def _repaired(code: str, known: Mapping[str, str], *, tail: bool = False) -> str:
    if code in known:
        return code
    fixes = {
        code[:i] + code[i + 1 :]
        for i in range(1, len(code))
        if code[i] == code[i - 1] and code[:i] + code[i + 1 :] in known
    }
    if tail and code[-1] in "Il|1" and code[:-1] in known:
        fixes.add(code[:-1])
    return fixes.pop() if len(fixes) == 1 else code


def read_pages_each(
    pages: Sequence[Callable[[], Image.Image]],
    options: OcrOptions,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[str]:
    """Recognise pages in order (each loaded only when its turn comes) into one text; refuse
    with a clear reason a job over the page limit, pages with no readable text (a blank page,
    a photo of a screen, a blurred shot) and pages that are not Vietnamese."""
    _require()
    if len(pages) > options.max_pages:
        raise IngestError(
            "too_many_pages",
            f"có {len(pages)} trang cần nhận dạng, quá giới hạn {options.max_pages} trang; "
            "hãy gửi từng phần",
        )
    recognised: list[PageText] = []
    for done, load in enumerate(pages):
        if cancelled is not None and cancelled():
            raise Cancelled()
        if progress is not None:
            progress(done, len(pages))
        recognised.append(recognise(load(), options))
    if progress is not None:
        progress(len(pages), len(pages))
    return _judged(recognised)


def _judged(pages: list[PageText]) -> list[str]:
    """The pages' text in order, if it reads as Vietnamese text at all (every page is kept:
    a page recognised badly is still the document's page, not silently left out)."""
    with_text = [p for p in pages if p.text.strip()]
    words = sum(len(p.text.split()) for p in with_text)
    confidence = (
        sum(p.confidence * len(p.text.split()) for p in with_text) / words if words else 0.0
    )
    if confidence < MIN_CONFIDENCE:
        raise IngestError(
            "no_text",
            "không nhận dạng được chữ nào đọc được trên ảnh (ảnh trống, quá mờ, hay chụp màn "
            "hình?); hãy chụp thẳng trang giấy, đủ sáng, rồi gửi lại",
        )
    letters = "".join(_LETTER.findall(" ".join(p.text for p in with_text)))
    marked = len(_MARKED.findall(letters))
    if letters and marked / len(letters) < MIN_MARKED_SHARE:
        raise IngestError(
            "not_vietnamese", "chữ trên ảnh không phải tiếng Việt; tôi chỉ nạp văn bản tiếng Việt"
        )
    return [p.text for p in pages]
