"""The one settings object: config.yaml, overridden by CHIBO_* environment variables."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from sqlalchemy.engine import make_url

from index.settings import IndexSettings
from knowledge.settings import DatabaseSettings, KnowledgeSettings, Section

DEFAULT_CONFIG = "config.yaml"
_TOKEN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class SettingsError(Exception):
    """The configuration is unusable; the message says what to fix."""


class BotSettings(Section):
    """How the Telegram side runs."""

    mode: Literal["polling", "webhook"] = Field("polling", description="Long polling or webhook.")
    webhook_url: str | None = Field(None, description="Public HTTPS URL Telegram posts to.")
    webhook_listen: str = Field("127.0.0.1", description="Address the webhook server binds.")
    webhook_port: int = Field(8443, ge=1, le=65535, description="Port the webhook server binds.")
    api_base_url: str = Field(
        "https://api.telegram.org/bot", description="Bot API base (tests point it at the emulator)."
    )
    api_file_url: str = Field("https://api.telegram.org/file/bot", description="File API base.")
    admins: list[int] = Field(
        default_factory=list, description="Telegram user ids of deployment admins (bootstrap)."
    )
    webhook_path: str = Field(
        "/telegram", pattern=r"^/[A-Za-z0-9/_-]*$", description="Path the webhook server serves."
    )
    answer_sources: int = Field(3, ge=1, le=8, description="Passages quoted in one answer.")
    more_results: int = Field(
        5, ge=1, le=10, description="Passages listed per press of «Thêm kết quả»."
    )
    invite_ttl_hours: int = Field(
        72, ge=1, le=24 * 90, description="How long an invite link lives."
    )
    max_question_chars: int = Field(
        1000, ge=50, le=4000, description="Longer questions are refused with a polite hint."
    )
    workers: int = Field(
        64, ge=2, le=256, description="Threads for database and retrieval work off the event loop."
    )
    max_messages_per_second: int = Field(
        30, ge=0, le=1000, description="Telegram's overall send limit (0 = none)."
    )
    concurrent_updates: int = Field(
        256, ge=1, le=4096, description="Updates handled at the same time."
    )
    per_sender_updates: int = Field(
        1, ge=1, le=64, description="Updates of one sender handled at once; the rest wait."
    )
    member_burst: int = Field(
        10, ge=1, le=100, description="Messages and presses a member may send at once."
    )
    member_refill_seconds: float = Field(
        1.0, gt=0, le=600, description="A member earns one more message each this many seconds."
    )
    stranger_burst: int = Field(
        2, ge=1, le=20, description="Updates a non-member may send at once (/start, a name…)."
    )
    stranger_refill_seconds: float = Field(
        30.0, gt=0, le=3600, description="A non-member earns one more update each this often."
    )
    torch_threads: int = Field(
        1, ge=0, le=64, description="Intra-op threads of the model (0 = library default)."
    )
    seed_corpus: str | None = Field(
        "corpus/sample", description="Samples `chibo chat` (the demo) loads into an empty store."
    )


class NoticeSettings(Section):
    """How notices are checked and sent (config.yaml section ``notices``)."""

    enabled: bool = Field(True, description="Run the sender in this bot process.")
    rate_per_second: float = Field(
        29.0, gt=0, le=1000, description="Messages per second, shared by all sender processes."
    )
    chat_interval: float = Field(
        1.05, ge=0, le=60, description="Seconds between two messages to the same chat."
    )
    max_in_flight: int = Field(8, ge=1, le=64, description="Requests on their way at once.")
    batch_size: int = Field(60, ge=1, le=1000, description="Deliveries claimed at a time.")
    max_attempts: int = Field(
        5, ge=1, le=20, description="Tries on transient network errors before giving up."
    )
    backoff_seconds: float = Field(2.0, gt=0, le=60, description="First retry delay; doubles.")
    send_timeout: float = Field(15.0, gt=0, le=120, description="Seconds to wait for Telegram.")
    heartbeat_seconds: float = Field(2.0, gt=0, le=60, description="Sender heartbeat period.")
    dead_after_seconds: float = Field(
        20.0, gt=0, le=600, description="A sender silent this long is dead; its rows recovered."
    )
    status_edit_seconds: float = Field(
        3.0, ge=1, le=60, description="At most one edit of a status message per this period."
    )
    poll_seconds: float = Field(0.5, gt=0, le=10, description="Idle wait between checks.")
    max_parts: int = Field(
        4, ge=1, le=10, description="A longer notice is split into at most this many messages."
    )
    max_photo_mb: float = Field(10.0, gt=0, le=10, description="Telegram's limit for photos.")
    max_document_mb: float = Field(50.0, gt=0, le=50, description="Telegram's limit for bots.")
    max_schedule_days: int = Field(90, ge=1, le=366, description="How far ahead it may be set.")
    draft_minutes: int = Field(30, ge=1, le=24 * 60, description="An idle draft is dropped.")
    recent: int = Field(10, ge=1, le=50, description="Notices listed by /thongbao_ds.")


class MeetingSettings(Section):
    """How meetings run (config.yaml section ``meetings``)."""

    reminder_minutes: list[int] = Field(
        default_factory=lambda: [1440, 60],
        description="Reminders this many minutes before the start (1440 = one day).",
    )
    check_in_opens_minutes: int = Field(
        30, ge=0, le=24 * 60, description="Check-in opens this long before the start."
    )
    check_in_closes_minutes: int = Field(
        240, ge=1, le=24 * 60, description="…and closes this long after the start."
    )
    late_after_minutes: int = Field(
        15, ge=0, le=24 * 60, description="Checked in later than this after the start = late."
    )
    excuse_digest_seconds: int = Field(
        60,
        ge=0,
        le=3600,
        description="«Xin vắng» answers reach the secretary in one message this long after the "
        "first of them (several at once are grouped).",
    )
    code_digits: int = Field(6, ge=4, le=8, description="Digits of the check-in code.")
    wrong_codes_per_minute: int = Field(
        10, ge=1, le=1000, description="Wrong codes a meeting takes per minute, all members."
    )
    wrong_codes_per_meeting: int = Field(
        40,
        ge=1,
        le=100_000,
        description="Wrong codes a meeting takes in all; then codes stop (QR and by hand work).",
    )
    code_seconds: int = Field(60, ge=15, le=3600, description="The code changes this often.")
    qr_minutes: int = Field(5, ge=1, le=60, description="A check-in QR link works this long.")
    excused_in_denominator: bool = Field(
        True, description="Excused absences count in the rate's denominator (x/all members)."
    )
    anonymous_votes: bool = Field(True, description="Votes on meeting quality are secret.")
    max_schedule_days: int = Field(366, ge=1, le=731, description="How far ahead to schedule.")
    chart_meetings: int = Field(12, ge=2, le=36, description="Meetings in the attendance chart.")
    draft_minutes: int = Field(30, ge=1, le=24 * 60, description="An idle /hop draft is dropped.")


class Settings(BaseSettings):
    """Everything Chibo needs; built once by an entry point and passed down."""

    model_config = SettingsConfigDict(
        env_prefix="CHIBO_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)  # type: ignore[arg-type]
    knowledge: KnowledgeSettings = Field(default_factory=KnowledgeSettings)  # type: ignore[arg-type]
    index: IndexSettings = Field(default_factory=IndexSettings)  # type: ignore[arg-type]
    bot: BotSettings = Field(default_factory=BotSettings)  # type: ignore[arg-type]
    notices: NoticeSettings = Field(default_factory=NoticeSettings)  # type: ignore[arg-type]
    meetings: MeetingSettings = Field(default_factory=MeetingSettings)  # type: ignore[arg-type]
    telegram_token: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("CHIBO_TELEGRAM_TOKEN", "TELEGRAM_BOT_TOKEN"),
        description="Only from the environment.",
    )
    webhook_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("CHIBO_WEBHOOK_SECRET"), description="Env only."
    )
    base_dir: str = Field(".", description="Folder relative paths are resolved against.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment overrides config.yaml (passed as init values).
        return (env_settings, init_settings)

    def path(self, value: str) -> Path:
        """Resolve a configured path against the config file's folder."""
        p = Path(value).expanduser()
        return p if p.is_absolute() else Path(self.base_dir) / p

    def token(self) -> str:
        """The bot token, or a SettingsError that says how to provide it."""
        if self.telegram_token is None:
            raise SettingsError(
                "Chưa có token Telegram: đặt biến môi trường TELEGRAM_BOT_TOKEN "
                "(lấy từ @BotFather). Không ghi token vào config.yaml."
            )
        token = self.telegram_token.get_secret_value().strip()
        if not _TOKEN.match(token):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN không hợp lệ (có vẻ là giá trị mẫu); token thật có dạng "
                "123456789:AA… do @BotFather cấp."
            )
        return token

    def webhook_secret_token(self) -> str:
        """The webhook secret token, or a SettingsError that says how to provide it."""
        if self.webhook_secret is None:
            raise SettingsError(
                "Chế độ webhook cần biến môi trường CHIBO_WEBHOOK_SECRET "
                "(1–256 ký tự A–Z a–z 0–9 _ -), để chỉ Telegram gửi được cập nhật tới bot."
            )
        secret = self.webhook_secret.get_secret_value().strip()
        if not _WEBHOOK_SECRET.match(secret):
            raise SettingsError(
                "CHIBO_WEBHOOK_SECRET không hợp lệ: chỉ dùng 1–256 ký tự A–Z a–z 0–9 _ -."
            )
        if not self.bot.webhook_url:
            raise SettingsError("Chế độ webhook cần bot.webhook_url (địa chỉ HTTPS công khai).")
        return secret


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Load config.yaml (or ``path``; CHIBO_CONFIG names another), then the environment."""
    chosen = Path(path or os.environ.get("CHIBO_CONFIG") or DEFAULT_CONFIG)
    data: dict[str, Any] = {}
    if chosen.exists():
        try:
            loaded = yaml.safe_load(chosen.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise SettingsError(f"{chosen}: YAML không hợp lệ: {exc}") from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise SettingsError(f"{chosen}: phải là một bảng khóa: giá trị")
        data = loaded or {}
    elif path is not None:
        raise SettingsError(f"Không tìm thấy tệp cấu hình {chosen}")
    leaked = _secret_keys(data)
    if leaked:
        raise SettingsError(
            f"{chosen}: không ghi bí mật ({', '.join(sorted(leaked))}) vào tệp cấu hình; "
            "dùng biến môi trường TELEGRAM_BOT_TOKEN / CHIBO_WEBHOOK_SECRET."
        )
    data.setdefault("base_dir", str(chosen.resolve().parent))
    data.update(overrides)
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(f"Cấu hình sai ({chosen}): {problems}") from exc
    return _with_absolute_sqlite(settings)


def secret_names() -> frozenset[str]:
    """Every name under which the settings would take a secret (field names and their
    environment aliases, any case), plus the bare ``token``: none may appear in the file."""
    names = {"token"}
    for name, info in Settings.model_fields.items():
        if info.annotation is None or "SecretStr" not in str(info.annotation):
            continue
        names.add(name)
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            names |= {str(choice) for choice in alias.choices}
        elif isinstance(alias, str):
            names.add(alias)
    return frozenset(n.lower() for n in names)


def _secret_keys(data: dict[str, Any]) -> set[str]:
    found = set()
    for key, value in data.items():
        if str(key).lower() in secret_names() and value:
            found.add(key)
        if isinstance(value, dict):
            found |= {f"{key}.{k}" for k in _secret_keys(value)}
    return found


def _with_absolute_sqlite(settings: Settings) -> Settings:
    url = make_url(settings.database.url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return settings
    db_path = settings.path(url.database)
    database = settings.database.model_copy(update={"url": str(url.set(database=str(db_path)))})
    return settings.model_copy(update={"database": database})
