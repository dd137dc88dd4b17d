"""Pages as scanners and phones make them, built from text: a clean render, then what photos
add (skew, blur, JPEG loss, uneven light, a red stamp over the signature block). Used by the OCR
tests and by scripts/bench_ocr.py; needs the DejaVu fonts (Debian fonts-dejavu-core)."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


def render_page(text: str, *, dpi: int = 300, columns: int = 70) -> Image.Image:
    """``text`` typeset on an A4-wide white page at ``dpi`` (13 pt, wrapped at ``columns``)."""
    scale = dpi / 300
    font = ImageFont.truetype(str(FONT), round(54 * scale))
    lines = [
        wrapped for line in text.splitlines() for wrapped in textwrap.wrap(line, columns) or [""]
    ]
    width, margin, step = round(2480 * scale), round(180 * scale), round(80 * scale)
    page = Image.new("RGB", (width, margin * 2 + step * max(1, len(lines))), "white")
    draw = ImageDraw.Draw(page)
    for n, line in enumerate(lines):
        draw.text((margin, margin + n * step), line, fill=(20, 20, 20), font=font)
    return page


def skewed(page: Image.Image, degrees: float) -> Image.Image:
    """The page turned a little, as a hand-held phone or a crooked feed does."""
    return page.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")


def blurred(page: Image.Image, radius: float = 1.2) -> Image.Image:
    """Out of focus."""
    return page.filter(ImageFilter.GaussianBlur(radius))


def jpeg(page: Image.Image, quality: int = 60) -> Image.Image:
    """Through JPEG compression, as photos sent by phone are."""
    buffer = io.BytesIO()
    page.convert("RGB").save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def uneven_light(page: Image.Image) -> Image.Image:
    """Light from one side: the far corner of the sheet in shadow."""
    pixels = np.asarray(page.convert("RGB"), dtype=np.float32)
    h, w = pixels.shape[:2]
    shade = np.linspace(1.0, 0.55, w)[None, :, None] * np.linspace(1.0, 0.8, h)[:, None, None]
    return Image.fromarray(np.clip(pixels * shade, 0, 255).astype(np.uint8))


def stamped(page: Image.Image) -> Image.Image:
    """A red round seal over the lower part of the page (the signature block)."""
    pixels = np.asarray(page.convert("RGB"), dtype=np.float32) / 255
    h, w = pixels.shape[:2]
    seal = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(seal)
    r = min(w, h) // 5
    cx, cy = int(w * 0.62), int(h * 0.72)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=max(4, r // 10))
    draw.ellipse((cx - r // 2, cy - r // 2, cx + r // 2, cy + r // 2), outline=255, width=6)
    draw.text((cx - r // 2, cy - 20), "CHI BỘ", fill=255, font=ImageFont.truetype(str(FONT), 40))
    mask = np.asarray(seal, dtype=np.float32)[..., None] / 255
    ink = np.array([215, 30, 40], dtype=np.float32) / 255
    out = pixels * (1 - mask) + pixels * ink * mask  # red ink multiplies over the black text
    return Image.fromarray(np.clip(out * 255, 0, 255).astype(np.uint8))


def photo(page: Image.Image) -> Image.Image:
    """What a phone makes of a page: a slight turn, shadow, softness and JPEG loss."""
    return jpeg(blurred(uneven_light(skewed(page, 2.0)), 0.8), 60)


def screen_photo(page: Image.Image, *, moire: float = 0.12, focus: float = 0.8) -> Image.Image:
    """A phone photo of the page shown on a monitor: the page at screen resolution (an A4 width
    of about 1,000 pixels), each screen pixel seen as red, green and blue stripes, the moiré
    bands the two grids make, a bluish cast, the dark bezel around it, softness and JPEG loss.
    ``moire`` is the bands' depth (0.12 an ordinary shot, 0.5 a bad one)."""
    width = 1000
    screen = page.convert("RGB").resize(
        (width, round(page.height * width / page.width)), Image.Resampling.LANCZOS
    )
    scale = 3  # the camera sees each screen pixel as 3×3 sensor pixels
    shot = np.asarray(
        screen.resize((screen.width * scale, screen.height * scale), Image.Resampling.NEAREST),
        dtype=np.float32,
    )
    h, w = shot.shape[:2]
    stripes = np.full((h, w, 3), 0.55, dtype=np.float32)
    for channel in range(3):  # each third of a pixel lit in one colour
        stripes[:, channel::scale, channel] = 1.0
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = np.deg2rad(12)
    bands = 1 + moire * np.sin(2 * np.pi * (x * np.cos(angle) + y * np.sin(angle)) / 23.0)
    tint = np.array([0.9, 0.95, 1.05], dtype=np.float32)
    shot = shot * stripes * bands[..., None] * tint
    bezel = round(0.06 * w)
    framed = np.full((h + 2 * bezel, w + 2 * bezel, 3), 18, dtype=np.float32)
    framed[bezel : bezel + h, bezel : bezel + w] = shot
    out = Image.fromarray(np.clip(framed, 0, 255).astype(np.uint8))
    return jpeg(blurred(skewed(out, 1.5), focus), 70)


def image_bytes(page: Image.Image, fmt: str = "PNG") -> bytes:
    """The page as a file's bytes."""
    buffer = io.BytesIO()
    page.convert("RGB").save(buffer, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def scanned_pdf(*pages: Image.Image, dpi: int = 300) -> bytes:
    """A PDF of page images only, with no text layer: what a scanner produces."""
    buffer = io.BytesIO()
    first, *rest = [p.convert("RGB") for p in pages]
    first.save(buffer, "PDF", save_all=True, append_images=rest, resolution=dpi)
    return buffer.getvalue()


def character_error_rate(got: str, want: str) -> float:
    """Edit distance over the reference's length, whitespace runs counted as one space."""
    a, b = " ".join(got.split()), " ".join(want.split())
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] / max(len(b), 1)


def typeset_pdf(paragraphs: list[tuple[str, str]], *, space_after: float = 0) -> bytes:
    """A PDF with a text layer, set the way a word processor sets an official document: each
    ``(face, text)`` paragraph in its face — ``header`` (bold, centred), ``kind`` (bold 14 pt,
    centred: «KẾ HOẠCH»), ``title`` (bold, centred), ``body`` (justified; inline ``<b>`` for a
    bold lead-in) — wrapping on A4 with ``space_after`` points below each paragraph."""
    from reportlab import rl_config

    rl_config.invariant = 1
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    fonts = FONT.parent
    pdfmetrics.registerFont(TTFont("Serif", str(fonts / "DejaVuSerif.ttf")))
    pdfmetrics.registerFont(TTFont("Serif-Bold", str(fonts / "DejaVuSerif-Bold.ttf")))
    pdfmetrics.registerFontFamily("Serif", normal="Serif", bold="Serif-Bold")
    body = ParagraphStyle(
        "body", fontName="Serif", fontSize=12, leading=16, alignment=TA_JUSTIFY,
        spaceAfter=space_after,
    )  # fmt: skip
    title = ParagraphStyle("title", parent=body, fontName="Serif-Bold", alignment=TA_CENTER)
    faces = {
        "header": title,
        "kind": ParagraphStyle("kind", parent=title, fontSize=14, leading=20),
        "title": title,
        "body": body,
    }
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build(
        [Paragraph(text, faces[face]) for face, text in paragraphs]
    )
    return out.getvalue()
