"""A notice's figures and report as values, shared by the queries and the texts that show them."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.models import Notice


@dataclass
class Figures:
    """A notice's numbers: its recipients' copies by state, and reads."""

    recipients: int = 0
    open: int = 0
    sent: int = 0
    read: int = 0
    failed: int = 0
    unreachable: int = 0
    uncertain: int = 0
    cancelled: int = 0
    reminded: int = 0
    reminders_open: int = 0

    @property
    def unread(self) -> int:
        """Received and not yet confirmed."""
        return self.sent - self.read


@dataclass
class Report:
    """Everything the secretary's report names, member by member."""

    notice: Notice
    figures: Figures
    unread: list[str] = field(default_factory=list)
    unreachable: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)
