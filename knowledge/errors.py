"""Errors raised while reading documents; each carries a Vietnamese message for the user."""

from __future__ import annotations


class IngestError(Exception):
    """A file could not be ingested. ``code`` is stable for programs, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class DocumentNotFound(LookupError):
    """No stored document matches what was asked for."""
