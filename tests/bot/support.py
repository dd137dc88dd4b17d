"""Test support for the bot: settings, a recording Bot API client, updates, corpora with indexes.

The model-backed corpus is built once per test process (``functools.cache``) so that handler
tests here and end-to-end tests in tests/e2e share it; its index is cached between runs under
``.cache/bot-test-index`` and brought up to date with an incremental sync.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import shutil
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.services import Services, build_services
from bot.settings import Settings, load_settings
from index.embedder import Embedder
from index.retriever import Retriever
from tests.e2e.telegram_emulator import HtmlParseError, TelegramEmulator, User, parse_html
from tests.utils.corpora import Corpus, engine_for, hash_corpus, model_corpus  # noqa: F401
from tests.utils.db import model_cache_dir

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = REPO_ROOT / "corpus" / "sample"
TOKEN = "7000000001:AAEmulatorTokenForChiboTests_0123456"
BOT_ID = 7000000001
BOT_USERNAME = "chibo_test_bot"
ADMIN_ID = 900_001
JSON = dict[str, Any]


def make_settings(
    tmp_path: Path, *, meetings: dict[str, Any] | None = None, **bot: Any
) -> Settings:
    """Settings for a test: a SQLite file in ``tmp_path``, no seed corpus, the test token
    (``meetings`` overrides that section)."""
    config = tmp_path / "config.yaml"
    config.write_text("{}\n", encoding="utf-8")
    bot_section = {"admins": [ADMIN_ID], "seed_corpus": None, **bot}
    extra = {"meetings": meetings} if meetings else {}
    return load_settings(
        config,
        database={"url": f"sqlite:///{tmp_path / 'chibo.db'}"},
        knowledge={"uploads_dir": str(tmp_path / "uploads")},
        index={"dir": str(tmp_path / "index"), "model_cache_dir": str(model_cache_dir())},
        bot=bot_section,
        CHIBO_TELEGRAM_TOKEN=TOKEN,
        **extra,
    )


def services_from(corpus: Corpus, settings: Settings) -> Services:
    """Services over a private copy of a corpus (database file and index folder)."""
    shutil.copy(corpus.db, settings.database.url.removeprefix("sqlite:///"))
    shutil.copytree(corpus.index, settings.path(settings.index.dir), dirs_exist_ok=True)
    return open_services(settings, corpus.embedder)


def open_services(settings: Settings, embedder: Embedder) -> Services:
    """Services over the database and index the settings name, as `chibo run` starts them."""
    engine = engine_for(Path(settings.database.url.removeprefix("sqlite:///")))
    retriever = Retriever(engine, embedder, settings.index, settings.path(settings.index.dir))
    retriever.load()
    return build_services(settings, engine, retriever)


# ----------------------------------------------------------------------------- recording client


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: JSON


class RecordingRequest(BaseRequest):
    """An offline Bot API: records every call, answers like Telegram, enforces its limits.

    HTML is parsed with the emulator's strict parser, so a handler test fails on markup
    Telegram would refuse; texts over 4,096 characters and callback data over 64 bytes too.
    """

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.uploads: list[tuple[str, str, bytes]] = []  # (method, file name, bytes) sent
        self.files: dict[str, bytes] = {}
        self.chat_member_count: int | None = None
        self.chat_members: dict[int, str] = {}
        self._ids: Iterator[int] = itertools.count(1000)

    @property
    def read_timeout(self) -> float:
        """Never waits: answers are immediate."""
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Answer one request as Telegram would."""
        if "/file/bot" in url:
            path = url.rsplit("/", 1)[1]
            return 200, self.files[path]
        name = url.rsplit("/", 1)[1]
        params = dict(request_data.parameters) if request_data else {}
        self.calls.append(Call(name, params))
        if request_data is not None and request_data.contains_files:
            for file_name, content, _mime in request_data.multipart_data.values():
                raw = content if isinstance(content, bytes) else content.read()
                self.uploads.append((name, file_name or "", raw))
        try:
            result = self._result(name, params)
        except ValueError as exc:
            body = {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
            return 400, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _result(self, name: str, params: JSON) -> Any:
        if name == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Chibo",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": True,
            }
        if name in ("sendMessage", "editMessageText"):
            text = self._checked_text(params, "text", 4096)
            return self._message(params, {"text": text})
        if name == "sendDocument":
            caption = self._checked_text(params, "caption", 1024) if params.get("caption") else None
            document = {"file_id": "sent-file", "file_unique_id": "sent", "file_name": "f"}
            return self._message(params, {"document": document, "caption": caption})
        if name == "sendPhoto":
            caption = self._checked_text(params, "caption", 1024) if params.get("caption") else None
            photo = [{"file_id": "sent-photo", "file_unique_id": "p", "width": 1, "height": 1}]
            return self._message(params, {"photo": photo, "caption": caption})
        if name == "editMessageReplyMarkup":
            return self._message(params, {"text": "…"})
        if name == "getFile":
            file_id = params["file_id"]
            return {"file_id": file_id, "file_unique_id": file_id, "file_path": file_id}
        if name == "getChatMemberCount":
            if self.chat_member_count is None:
                raise ValueError("chat not found")
            return self.chat_member_count
        if name == "getChatMember":
            status = self.chat_members.get(int(params["user_id"]), "left")
            user = {"id": int(params["user_id"]), "is_bot": False, "first_name": "X"}
            return {"status": status, "user": user}
        return True

    def _checked_text(self, params: JSON, key: str, limit: int) -> str:
        raw = str(params.get(key) or "")
        if params.get("parse_mode") == "HTML":
            try:
                text, _entities = parse_html(raw)
            except HtmlParseError as exc:
                raise ValueError(f"can't parse entities: {exc}") from None
        else:
            text = raw
        if not text.strip():
            raise ValueError("message text is empty")
        if len(text) > limit:
            raise ValueError("message is too long")
        return text

    def _message(self, params: JSON, content: JSON) -> JSON:
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ValueError("BUTTON_DATA_INVALID")
        chat_id = int(params["chat_id"])
        message = {
            "message_id": int(params.get("message_id") or next(self._ids)),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Chibo"},
            **{k: v for k, v in content.items() if v is not None},
        }
        if markup:
            message["reply_markup"] = markup
        return message

    # ------------------------------------------------------------------------- inspection

    def sent(self, method: str = "sendMessage") -> list[JSON]:
        """Parameters of every call of ``method``."""
        return [c.params for c in self.calls if c.method == method]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts the bot sent (as HTML source), optionally to one chat."""
        return [
            str(p["text"]) for p in self.sent() if chat_id is None or int(p["chat_id"]) == chat_id
        ]

    def buttons(self, params: JSON) -> list[tuple[str, str]]:
        """(label, callback_data) of a sent message's inline keyboard."""
        markup = params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [
            (b["text"], b.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]

    def clear(self) -> None:
        """Forget the calls made so far."""
        self.calls.clear()


# ----------------------------------------------------------------------------- updates


_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def user(user_id: int, first_name: str = "Lan", username: str | None = None) -> JSON:
    """A Telegram user object."""
    data: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        data["username"] = username
    return data


def message_update(
    sender: JSON, text: str | None = None, *, chat: JSON | None = None, **content: Any
) -> JSON:
    """An update with a message (private chat unless ``chat`` is given)."""
    chat = chat or {"id": sender["id"], "type": "private", "first_name": sender["first_name"]}
    message: JSON = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat,
        "from": sender,
        **content,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": next(_update_ids), "message": message}


def callback_update(sender: JSON, data: str, *, chat_id: int | None = None) -> JSON:
    """An update with a button press on a bot message."""
    chat_id = chat_id or sender["id"]
    message = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Chibo"},
        "text": "…",
    }
    query = {
        "id": str(next(_update_ids)),
        "from": sender,
        "chat_instance": "1",
        "message": message,
        "data": data,
    }
    return {"update_id": next(_update_ids), "callback_query": query}


def inline_update(sender: JSON, query: str) -> JSON:
    """An update with an inline query (@bot query)."""
    inline = {"id": str(next(_update_ids)), "from": sender, "query": query, "offset": ""}
    return {"update_id": next(_update_ids), "inline_query": inline}


# ----------------------------------------------------------------------------- answers as read


@dataclass(frozen=True)
class ReadAnswer:
    """An answer as a member reads it: quotes with their markers, and the numbered sources."""

    quotes: list[tuple[str, int]]
    sources: dict[int, str]


_QUOTE_LINE = re.compile(r"^“(.+)” \[(\d+)\]$")
_SOURCE_LINE = re.compile(r"^\[(\d+)\] (.+)$")


def read_answer(text: str) -> ReadAnswer:
    """Parse an answer's text and check it: every marker listed, every source quoted, 1..n."""
    body, heading, tail = text.rpartition("Nguồn:")
    assert heading, f"no sources in {text!r}"
    quotes = []
    for line in body.strip().split("\n\n"):
        match = _QUOTE_LINE.match(line.strip())
        if match:
            quotes.append((match.group(1), int(match.group(2))))
    sources = {}
    for line in tail.strip().splitlines():
        match = _SOURCE_LINE.match(line)
        assert match, f"not a source line: {line!r}"
        sources[int(match.group(1))] = match.group(2)
    assert quotes, f"no quotes in {text!r}"
    assert list(sources) == list(range(1, len(sources) + 1)), sources
    assert {n for _, n in quotes} == set(sources), (quotes, sources)
    return ReadAnswer(quotes, sources)


# ----------------------------------------------------------------------------- a running bot


@contextlib.asynccontextmanager
async def running_bot(settings: Settings, services: Services) -> AsyncIterator[Application]:
    """The real Application long-polling the Bot API at settings.bot.api_base_url."""
    from telegram import Update

    from bot.telegram.app import build_application

    app = build_application(settings, services)
    await app.initialize()
    assert app.post_init is not None and app.updater is not None
    await app.post_init(app)
    await app.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES)
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


def assert_verbatim(engine: Engine, quotes: list[tuple[str, int]]) -> None:
    """Every quoted sentence is a substring of a stored passage, character for character."""
    from sqlalchemy import func
    from sqlmodel import Session, select

    from knowledge.models import Passage

    with Session(engine) as session:
        for text, _marker in quotes:
            found = session.exec(select(Passage.id).where(func.instr(Passage.text, text) > 0))
            assert found.first() is not None, f"not verbatim: {text!r}"


@dataclass
class Deployment:
    """The emulator, and the bot's services behind the running Application."""

    telegram: TelegramEmulator
    services: Services

    def buttons(self, message: JSON) -> dict[str, str]:
        """Label → callback data of a bot message's keyboard."""
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        return {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}

    def transcript(self, *users: User) -> str:
        """What the bot sent each user, in order, as a reader sees it (text, then buttons):
        printed by the end-to-end tests for a person to read (pytest -s)."""
        out: list[str] = []
        for person in users:
            out.append(f"===== {person.first_name} ({person.id})")
            for message in self.telegram.sent_messages(person.id):
                body = message.get("text") or message.get("caption") or ""
                if "document" in message:
                    body = f"[tệp {message['document'].get('file_name')}] {body}"
                if "photo" in message:
                    body = f"[ảnh] {body}"
                out.append(f"--- #{message['message_id']}\n{body}")
                rows = message.get("reply_markup", {}).get("inline_keyboard", [])
                labels = [b["text"] for row in rows for b in row]
                if labels:
                    out.append("    [" + "] [".join(labels) + "]")
        return "\n".join(out)

    async def say(self, user: User, text: str, *, timeout: float = 20.0) -> JSON:
        """The user writes; returns the bot's next message in that chat."""
        sent = self.telegram.user_sends_text(user, text)
        return await self.telegram.wait_for_message(user.id, after=sent, timeout=timeout)

    async def press(self, user: User, message: JSON, label: str, **kwargs: object) -> JSON:
        """The user presses a button; returns the answer to the callback query."""
        answers = len(self.telegram.callback_answers)
        self.telegram.user_presses_button(user, message, self.buttons(message)[label])
        await self.telegram.wait_for(lambda: len(self.telegram.callback_answers) > answers)
        return self.telegram.callback_answers[answers]

    def member(self, telegram: User, *, cell: str | None = None, **overrides: Any) -> None:
        """Make this Telegram user an active member of ``cell`` (a cell of their own if None)."""
        from sqlmodel import Session, select

        from bot.models import Cell
        from tests.utils.cell_factories import make_cell, make_member

        name = cell or f"Chi bộ {telegram.id}"
        with Session(self.services.engine) as session:
            found = session.exec(select(Cell).where(Cell.name == name)).first()
            found = found or make_cell(session, name=name)
            overrides.setdefault("full_name", telegram.first_name + " Nguyễn")
            make_member(session, found, telegram_user_id=telegram.id, **overrides)


@contextlib.asynccontextmanager
async def deployed(
    telegram: TelegramEmulator,
    corpus: Corpus,
    folder: Path,
    *,
    meetings: dict[str, Any] | None = None,
    **bot: Any,
) -> AsyncIterator[Deployment]:
    """`chibo run` against the emulator, on a private copy of an indexed corpus."""
    settings = make_settings(
        folder,
        meetings=meetings,
        api_base_url=telegram.base_url,
        api_file_url=telegram.base_file_url,
        **bot,
    )
    services = services_from(corpus, settings)
    try:
        async with running_bot(settings, services):
            yield Deployment(telegram, services)
    finally:
        services.engine.dispose()


async def feed(app: Application, data: dict) -> None:
    """Let the application handle one update, as if Telegram had sent it."""
    await app.process_update(Update.de_json(data, app.bot))
