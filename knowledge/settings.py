"""Typed settings for the knowledge layer (database and ingestion)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Section(BaseModel):
    """A settings section: unknown keys are an error, so a typo in config.yaml fails loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(Section):
    """Where documents, passages, members and meetings are stored."""

    url: str = Field(
        "sqlite:///data/chibo.db",
        description="SQLAlchemy URL: sqlite:///path (default) or postgresql+psycopg://...",
    )
    echo: bool = Field(False, description="Log every SQL statement (debugging only).")
    pool_size: int = Field(
        20, ge=1, le=500, description="Connections kept open for the worker threads."
    )
    max_overflow: int = Field(
        40, ge=0, le=1000, description="Extra connections opened under load, closed after use."
    )


class OcrSettings(Section):
    """Recognising scans and photos of pages (Tesseract, Vietnamese)."""

    max_pages: int = Field(
        30, ge=1, le=1000, description="A scan or album with more pages to recognise is refused."
    )
    max_image_mb: float = Field(
        15.0, gt=0, description="A photo or page image larger than this is refused."
    )
    dpi: int = Field(300, ge=150, le=600, description="Resolution scanned PDF pages are read at.")
    page_timeout_s: float = Field(
        120.0, gt=0, description="One page taking longer than this stops the job."
    )
    jobs: int = Field(
        1,
        ge=1,
        le=64,
        description="Pages recognised at once in the whole process (at most one per core; one "
        "fewer than the cores leaves a core to answer questions).",
    )


class KnowledgeSettings(Section):
    """How documents are read and cut into passages."""

    max_file_mb: float = Field(20.0, gt=0, description="Files larger than this are refused.")
    passage_chars: int = Field(
        900, ge=200, le=8000, description="Target passage size in characters."
    )
    max_passage_chars: int = Field(
        1600, ge=300, le=16000, description="Hard upper bound for a passage."
    )
    uploads_dir: str = Field(
        "data/uploads", description="Where files sent to the bot are kept (originals)."
    )
    docx_max_unzipped_mb: float = Field(
        200.0, gt=0, description="A .docx expanding beyond this is refused (zip bomb guard)."
    )
    ocr: OcrSettings = Field(default_factory=OcrSettings)  # type: ignore[arg-type]
