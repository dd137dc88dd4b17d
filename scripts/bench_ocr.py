"""OCR quality and speed on pages of the sample corpus, as scanners and phones make them.

    .venv/bin/python scripts/bench_ocr.py                 # 8 pages per condition
    .venv/bin/python scripts/bench_ocr.py --pages 18      # every sample document's first page

Each page is a slice of a sample document's text typeset at 200 or 300 dpi (tests/utils/pages.py),
then spoiled the way scans and photos are: skew ±3°, blur, JPEG quality 60, uneven light, a red
stamp over the lower half, all of a phone photo's faults at once, and a photo of a monitor showing
the page (pixel grid, moiré, bezel). Every page goes through the
same path as an upload (knowledge.readers.read_bytes: preparation, Tesseract, the checks). Printed
per condition: the character error rate against the source text, seconds per page (with the
floor measured in the same run: Tesseract alone on the clean 300 dpi page, no preparation), and
whether the document number, date and issuer extracted from the recognised first page of each
document equal those extracted from its source text.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PIL import Image  # noqa: E402

from knowledge.metadata import extract_metadata  # noqa: E402
from knowledge.ocr import available  # noqa: E402
from knowledge.readers import read_bytes  # noqa: E402
from tests.utils.pages import (  # noqa: E402
    blurred,
    character_error_rate,
    image_bytes,
    jpeg,
    photo,
    render_page,
    screen_photo,
    skewed,
    stamped,
    uneven_light,
)

SAMPLE = REPO / "corpus" / "sample"
LINES_PER_PAGE = 22
CONDITIONS: dict[str, tuple[int, Callable[[Image.Image], Image.Image]]] = {
    "300 dpi clean": (300, lambda p: p),
    "200 dpi clean": (200, lambda p: p),
    "300 dpi skew +3°": (300, lambda p: skewed(p, 3.0)),
    "300 dpi skew −3°": (300, lambda p: skewed(p, -3.0)),
    "300 dpi blur": (300, lambda p: blurred(p, 1.5)),
    "300 dpi JPEG q60": (300, lambda p: jpeg(p, 60)),
    "300 dpi uneven light": (300, uneven_light),
    "300 dpi red stamp": (300, stamped),
    "300 dpi phone photo (all)": (300, photo),
    "200 dpi phone photo (all)": (200, photo),
    "photo of a screen (moiré, bezel)": (300, screen_photo),
}


def source_pages(count: int) -> list[tuple[str, str, bool]]:
    """(document, text of one page, first page?) from the sample's documents, any format."""
    pages: list[tuple[str, str, bool]] = []
    for path in sorted(p for p in SAMPLE.iterdir() if not p.name.startswith("_")):
        lines = [
            line
            for line in read_bytes(path.read_bytes(), path.name).text.splitlines()
            if line.strip()
        ]
        for start in range(0, len(lines), LINES_PER_PAGE):
            pages.append((path.name, "\n".join(lines[start : start + LINES_PER_PAGE]), start == 0))
            if len(pages) >= count:
                return pages
            break  # one page per document first, for the metadata check
    return pages


def facts(text: str, name: str) -> tuple[str | None, object, str | None]:
    meta = extract_metadata(text, file_name=name, title_hint=None, byline=None)
    return meta.number, meta.issued_on, meta.issuer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=8, help="pages per condition")
    args = parser.parse_args()
    if not available():
        sys.exit("tesseract with the Vietnamese model is not installed (see README)")
    pages = source_pages(args.pages)
    floor: list[float] = []
    for _name, text, _first in pages:
        page = render_page(text, dpi=300)
        started = time.perf_counter()
        _raw_tesseract(page)
        floor.append(time.perf_counter() - started)
    print(
        f"{len(pages)} pages per condition, sample corpus; Tesseract alone on the clean 300 dpi "
        f"page (floor): {statistics.mean(floor):.2f} s per page\n"
    )
    print("| condition | CER | worst page | s/page | number, date, issuer right |")
    print("|---|---|---|---|---|")
    for condition, (dpi, spoil) in CONDITIONS.items():
        rates, seconds, right, carrying = [], [], 0, 0
        for name, text, first in pages:
            image = spoil(render_page(text, dpi=dpi))
            data = image_bytes(
                image, "JPEG" if "JPEG" in condition or "photo" in condition else "PNG"
            )
            started = time.perf_counter()
            got = read_bytes(data, "trang.jpg").text
            seconds.append(time.perf_counter() - started)
            rates.append(character_error_rate(got, text))
            if first:
                want = facts(text, name)
                if any(want):
                    carrying += 1
                    right += facts(got, name) == want
        print(
            f"| {condition} | {statistics.mean(rates):.2%} | {max(rates):.2%} | "
            f"{statistics.mean(seconds):.2f} | {right}/{carrying} |"
        )


def _raw_tesseract(page: Image.Image) -> None:
    """Tesseract on the page as it is, without preparation: the floor of a page's cost."""
    import io
    import os
    import subprocess

    buffer = io.BytesIO()
    page.convert("L").save(buffer, "PNG")
    subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "vie", "--psm", "1"],
        input=buffer.getvalue(), capture_output=True, check=True,
        env=dict(os.environ, OMP_THREAD_LIMIT="1"),
    )  # fmt: skip


if __name__ == "__main__":
    main()
