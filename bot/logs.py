"""Log lines never carry a secret: the bot token (it is part of every Bot API URL, which the
HTTP client logs at INFO) and the webhook secret are replaced before a line is written."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# A Bot API token as it appears in URLs: "bot123456789:AA…" or bare "123456789:AA…".
_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "‹bí-mật›"


class SecretFilter(logging.Filter):
    """Rewrites a record's message (and its traceback) without tokens or the given secrets."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if len(s) >= 8)

    def redact(self, text: str) -> str:
        """``text`` with every token-shaped string and every known secret replaced."""
        text = _TOKEN.sub(REDACTED, text)
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def guard_handlers(secrets: Iterable[str] = ()) -> None:
    """Put the filter on every handler of the root logger (after logging is configured)."""
    guard = SecretFilter(secrets)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, SecretFilter) for f in handler.filters):
            handler.addFilter(guard)
