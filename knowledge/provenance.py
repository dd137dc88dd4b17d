"""Where a document came from and how far its text can be trusted.

Whoever adds a document says who they are, for whom (its scope) and, optionally, where it came
from (a link or a note). Two things can make a file a **sample** whatever the caller says:

- a sidecar ``_nguon.yaml`` in its folder (``trust: sample``), as ``corpus/sample/`` has; the
  ingester never reads files starting with ``_`` as documents;
- its bytes: the SHA-256 of every file of the bundled sample corpus is listed in
  ``knowledge/sample_hashes.txt``, so a sample file copied elsewhere or sent to the bot in
  Telegram is still labelled a sample (``tests/knowledge/test_provenance.py`` keeps the list in
  step with ``corpus/sample/``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import yaml

from knowledge.models import Scope, Trust
from knowledge.scopes import Readable

SIDECAR = "_nguon.yaml"
CLI = "dòng lệnh"
_HASHES = Path(__file__).with_name("sample_hashes.txt")


OCR_NOTE = "nhận dạng chữ từ ảnh quét ({pages} trang)"  # the trust line says «chưa đối chiếu»


class ProvenanceError(ValueError):
    """A sidecar that cannot be read; the message is Vietnamese."""


@dataclass(frozen=True)
class Provenance:
    """Who adds a document, for whom, and what they know of its origin."""

    added_by: str = CLI
    added_by_user: int | None = None
    note: str | None = None
    scope: Scope = Scope.SHARED
    scope_id: int | None = None
    trust: Trust = Trust.UNCHECKED  # CHECKED only when the adder vouches for the text
    checked_by: str | None = None

    def __post_init__(self) -> None:
        if (self.scope == Scope.SHARED) != (self.scope_id is None):
            raise ValueError("a shared document has no scope id; any other scope needs one")

    def recognised(self, pages: int) -> Provenance:
        """This provenance for a text recognised from images: never checked, and said so."""
        said = OCR_NOTE.format(pages=pages)
        note = f"{self.note}; {said}" if self.note else said
        return replace(
            self,
            note=note,
            trust=Trust.SAMPLE if self.trust == Trust.SAMPLE else Trust.UNCHECKED,
            checked_by=None,
        )

    def readers(self) -> Readable:
        """Who reads a document added with this provenance (besides the whole deployment, for
        shared ones): its cell or its đảng bộ."""
        if self.scope == Scope.CELL:
            return Readable(cell_id=self.scope_id)
        if self.scope == Scope.COMMITTEE:
            return Readable(committee_id=self.scope_id)
        return Readable()

    def for_folder(self, folder: Path) -> Provenance:
        """This provenance, with what a sidecar in ``folder`` declares."""
        sidecar = folder / SIDECAR
        if not sidecar.is_file():
            return self
        try:
            declared = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ProvenanceError(f"không đọc được {sidecar}: {exc}") from exc
        if not isinstance(declared, dict) or set(declared) - {"trust", "note"}:
            raise ProvenanceError(f"{sidecar}: chỉ được có «trust» và «note»")
        trust = declared.get("trust", self.trust)
        if trust not in {t.value for t in Trust}:
            raise ProvenanceError(f"{sidecar}: «trust» phải là sample, unchecked hoặc checked")
        note = declared.get("note", self.note)
        return dataclasses.replace(self, trust=Trust(trust), note=note)

    def settle(self, content_hash: str) -> Provenance:
        """The provenance a file with these bytes is stored under (samples stay samples)."""
        if content_hash in sample_hashes():
            return dataclasses.replace(self, trust=Trust.SAMPLE, checked_by=None)
        if self.trust == Trust.CHECKED and not self.checked_by:
            return dataclasses.replace(self, checked_by=self.added_by)
        return self


@cache
def sample_hashes() -> frozenset[str]:
    """SHA-256 of every file of the bundled sample corpus."""
    lines = _HASHES.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split()[0] for line in lines if line.strip() and not line.startswith("#"))


FROM_CLI = Provenance()  # added on the command line, shared, not yet checked
