"""A Telegram Bot API emulator for end-to-end tests, served over real HTTP by aiohttp.

Telegram cannot be reached from the test machines, so the bot is driven through this server
instead: the real python-telegram-bot client talks HTTP to it exactly as it would to
``api.telegram.org``, and the tests act as Telegram users through plain Python methods::

    emulator = TelegramEmulator()
    await emulator.start()                     # 127.0.0.1, a free port
    bot = Bot(emulator.token, base_url=emulator.base_url, base_file_url=emulator.base_file_url)
    lan = emulator.create_user("Lan", username="lan_nguyen")
    emulator.user_starts(lan)
    ...                                        # the bot polls getUpdates and answers
    reply = await emulator.wait_for_message(lan.id)
    await emulator.stop()

It reproduces the Bot API facts the project relies on, from Telegram's documentation: its
envelope and error descriptions, HTML validation, length and button limits, blocked /
never-started / deactivated users, real long polling, webhooks, file upload and download, and
flood limits answered with 429.

Deliberate differences from Telegram, chosen so that bot bugs surface in tests:

* HTML entities are strict by default: a bare ``&`` or an unknown entity such as ``&nbsp;`` is
  rejected (Telegram's documentation requires escaping them; its server keeps them as text).
  Pass ``strict_html_entities=False`` for the server's lenient behaviour.
* Only ``parse_mode=HTML`` is understood; any other parse mode is answered with 400.
* Webhook URLs may use plain ``http://`` so a bot under test can listen on 127.0.0.1.
* Inline keyboards of sent messages are kept; reply keyboards are accepted but not stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import io
import json
import math
import random
import re
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

JSON = dict[str, Any]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
INLINE_RESULTS_LIMIT = 50
DOWNLOAD_LIMIT = 20 * 1024 * 1024
UPLOAD_LIMIT = 50 * 1024 * 1024
START_PAYLOAD_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class ApiError(Exception):
    """A Bot API failure; the HTTP layer turns it into Telegram's error envelope."""

    def __init__(self, error_code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_api(self) -> JSON:
        """Return Telegram's ``{"ok": false, ...}`` envelope for this error."""
        body: JSON = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """Return a 400 error with Telegram's ``Bad Request:`` prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """Return a 403 error with Telegram's ``Forbidden:`` prefix."""
    return ApiError(403, f"Forbidden: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    """Return the 429 flood-control error carrying ``parameters.retry_after``."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


# --------------------------------------------------------------------------- HTML parse mode

_TAG_KINDS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_TAG_NAME_RE = re.compile(r"[^\s>/]*")
_ATTR_RE = re.compile(r"""([A-Za-z_][\w.:-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


class HtmlParseError(ValueError):
    """The detail of Telegram's ``can't parse entities`` error for malformed HTML."""


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    offset: int  # UTF-16 offset in the visible text where the tag starts


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _decode_entity(source: str, index: int, *, strict: bool) -> tuple[str, int]:
    match = _ENTITY_RE.match(source, index)
    if match:
        body = match.group(1)
        if body.startswith("#"):
            code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
            if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                return chr(code), match.end()
        elif body in _NAMED_ENTITIES:
            return _NAMED_ENTITIES[body], match.end()
    if not strict:
        return "&", index + 1
    where = _byte_offset(source, index)
    if match:
        raise HtmlParseError(f'Unsupported HTML entity "{match.group()}" at byte offset {where}')
    raise HtmlParseError(f'Unescaped "&" at byte offset {where}; it must be written as &amp;')


def _decode_attribute(value: str) -> str:
    parts: list[str] = []
    index = 0
    while index < len(value):
        if value[index] == "&":
            decoded, index = _decode_entity(value, index, strict=False)
            parts.append(decoded)
        else:
            parts.append(value[index])
            index += 1
    return "".join(parts)


def _open_tag(source: str, start: int, offset: int) -> tuple[_OpenTag, int]:
    name_match = _TAG_NAME_RE.match(source, start + 1)
    assert name_match is not None  # the pattern accepts the empty string
    name = name_match.group().lower()
    if name not in _TAG_KINDS:
        where = _byte_offset(source, start)
        raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {where}')
    attrs: dict[str, str] = {}
    index = name_match.end()
    while True:
        while index < len(source) and source[index].isspace():
            index += 1
        if index >= len(source):
            raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(source, start)}")
        if source[index] == ">":
            index += 1
            break
        attr = _ATTR_RE.match(source, index)
        if attr is None:
            raise HtmlParseError(
                f'Unexpected character "{source[index]}" in the start tag "{name}" '
                f"at byte offset {_byte_offset(source, index)}"
            )
        value = next((group for group in attr.groups()[1:] if group is not None), "")
        attrs[attr.group(1).lower()] = _decode_attribute(value)
        index = attr.end()
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise HtmlParseError('Tag "span" must have class "tg-spoiler"')
    if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
        raise HtmlParseError("Custom emoji entity must contain a valid custom emoji identifier")
    return _OpenTag(name, attrs, offset), index


def _close_entity(tag: _OpenTag, stack: list[_OpenTag], entities: list[JSON], end: int) -> None:
    kind = _TAG_KINDS[tag.name]
    language = tag.attrs.get("class", "")
    if kind == "code" and stack and stack[-1].name == "pre" and language.startswith("language-"):
        stack[-1].attrs["language"] = language.removeprefix("language-")
        return  # <pre><code class="language-x"> is one pre entity with a language
    if end == tag.offset:
        return
    entity: JSON = {"type": kind, "offset": tag.offset, "length": end - tag.offset}
    if kind == "text_link":
        if not tag.attrs.get("href"):
            return
        entity["url"] = tag.attrs["href"]
    elif kind == "pre" and tag.attrs.get("language"):
        entity["language"] = tag.attrs["language"]
    elif kind == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    entities.append(entity)


def parse_html(source: str, *, strict_entities: bool = True) -> tuple[str, list[JSON]]:
    """Validate Telegram-flavoured HTML and return the visible text with its entities.

    Raises HtmlParseError (worded like Telegram's, with UTF-8 byte offsets) for unsupported or
    unclosed tags, improperly nested tags, a bare ``<`` and, when ``strict_entities``, a bare
    ``&`` or a named entity other than ``&lt; &gt; &amp; &quot;``.
    """
    out: list[str] = []
    entities: list[JSON] = []
    stack: list[_OpenTag] = []
    position = 0
    index = 0
    while index < len(source):
        char = source[index]
        if char == "&":
            decoded, index = _decode_entity(source, index, strict=strict_entities)
            out.append(decoded)
            position += utf16_len(decoded)
        elif char != "<":
            out.append(char)
            position += 2 if ord(char) > 0xFFFF else 1
            index += 1
        elif source.startswith("</", index):
            end = source.find(">", index)
            where = _byte_offset(source, index)
            if end == -1:
                raise HtmlParseError(f"Unclosed end tag at byte offset {where}")
            name = source[index + 2 : end].strip().lower()
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {where}")
            tag = stack.pop()
            if name != tag.name:
                raise HtmlParseError(
                    f'Unmatched end tag at byte offset {where}, expected "</{tag.name}>", '
                    f'found "</{name}>"'
                )
            _close_entity(tag, stack, entities, position)
            index = end + 1
        else:
            tag, index = _open_tag(source, index, position)
            stack.append(tag)
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(out), entities


_COMMAND_RE = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")
_MENTION_RE = re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{4,32}(?!\w)")
_URL_RE = re.compile(r"https?://[^\s<>\"]+")


def detect_entities(text: str) -> list[JSON]:
    """Return the bot_command, mention and url entities a Telegram client attaches to text."""
    found: list[JSON] = []
    for kind, pattern in (("bot_command", _COMMAND_RE), ("mention", _MENTION_RE), ("url", _URL_RE)):
        for match in pattern.finditer(text):
            offset = utf16_len(text[: match.start()])
            found.append({"type": kind, "offset": offset, "length": utf16_len(match.group())})
    found.sort(key=lambda entity: entity["offset"])
    return found


# --------------------------------------------------------------------------- actors and records


@dataclass
class User:
    """A Telegram account: a user the tests act as, or the bot itself."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "vi"
    is_bot: bool = False
    started: bool = False
    blocked: bool = False
    deactivated: bool = False

    def to_api(self) -> JSON:
        """Return the Bot API ``User`` object."""
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class Chat:
    """A private chat (id = the user's id), a group or a supergroup, with its message history."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    member_ids: set[int] = field(default_factory=set)
    bot_is_member: bool = True
    messages: dict[int, JSON] = field(default_factory=dict, repr=False)
    deleted: dict[int, JSON] = field(default_factory=dict, repr=False)
    last_message_id: int = 0

    def to_api(self) -> JSON:
        """Return the Bot API ``Chat`` object."""
        data: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class StoredFile:
    """A file known to the emulator, uploaded by the bot or sent by a user."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes = field(repr=False)
    file_name: str | None = None
    mime_type: str | None = None

    def to_api(self, **extra: Any) -> JSON:
        """Return the Bot API file object (Document, Voice, ...) fields."""
        data: JSON = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.file_name:
            data["file_name"] = self.file_name
        if self.mime_type:
            data["mime_type"] = self.mime_type
        return data | extra


@dataclass
class RecordedRequest:
    """One Bot API call made by the bot and how the emulator answered it."""

    method: str
    params: JSON
    time: float
    error_code: int | None = None
    description: str | None = None
    result: Any = None

    @property
    def ok(self) -> bool:
        """True when the call succeeded."""
        return self.error_code is None


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)


@dataclass
class RateLimits:
    """Flood limits, Telegram's by default; ``enabled=False`` turns them off."""

    enabled: bool = True
    overall_per_second: int = 30
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: int = 20


class _FloodControl:
    """Counts sends per chat and overall; answers the seconds to wait when over a limit."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self.random_probability = 0.0
        self.random_retry_after = 1
        self.rng = random.Random(0)
        self._overall: deque[float] = deque()
        self._private: dict[int, tuple[float, float]] = {}  # chat id -> (tokens, stamp)
        self._groups: dict[int, deque[float]] = {}
        self._penalty: dict[int, float] = {}  # chat id -> monotonic time the ban ends

    def retry_after(self, chat: Chat) -> int | None:
        """Register one send to ``chat``; return seconds to wait if it must be refused."""
        if self.random_probability and self.rng.random() < self.random_probability:
            return self.random_retry_after
        if not self.limits.enabled:
            return None
        now = self.clock()
        if self._penalty.get(chat.id, 0.0) > now:
            return max(1, math.ceil(self._penalty[chat.id] - now))
        while self._overall and self._overall[0] <= now - 1.0:
            self._overall.popleft()
        waits: list[float] = []
        if len(self._overall) >= self.limits.overall_per_second:
            waits.append(self._overall[0] + 1.0 - now)
        tokens = float(self.limits.private_burst)
        if chat.type == "private":
            tokens, stamp = self._private.get(chat.id, (tokens, now))
            rate = self.limits.private_per_second
            tokens = min(float(self.limits.private_burst), tokens + (now - stamp) * rate)
            if tokens < 1.0:
                waits.append((1.0 - tokens) / rate)
        else:
            window = self._groups.setdefault(chat.id, deque())
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= self.limits.group_per_minute:
                waits.append(window[0] + 60.0 - now)
        if waits:
            seconds = max(1, math.ceil(max(waits)))
            self._penalty[chat.id] = now + seconds
            return seconds
        self._overall.append(now)
        if chat.type == "private":
            self._private[chat.id] = (tokens - 1.0, now)
        else:
            self._groups[chat.id].append(now)
        return None


@dataclass
class _PendingQuery:
    created: float
    answered: bool = False


# --------------------------------------------------------------------------- request parameters


_FREE_TEXT_PARAMS = frozenset(
    {"text", "caption", "callback_query_id", "inline_query_id", "file_id", "url", "next_offset"}
)


class _Params:
    """Request parameters from a query string, JSON body, form or multipart body.

    python-telegram-bot sends forms in which non-string values are JSON-encoded strings, so
    the typed getters accept both native JSON values and their string forms.
    """

    def __init__(self, values: JSON, files: dict[str, Upload]) -> None:
        self.values = values
        self.files = files

    def recorded(self) -> JSON:
        """Return the parameters as recorded: JSON values decoded, uploads summarised."""
        data: JSON = {}
        for key, value in self.values.items():
            if isinstance(value, str) and key not in _FREE_TEXT_PARAMS:
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            data[key] = value
        for key, upload in self.files.items():
            data[key] = {"filename": upload.filename, "size": len(upload.data)}
        return data

    def string(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return int(float(value)) if isinstance(value, str) else int(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be a valid Number') from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in {"true", "1"}
        return bool(value)

    def decoded(self, name: str, *, what: str | None = None) -> Any:
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {what or name} JSON object") from None


# --------------------------------------------------------------------------- the emulator


class TelegramEmulator:
    """An in-process Telegram Bot API server plus the controls tests use to act as users."""

    def __init__(
        self,
        *,
        token: str = "7000000001:AAEmulatorTokenForChiboTests_0123456",
        bot_username: str = "chibo_test_bot",
        bot_first_name: str = "Chibo",
        can_join_groups: bool = True,
        can_read_all_group_messages: bool = False,
        supports_inline_queries: bool = True,
        rate_limits: RateLimits | None = None,
        strict_html_entities: bool = True,
        query_timeout: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        bot_id = int(token.split(":")[0])
        self.bot = User(bot_id, bot_first_name, bot_username, language_code=None, is_bot=True)
        self.can_join_groups = can_join_groups
        self.can_read_all_group_messages = can_read_all_group_messages
        self.supports_inline_queries = supports_inline_queries
        self.rate_limits = rate_limits or RateLimits()
        self.strict_html_entities = strict_html_entities
        self.query_timeout = query_timeout
        self.clock = clock

        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.requests: list[RecordedRequest] = []
        self.callback_answers: list[JSON] = []
        self.inline_answers: list[JSON] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        # Bot description and short description, by language code ("" for everyone).
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.rate_limited = 0
        self.rate_limited_by_chat: Counter[int] = Counter()

        self._flood = _FloodControl(self.rate_limits, clock)
        self._updates: list[JSON] = []
        self._next_update_id = 100_000
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._queries: dict[str, _PendingQuery] = {}
        self._ids = iter(range(1, 1 << 62))
        self._injected: dict[str, list[ApiError]] = {}
        self._webhook: JSON | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._tick = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._methods: dict[str, Callable[[_Params], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "getFile": self._get_file,
            "setMyCommands": self._set_my_commands,
            "setMyDescription": self._set_my_description,
            "getMyDescription": self._get_my_description,
            "setMyShortDescription": self._set_my_short_description,
            "getMyShortDescription": self._get_my_short_description,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendChatAction": self._send_chat_action,
            "getChat": self._get_chat,
        }
        self._method_names = {name.lower(): name for name in self._methods}

    # ----------------------------------------------------------------- server lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve on ``host``; port 0 picks a free port, readable afterwards as ``self.port``."""
        app = web.Application(client_max_size=UPLOAD_LIMIT + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Answer pending long polls, stop webhook delivery and close the server."""
        self._closing = True
        self._changed()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> TelegramEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """The ``base_url`` for python-telegram-bot (the token is appended by the client)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """The ``base_file_url`` for python-telegram-bot."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ----------------------------------------------------------------- test-side: actors

    def create_user(
        self,
        first_name: str = "Người dùng",
        *,
        username: str | None = None,
        user_id: int | None = None,
        last_name: str | None = None,
        language_code: str | None = "vi",
        started: bool = False,
    ) -> User:
        """Create a Telegram user and their private chat with the bot."""
        user_id = user_id if user_id is not None else 10_000_000 + next(self._ids)
        user = User(user_id, first_name, username, last_name, language_code, started=started)
        self.users[user.id] = user
        self.chats[user.id] = Chat(
            user.id, "private", username=username, first_name=first_name, last_name=last_name
        )
        return user

    def create_group(
        self,
        title: str,
        members: list[User] | tuple[User, ...] = (),
        *,
        supergroup: bool = False,
        username: str | None = None,
        bot_is_member: bool = True,
    ) -> Chat:
        """Create a group (or supergroup) chat with these members and, by default, the bot."""
        number = next(self._ids)
        chat_id = -(1_001_000_000_000 + number) if supergroup else -(4_000_000_000 + number)
        chat = Chat(
            chat_id,
            "supergroup" if supergroup else "group",
            title=title,
            username=username,
            member_ids={member.id for member in members},
            bot_is_member=bot_is_member,
        )
        self.chats[chat.id] = chat
        return chat

    def block(self, user: User) -> None:
        """The user blocks the bot; the bot gets a ``my_chat_member`` update (kicked)."""
        user.blocked = True
        self._push_my_chat_member(user, "member", "kicked")

    def deactivate(self, user: User) -> None:
        """The user deletes their account."""
        user.deactivated = True

    def user_starts(self, user: User, payload: str | None = None) -> JSON:
        """The user presses Start (optionally via a ``t.me/bot?start=payload`` deep link)."""
        if payload is not None and not START_PAYLOAD_RE.fullmatch(payload):
            raise ValueError(f"invalid deep-link payload {payload!r}: 1-64 of A-Z a-z 0-9 _ -")
        if user.blocked:
            user.blocked = False
            self._push_my_chat_member(user, "kicked", "member")
        user.started = True
        text = "/start" if payload is None else f"/start {payload}"
        return self.user_sends_text(user, text)

    def user_sends_text(
        self, user: User, text: str, chat: Chat | None = None, *, reply_to: JSON | None = None
    ) -> JSON:
        """The user sends text (private chat by default); returns the Message as delivered.

        Commands, @mentions and URLs get the entities a Telegram client adds. In groups the
        bot's privacy mode applies: unless ``can_read_all_group_messages``, only commands for
        this bot, mentions of it and replies to its messages reach the bot.
        """
        content: JSON = {"text": text}
        if entities := detect_entities(text):
            content["entities"] = entities
        return self._user_message(user, chat, content, reply_to=reply_to)

    def user_sends_document(
        self,
        user: User,
        filename: str,
        data: bytes,
        mime_type: str = "application/octet-stream",
        *,
        chat: Chat | None = None,
        caption: str | None = None,
    ) -> JSON:
        """The user sends a file; its bytes are kept so the bot can ``getFile`` it."""
        stored = self._store_file("documents", data, filename, mime_type)
        content: JSON = {"document": stored.to_api()}
        if caption:
            content["caption"] = caption
        return self._user_message(user, chat, content)

    def user_sends_photo(
        self,
        user: User,
        data: bytes,
        *,
        chat: Chat | None = None,
        caption: str | None = None,
        media_group_id: str | None = None,
    ) -> JSON:
        """The user sends a photo; photos of one album share a ``media_group_id`` and arrive
        as separate messages, as Telegram delivers them."""
        content: JSON = {"photo": self._photo_sizes(self._store_file("photos", data, None, None))}
        if caption:
            content["caption"] = caption
        if media_group_id:
            content["media_group_id"] = media_group_id
        return self._user_message(user, chat, content)

    def user_sends_voice(
        self, user: User, data: bytes, *, duration: int = 3, chat: Chat | None = None
    ) -> JSON:
        """The user sends a voice note (OGG/Opus)."""
        stored = self._store_file("voice", data, None, "audio/ogg")
        return self._user_message(user, chat, {"voice": stored.to_api(duration=duration)})

    def user_sends_sticker(
        self, user: User, emoji: str = "👍", *, chat: Chat | None = None
    ) -> JSON:
        """The user sends a regular static sticker."""
        stored = self._store_file("stickers", b"RIFF-sticker", None, "image/webp")
        sticker = stored.to_api(
            type="regular", width=512, height=512, is_animated=False, is_video=False, emoji=emoji
        )
        return self._user_message(user, chat, {"sticker": sticker})

    def user_presses_button(self, user: User, message: JSON, callback_data: str) -> JSON:
        """The user presses an inline button of a bot message; returns the CallbackQuery."""
        chat = self.chats[message["chat"]["id"]]
        current = chat.messages.get(message["message_id"])
        if current is None:
            raise LookupError(f"message {message['message_id']} is not in chat {chat.id}")
        buttons = [
            button
            for row in current.get("reply_markup", {}).get("inline_keyboard", [])
            for button in row
        ]
        if not any(button.get("callback_data") == callback_data for button in buttons):
            present = [button.get("callback_data") for button in buttons]
            raise LookupError(f"no button with callback_data {callback_data!r}; has {present}")
        query_id = str(4_000_000_000_000_000 + next(self._ids))
        query = {
            "id": query_id,
            "from": user.to_api(),
            "message": copy.deepcopy(current),
            "chat_instance": str(-7_000_000_000_000_000 - chat.id),
            "data": callback_data,
        }
        self._queries[query_id] = _PendingQuery(self.clock())
        self._push_update("callback_query", query)
        return query

    def user_sends_inline_query(self, user: User, query: str, *, offset: str = "") -> JSON:
        """The user types ``@bot query`` in any chat; returns the InlineQuery."""
        if not self.supports_inline_queries:
            raise ValueError("inline mode is off for this bot (supports_inline_queries=False)")
        query_id = str(5_000_000_000_000_000 + next(self._ids))
        inline = {
            "id": query_id,
            "from": user.to_api(),
            "query": query,
            "offset": offset,
            "chat_type": "sender",
        }
        self._queries[query_id] = _PendingQuery(self.clock())
        self._push_update("inline_query", inline)
        return inline

    # ----------------------------------------------------------------- test-side: faults

    def inject_random_429(self, probability: float, *, seed: int = 0, retry_after: int = 1) -> None:
        """Refuse each send with 429 at this probability, from a seeded RNG (0 turns it off)."""
        self._flood.random_probability = probability
        self._flood.random_retry_after = retry_after
        self._flood.rng = random.Random(seed)

    def inject_error(
        self,
        method: str,
        error_code: int,
        description: str,
        *,
        count: int = 1,
        retry_after: int | None = None,
    ) -> None:
        """Fail the next ``count`` calls of ``method`` with this error."""
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        queue = self._injected.setdefault(self._method_names[method.lower()], [])
        queue.extend(ApiError(error_code, description, parameters) for _ in range(count))

    # ----------------------------------------------------------------- test-side: inspection

    def calls(self, method: str | None = None) -> list[RecordedRequest]:
        """Recorded bot requests, optionally only those of one method."""
        return [r for r in self.requests if method is None or r.method == method]

    def sent_messages(self, chat_id: int) -> list[JSON]:
        """The bot's messages in a chat as they are now (after edits, without deleted ones)."""
        chat = self.chats.get(chat_id)
        if chat is None:
            return []
        return [
            copy.deepcopy(message)
            for _, message in sorted(chat.messages.items())
            if message["from"]["id"] == self.bot.id
        ]

    def deleted_messages(self, chat_id: int) -> list[JSON]:
        """Messages deleted from a chat, in their last state."""
        chat = self.chats.get(chat_id)
        return [copy.deepcopy(m) for _, m in sorted(chat.deleted.items())] if chat else []

    def file_bytes(self, file_id: str) -> bytes:
        """The content of a stored file."""
        return self.files[file_id].data

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot."""
        return len(self._updates)

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until ``predicate()`` is truthy and return its value; TimeoutError otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (result := predicate()):
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [f"{r.method}:{r.error_code or 'ok'}" for r in self.requests[-8:]]
                raise TimeoutError(f"condition not met in {timeout}s; last requests {recent}")
            await self._wait_change(remaining)
        return result

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Callable[[JSON], bool] | None = None,
        *,
        after: JSON | int | None = None,
        timeout: float = 10.0,
    ) -> JSON:
        """Wait for a bot message in the chat (newer than ``after``) matching ``predicate``."""
        after_id = after["message_id"] if isinstance(after, dict) else (after or 0)

        def find() -> JSON | None:
            for message in self.sent_messages(chat_id):
                if message["message_id"] > after_id and (predicate is None or predicate(message)):
                    return message
            return None

        message: JSON = await self.wait_for(find, timeout)
        return message

    # ----------------------------------------------------------------- internals: state

    def _changed(self) -> None:
        self._tick.set()
        self._tick = asyncio.Event()

    async def _wait_change(self, timeout: float | None) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._tick.wait(), timeout)

    def _push_update(self, kind: str, payload: JSON) -> None:
        self._next_update_id += 1
        self._updates.append({"update_id": self._next_update_id, kind: copy.deepcopy(payload)})
        self._changed()

    def _push_my_chat_member(self, user: User, old: str, new: str) -> None:
        def member(status: str) -> JSON:
            data: JSON = {"user": self.bot.to_api(), "status": status}
            return data | {"until_date": 0} if status == "kicked" else data

        self._push_update(
            "my_chat_member",
            {
                "chat": self.chats[user.id].to_api(),
                "from": user.to_api(),
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )

    def _new_message(self, chat: Chat, sender: User, content: JSON) -> JSON:
        chat.last_message_id += 1
        message: JSON = {
            "message_id": chat.last_message_id,
            "from": sender.to_api(),
            "chat": chat.to_api(),
            "date": int(time.time()),
        }
        message.update({key: value for key, value in content.items() if value is not None})
        chat.messages[message["message_id"]] = message
        self._changed()
        return copy.deepcopy(message)

    def _user_message(
        self, user: User, chat: Chat | None, content: JSON, *, reply_to: JSON | None = None
    ) -> JSON:
        chat = chat or self.chats[user.id]
        if chat.type == "private":
            if user.blocked:
                raise ValueError(f"{user.first_name} blocked the bot; call user_starts() first")
            user.started = True
        elif user.id not in chat.member_ids:
            raise ValueError(f"{user.first_name} is not a member of {chat.title!r}")
        if reply_to is not None:
            replied = copy.deepcopy(chat.messages[reply_to["message_id"]])
            replied.pop("reply_to_message", None)
            content = content | {"reply_to_message": replied}
        message = self._new_message(chat, user, content)
        if chat.type == "private" or self._bot_sees(message):
            self._push_update("message", message)
        return message

    def _bot_sees(self, message: JSON) -> bool:
        """Privacy mode: a group message reaches the bot only if it addresses the bot."""
        return self.can_read_all_group_messages or self._addresses_bot(message)

    def _addresses_bot(self, message: JSON) -> bool:
        """True when a group message addresses this bot (command, mention or reply)."""
        units = (message.get("text") or message.get("caption") or "").encode("utf-16-le")
        me = (self.bot.username or "").lower()
        for entity in message.get("entities", []):
            start, end = 2 * entity["offset"], 2 * (entity["offset"] + entity["length"])
            piece = units[start:end].decode("utf-16-le").lower()
            if entity["type"] == "bot_command" and ("@" not in piece or piece.endswith("@" + me)):
                return True
            if entity["type"] == "mention" and piece == "@" + me:
                return True
        replied = message.get("reply_to_message")
        return bool(replied and replied["from"]["id"] == self.bot.id)

    def _store_file(
        self, folder: str, data: bytes, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        number = next(self._ids)
        suffix = "." + file_name.rsplit(".", 1)[1] if file_name and "." in file_name else ""
        default = {"photos": ".jpg", "voice": ".oga", "stickers": ".webp"}.get(folder, "")
        stored = StoredFile(
            file_id=f"BQACAgUAAx{number:08d}emulatorfile",
            file_unique_id=f"AgAD{number:06d}",
            file_path=f"{folder}/file_{number}{suffix or default}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    @staticmethod
    def _photo_sizes(stored: StoredFile) -> list[JSON]:
        width, height = 1, 1
        try:
            from PIL import Image

            with Image.open(io.BytesIO(stored.data)) as image:
                width, height = image.size
        except Exception:  # not an image Pillow can read: keep placeholder dimensions
            pass
        return [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data),
                "width": width,
                "height": height,
            }
        ]

    # ----------------------------------------------------------------- internals: HTTP

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").to_api(), status=401)
        name = self._method_names.get(request.match_info["method"].lower())
        if name is None:
            return web.json_response(ApiError(404, "Not Found").to_api(), status=404)
        record = RecordedRequest(name, {}, time.time())
        try:
            params = await self._read_params(request)
            record.params = params.recorded()
            if injected := self._injected.get(name):
                raise injected.pop(0)
            record.result = await self._methods[name](params)
        except ApiError as error:
            record.error_code, record.description = error.error_code, error.description
            if error.error_code == 429:
                self.rate_limited += 1
                chat_id = str(record.params.get("chat_id", ""))
                if chat_id.lstrip("-").isdigit():
                    self.rate_limited_by_chat[int(chat_id)] += 1
            self._record(record)
            return web.json_response(error.to_api(), status=error.error_code)
        self._record(record)
        return web.json_response({"ok": True, "result": record.result})

    def _record(self, record: RecordedRequest) -> None:
        self.requests.append(record)
        self._changed()

    async def _read_params(self, request: web.Request) -> _Params:
        values: JSON = dict(request.query)
        files: dict[str, Upload] = {}
        if not request.body_exists:
            return _Params(values, files)
        try:
            if request.content_type == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise bad_request("JSON object expected")
                values.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        data = value.file.read()
                        files[key] = Upload(value.filename, value.content_type, data)
                    else:
                        values[key] = value
        except web.HTTPRequestEntityTooLarge:
            raise ApiError(413, "Request Entity Too Large") from None
        except ValueError:
            raise bad_request("can't parse request body") from None
        return _Params(values, files)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").to_api(), status=401)
        path = request.match_info["path"]
        stored = next((f for f in self.files.values() if f.file_path == path), None)
        if stored is None:
            return web.json_response(ApiError(404, "Not Found").to_api(), status=404)
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, headers={"Content-Type": content_type})

    # ----------------------------------------------------------------- internals: validation

    def _chat(self, chat_id: Any) -> Chat:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            found = next(
                (
                    c
                    for c in self.chats.values()
                    if c.type != "private" and (c.username or "").lower() == name
                ),
                None,
            )
        else:
            try:
                found = self.chats.get(int(chat_id))
            except (TypeError, ValueError):
                found = None
        if found is None:
            raise bad_request("chat not found")
        return found

    def _writable_chat(self, params: _Params) -> Chat:
        """Resolve ``chat_id`` and apply the 403s Telegram gives before anything else."""
        if params.values.get("chat_id") in (None, ""):
            raise bad_request("chat_id is empty")
        chat = self._chat(params.values["chat_id"])
        if chat.type == "private":
            user = self.users[chat.id]
            if user.deactivated:
                raise forbidden("user is deactivated")
            if user.blocked:
                raise forbidden("bot was blocked by the user")
            if not user.started:
                raise forbidden("bot can't initiate conversation with a user")
        elif not chat.bot_is_member:
            raise forbidden(f"bot is not a member of the {chat.type} chat")
        return chat

    def _formatted(
        self, params: _Params, key: str, *, limit: int, too_long: str, required: bool
    ) -> tuple[str | None, list[JSON] | None]:
        """Parse text or caption per ``parse_mode``; enforce emptiness and length after it."""
        raw = params.string(key)
        if not raw:
            if required:
                raise bad_request("message text is empty")
            return None, None
        mode = (params.string("parse_mode") or "").strip()
        if mode.lower() == "html":
            try:
                text, entities = parse_html(raw, strict_entities=self.strict_html_entities)
            except HtmlParseError as error:
                raise bad_request(f"can't parse entities: {error}") from None
        elif mode:
            raise bad_request(f"unsupported parse_mode {mode!r} (the emulator knows only HTML)")
        else:
            entities_key = "entities" if key == "text" else "caption_entities"
            text, entities = raw, params.decoded(entities_key) or []
        if not text.strip():
            if required:
                raise bad_request("message text is empty")
            return None, None
        if len(text) > limit:
            raise bad_request(too_long)
        return text, entities or None

    @staticmethod
    def _reply_markup(params: _Params, *, inline_only: bool = False) -> JSON | None:
        """Validate ``reply_markup``; return the inline keyboard a Message would carry."""
        markup = params.decoded("reply_markup", what="reply keyboard markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            if inline_only:
                raise bad_request("inline keyboard expected")
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('can\'t parse inline keyboard: field "inline_keyboard" is invalid')
        for button in (button for row in rows for button in row):
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("BUTTON_TEXT_INVALID")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                    raise bad_request("BUTTON_DATA_INVALID")
            elif "url" in button:
                if not re.match(r"(https?|tg)://\S+$", str(button["url"])):
                    raise bad_request(
                        f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL"
                    )
            elif not any(key in button for key in ("switch_inline_query", "login_url", "pay")):
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
        return {"inline_keyboard": rows} if any(rows) else None

    @staticmethod
    def _reply_to(chat: Chat, params: _Params) -> JSON | None:
        reply = params.decoded("reply_parameters") or {}
        message_id = reply.get("message_id") or params.integer("reply_to_message_id")
        allow = reply.get("allow_sending_without_reply") or params.flag(
            "allow_sending_without_reply"
        )
        if not message_id:
            return None
        target = chat.messages.get(int(message_id))
        if target is None:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        replied = copy.deepcopy(target)
        replied.pop("reply_to_message", None)
        return replied

    def _throttle(self, chat: Chat) -> None:
        seconds = self._flood.retry_after(chat)
        if seconds is not None:
            raise too_many_requests(seconds)

    def _input_file(self, params: _Params, key: str, folder: str) -> StoredFile:
        value = params.values.get(key)
        upload = params.files.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = params.files.get(value.removeprefix("attach://"))
        if upload is not None:
            if not upload.data:
                raise bad_request("file must be non-empty")
            if len(upload.data) > UPLOAD_LIMIT:
                raise ApiError(413, "Request Entity Too Large")
            return self._store_file(folder, upload.data, upload.filename, upload.content_type)
        if not value:
            raise bad_request(f"there is no {key} in the request")
        if str(value) in self.files:
            return self.files[str(value)]
        if str(value).startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _own_message(self, params: _Params, *, action: str) -> tuple[Chat, JSON]:
        if params.values.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._writable_chat(params)
        message = chat.messages.get(params.integer("message_id") or 0)
        if message is None:
            raise bad_request(f"message to {action} not found")
        if message["from"]["id"] != self.bot.id:
            raise bad_request(f"message can't be {action}ed")
        return chat, message

    def _take_query(self, query_id: str | None) -> None:
        query = self._queries.get(query_id or "")
        if query is None or query.answered or self.clock() - query.created > self.query_timeout:
            raise bad_request(QUERY_TOO_OLD)
        query.answered = True

    # ----------------------------------------------------------------- Bot API methods

    async def _get_me(self, params: _Params) -> JSON:
        return self.bot.to_api() | {
            "can_join_groups": self.can_join_groups,
            "can_read_all_group_messages": self.can_read_all_group_messages,
            "supports_inline_queries": self.supports_inline_queries,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: _Params) -> list[JSON]:
        """Long polling: wait up to ``timeout`` s for updates; a newer call ends this one (409)."""
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.integer("offset")
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = max(float(params.values.get("timeout") or 0), 0.0)
        allowed = params.decoded("allowed_updates")
        if allowed is not None:
            self._allowed_updates = list(allowed) or None
        if offset:
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            else:
                self._updates = self._updates[offset:]
        self._poll_generation += 1
        generation = self._poll_generation
        self._changed()  # wakes an older long poll so that it answers 409
        deadline = self.clock() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if self._allowed_updates is not None:
                self._updates = [
                    u for u in self._updates if any(k in self._allowed_updates for k in u)
                ]
            if self._updates:
                return copy.deepcopy(self._updates[:limit])
            remaining = deadline - self.clock()
            if remaining <= 0 or self._closing:
                return []
            await self._wait_change(remaining)

    async def _set_webhook(self, params: _Params) -> bool:
        url = params.string("url") or ""
        if not url:
            return await self._delete_webhook(params)
        if not re.match(r"https?://[^/\s]+", url):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.string("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        allowed = params.decoded("allowed_updates")
        if allowed is not None:
            self._allowed_updates = list(allowed) or None
        self._webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": params.integer("max_connections") or 40,
            "last_error_date": None,
            "last_error_message": None,
        }
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_webhook())
        self._changed()
        return True

    async def _delete_webhook(self, params: _Params) -> bool:
        self._webhook = None
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            self._webhook_task = None
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: _Params) -> JSON:
        info: JSON = {"url": "", "has_custom_certificate": False}
        info["pending_update_count"] = len(self._updates)
        if self._webhook is not None:
            info["url"] = self._webhook["url"]
            info["max_connections"] = self._webhook["max_connections"]
            for key in ("last_error_date", "last_error_message"):
                if self._webhook[key] is not None:
                    info[key] = self._webhook[key]
            if self._allowed_updates:
                info["allowed_updates"] = self._allowed_updates
        return info

    async def _deliver_webhook(self) -> None:
        """POST pending updates one by one to the webhook; keep them until answered 2xx."""
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            while self._webhook is not None and not self._closing:
                if not self._updates:
                    await self._wait_change(None)
                    continue
                update, hook = self._updates[0], self._webhook
                headers = {}
                if hook["secret_token"]:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
                try:
                    async with session.post(hook["url"], json=update, headers=headers) as resp:
                        error = None if resp.status < 300 else f"Wrong response: {resp.status}"
                except (aiohttp.ClientError, TimeoutError) as exc:
                    error = f"Connection failed: {exc}"
                if error is None:
                    if self._updates and self._updates[0] is update:
                        self._updates.pop(0)
                    self._changed()
                else:
                    hook["last_error_date"], hook["last_error_message"] = int(time.time()), error
                    await asyncio.sleep(0.5)

    async def _send_message(self, params: _Params) -> JSON:
        chat = self._writable_chat(params)
        text, entities = self._formatted(
            params, "text", limit=TEXT_LIMIT, too_long="message is too long", required=True
        )
        markup = self._reply_markup(params)
        reply = self._reply_to(chat, params)
        self._throttle(chat)
        content = {
            "text": text,
            "entities": entities,
            "reply_markup": markup,
            "reply_to_message": reply,
            "link_preview_options": params.decoded("link_preview_options"),
        }
        return self._new_message(chat, self.bot, content)

    async def _send_media(self, params: _Params, key: str, folder: str) -> JSON:
        chat = self._writable_chat(params)
        caption, entities = self._formatted(
            params,
            "caption",
            limit=CAPTION_LIMIT,
            too_long="message caption is too long",
            required=False,
        )
        markup = self._reply_markup(params)
        reply = self._reply_to(chat, params)
        stored = self._input_file(params, key, folder)
        self._throttle(chat)
        media = self._photo_sizes(stored) if key == "photo" else stored.to_api()
        content = {
            key: media,
            "caption": caption,
            "caption_entities": entities,
            "reply_markup": markup,
            "reply_to_message": reply,
        }
        return self._new_message(chat, self.bot, content)

    async def _send_document(self, params: _Params) -> JSON:
        return await self._send_media(params, "document", "documents")

    async def _send_photo(self, params: _Params) -> JSON:
        return await self._send_media(params, "photo", "photos")

    def _apply_edit(self, chat: Chat, message: JSON, changes: JSON) -> JSON:
        edited = copy.deepcopy(message)
        for key, value in changes.items():
            if value is None:
                edited.pop(key, None)
            else:
                edited[key] = value
        if edited == message:
            raise bad_request(NOT_MODIFIED)
        edited["edit_date"] = int(time.time())
        chat.messages[message["message_id"]] = edited
        self._changed()
        return copy.deepcopy(edited)

    async def _edit_message_text(self, params: _Params) -> JSON:
        chat, message = self._own_message(params, action="edit")
        text, entities = self._formatted(
            params, "text", limit=TEXT_LIMIT, too_long="message is too long", required=True
        )
        markup = self._reply_markup(params, inline_only=True)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        changes = {"text": text, "entities": entities, "reply_markup": markup}
        return self._apply_edit(chat, message, changes)

    async def _edit_message_caption(self, params: _Params) -> JSON:
        chat, message = self._own_message(params, action="edit")
        caption, entities = self._formatted(
            params,
            "caption",
            limit=CAPTION_LIMIT,
            too_long="message caption is too long",
            required=False,
        )
        markup = self._reply_markup(params, inline_only=True)
        if "text" in message:
            raise bad_request("there is no caption in the message to edit")
        changes = {"caption": caption, "caption_entities": entities, "reply_markup": markup}
        return self._apply_edit(chat, message, changes)

    async def _edit_message_reply_markup(self, params: _Params) -> JSON:
        chat, message = self._own_message(params, action="edit")
        markup = self._reply_markup(params, inline_only=True)
        return self._apply_edit(chat, message, {"reply_markup": markup})

    async def _delete_message(self, params: _Params) -> bool:
        chat = self._chat(params.values.get("chat_id"))
        message_id = params.integer("message_id") or 0
        message = chat.messages.get(message_id)
        if message is None:
            raise bad_request("message to delete not found")
        if chat.type != "private" and message["from"]["id"] != self.bot.id:
            raise bad_request("message can't be deleted")
        chat.deleted[message_id] = chat.messages.pop(message_id)
        self._changed()
        return True

    async def _answer_callback_query(self, params: _Params) -> bool:
        self._take_query(params.string("callback_query_id"))
        self.callback_answers.append(params.recorded())
        return True

    async def _answer_inline_query(self, params: _Params) -> bool:
        results = params.decoded("results") or []
        if not isinstance(results, list):
            raise bad_request("can't parse results JSON object")
        if len(results) > INLINE_RESULTS_LIMIT:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = [result.get("id") for result in results]
        if len(set(ids)) != len(ids):
            raise bad_request("RESULT_ID_DUPLICATE")
        self._take_query(params.string("inline_query_id"))
        self.inline_answers.append(params.recorded())
        return True

    async def _get_file(self, params: _Params) -> JSON:
        stored = self.files.get(params.string("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.data) > DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    @staticmethod
    def _commands_key(params: _Params) -> tuple[str, str]:
        scope = params.decoded("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.string("language_code") or ""

    async def _set_my_commands(self, params: _Params) -> bool:
        commands = params.decoded("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(params)] = commands
        return True

    async def _set_my_description(self, params: _Params) -> bool:
        text = str(params.values.get("description") or "")
        if len(text) > 512:
            raise bad_request("BOT_DESCRIPTION_INVALID")
        self.descriptions[str(params.values.get("language_code") or "")] = text
        return True

    async def _get_my_description(self, params: _Params) -> JSON:
        return {
            "description": self.descriptions.get(str(params.values.get("language_code") or ""), "")
        }

    async def _set_my_short_description(self, params: _Params) -> bool:
        text = str(params.values.get("short_description") or "")
        if len(text) > 120:
            raise bad_request("BOT_SHORT_DESCRIPTION_INVALID")
        self.short_descriptions[str(params.values.get("language_code") or "")] = text
        return True

    async def _get_my_short_description(self, params: _Params) -> JSON:
        code = str(params.values.get("language_code") or "")
        return {"short_description": self.short_descriptions.get(code, "")}

    async def _get_my_commands(self, params: _Params) -> list[JSON]:
        return self.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: _Params) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _send_chat_action(self, params: _Params) -> bool:
        chat = self._writable_chat(params)
        action = params.string("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((chat.id, action))
        return True

    async def _get_chat(self, params: _Params) -> JSON:
        chat = self._chat(params.values.get("chat_id"))
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return chat.to_api() | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }
