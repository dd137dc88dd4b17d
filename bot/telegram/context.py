"""The typed context every handler gets: the application's bot data as an object, not string keys.

python-telegram-bot builds ``bot_data`` once per application by calling :class:`BotData`
without arguments; the entry point then hands it the services (``build_application``).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue
from telegram.request import HTTPXRequest

from bot.services import Services
from bot.settings import MeetingSettings, NoticeSettings, Settings

if TYPE_CHECKING:
    from datetime import datetime

    from bot.members import RosterPlan
    from bot.members.roster import RosterRow
    from bot.models import Change
    from bot.telegram.handlers.meetings import Draft as MeetingDraft
    from bot.telegram.handlers.notices import Draft as NoticeDraft
    from bot.telegram.sender import NoticeSender

Drafts = Literal["notice_draft", "meeting_draft"]


@dataclass
class BotData:
    """What the application keeps for all handlers."""

    _services: Services | None = None
    # Group chat id → (checked at, every member of the chat is a member of the cell).
    group_checks: dict[int, tuple[float, bool]] = field(default_factory=dict)
    executor: ThreadPoolExecutor | None = None
    sender: NoticeSender | None = None
    # Photos of one album as they arrive: (sender, album id) → [(message id, file id, size)].
    albums: dict[tuple[int, str], list[tuple[int, str, int]]] = field(default_factory=dict)
    # Recognitions under way: token of the ⛔ Dừng button → (sender, the stop flag).
    recognitions: dict[str, tuple[int, threading.Event]] = field(default_factory=dict)
    sender_request: HTTPXRequest | None = None

    @property
    def services(self) -> Services:
        """The components the entry point built (database, retriever, answers…)."""
        if self._services is None:
            raise RuntimeError("the application was built without services")
        return self._services

    @services.setter
    def services(self, value: Services) -> None:
        self._services = value

    @property
    def settings(self) -> Settings:
        """The deployment's settings."""
        return self.services.settings

    @property
    def meetings(self) -> MeetingSettings:
        """The ``meetings`` section."""
        return self.settings.meetings

    @property
    def notices(self) -> NoticeSettings:
        """The ``notices`` section."""
        return self.settings.notices


@dataclass
class UserData:
    """What the bot keeps for one person between their messages, in memory (a restart forgets it:
    a half-written notice or meeting is asked for again, nothing is half-saved)."""

    notice_draft: NoticeDraft | None = None
    meeting_draft: MeetingDraft | None = None
    # A meeting message waiting for the person's next text: (what, meeting id, deadline).
    awaiting: tuple[str, int, float] | None = None
    # Meeting id → the reason a secretary gave for cancelling it, until the cancel is confirmed.
    cancel_reasons: dict[int, str] = field(default_factory=dict)
    # Meeting id → a change of time, place or agenda previewed, until «Gửi» or «Hủy».
    meeting_changes: dict[int, tuple[Change, str | datetime]] = field(default_factory=dict)
    # Meeting id → the invitation (chat, message) whose «Xin vắng» awaits its reason.
    rsvp_messages: dict[int, tuple[int, int]] = field(default_factory=dict)
    # A roster sheet shown before it changes members: (token, cell, rows, plan, cell name, the
    # lines about rows left out).
    roster_draft: tuple[str, int, list[RosterRow], RosterPlan, str, list[str]] | None = None

    def forget(self, draft: Drafts) -> None:
        """Drop one draft."""
        setattr(self, draft, None)


Context = CallbackContext[ExtBot[None], UserData, dict[Any, Any], BotData]
App = Application[ExtBot[None], Context, UserData, dict[Any, Any], BotData, JobQueue[Context]]
CONTEXT_TYPES = ContextTypes(bot_data=BotData, user_data=UserData)


class BotDataOwner(Protocol):
    """A handler's context, or the Application itself (start-up code and jobs)."""

    @property
    def bot_data(self) -> BotData: ...
