"""The `chibo` command: builds settings → engine → embedder → retriever → services, once."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import click
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot import texts
from bot.logs import SecretFilter, guard_handlers
from bot.members import MembershipError, committees
from bot.members import texts as mbt
from bot.schema import current_revision, head_revision, migrate
from bot.services import (
    Services,
    answer_service,
    build_services,
    embedder_for,
    limit_model_threads,
    query_workers,
    seed_if_empty,
)
from bot.settings import Settings, SettingsError, load_settings
from index import cli as index_cli
from index.answer import AnswerService
from index.batching import BatchingEmbedder
from index.retriever import IndexMissing, Retriever
from index.settings import IndexSettings
from knowledge import cli as knowledge_cli
from knowledge.db import make_engine
from knowledge.settings import KnowledgeSettings

if TYPE_CHECKING:
    from index.embedder import SentenceTransformerEmbedder


class AppContext:
    """Lazily built components, so `chibo docs` never loads the embedding model."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._retriever: Retriever | None = None

    @cached_property
    def engine(self) -> Engine:
        """The database engine, its schema migrated to the newest revision."""
        engine = self.unmigrated_engine()
        migrate(engine)
        return engine

    def unmigrated_engine(self) -> Engine:
        """A new engine on the configured database, schema left as it is (for `chibo db`)."""
        db = self.settings.database
        return make_engine(
            db.url, echo=db.echo, pool_size=db.pool_size, max_overflow=db.max_overflow
        )

    @property
    def knowledge_settings(self) -> KnowledgeSettings:
        """The knowledge section."""
        return self.settings.knowledge

    @property
    def index_settings(self) -> IndexSettings:
        """The index section."""
        return self.settings.index

    @cached_property
    def embedder(self) -> SentenceTransformerEmbedder:
        """The embedding model (loaded once)."""
        return embedder_for(self.settings)

    def retriever(self, *, load: bool = True) -> Retriever:
        """The retriever; loads the saved index (building it when none exists yet)."""
        if self._retriever is None:
            self._retriever = Retriever(
                self.engine,
                BatchingEmbedder(self.embedder, workers=query_workers(self.settings)),
                self.settings.index,
                self.settings.path(self.settings.index.dir),
            )
        if load and not self._retriever.ready:
            try:
                self._retriever.load()
            except IndexMissing:
                self._retriever.sync()
        return self._retriever

    def answers(self) -> AnswerService:
        """The bot's answer service over the loaded index (for `chibo search --answer`)."""
        return answer_service(self.settings, self.engine, self.retriever())

    def services(self, *, demo: bool = False) -> Services:
        """Everything the bot and `chibo chat` need: model loaded, index in step; for the
        terminal demo (``demo``) an empty store is first filled with the labelled samples.
        `chibo run` never does that: a real deployment never quotes text the team wrote."""
        limit_model_threads(self.settings.bot.torch_threads)
        click.echo(texts.CHAT_LOADING, err=True)
        report = seed_if_empty(self.settings, self.engine) if demo else None
        if report is not None:
            folder = self.settings.bot.seed_corpus
            click.echo(texts.CHAT_SEEDED.format(n=report.counts["added"], folder=folder), err=True)
        retriever = self.retriever(load=False)
        retriever.sync(progress=sys.stderr.isatty())
        return build_services(self.settings, self.engine, retriever)

    def scope_owner(self, scope: str, scope_id: int) -> str | None:
        """The name of the cell or đảng bộ a document of this scope would belong to."""
        from bot.models import Cell, Committee

        with Session(self.engine) as session:
            if scope == "cell":
                cell = session.get(Cell, scope_id)
                return cell.name if cell is not None else None
            committee = session.get(Committee, scope_id)
            return committee.name if committee is not None else None

    def after_ingest(self) -> None:
        """Keep the search index in step after `chibo ingest` / `chibo remove`."""
        if self.settings.path(self.settings.index.dir).exists():
            self.retriever(load=False).sync()


@click.group()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Tệp cấu hình (mặc định config.yaml hoặc biến CHIBO_CONFIG).",
)
@click.option("-v", "--verbose", is_flag=True, help="Ghi nhật ký chi tiết.")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, verbose: bool) -> None:
    """Chibo — trợ lý chi bộ: hỏi đáp văn bản của Đảng có trích dẫn, họp chi bộ, điểm danh."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    guard_handlers()  # tokens are recognised by their shape even before settings load
    try:
        settings = load_settings(config_path)
    except SettingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    secrets = (settings.telegram_token, settings.webhook_secret)
    for handler in logging.getLogger().handlers:
        handler.filters = [f for f in handler.filters if not isinstance(f, SecretFilter)]
    guard_handlers(s.get_secret_value() for s in secrets if s is not None)
    ctx.obj = AppContext(settings)


@cli.command("run")
@click.pass_context
def run_command(ctx: click.Context) -> None:
    """Chạy bot Telegram: long polling, hoặc webhook theo cấu hình (token từ biến môi trường)."""
    obj: AppContext = ctx.obj
    settings = obj.settings
    try:
        settings.token()
    except SettingsError as exc:
        click.echo(str(exc), err=True)
        if not _interactive():
            sys.exit(2)
        click.echo(texts.CHAT_FALLBACK, err=True)
        ctx.invoke(chat_command)
        return
    if settings.bot.mode == "webhook":
        try:
            settings.webhook_secret_token()
        except SettingsError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
    from bot.telegram.app import run_bot  # the Telegram adapter loads only for this command

    services = obj.services()
    click.echo(texts.RUN_STARTED.format(mode=settings.bot.mode), err=True)
    run_bot(settings, services)


def _interactive() -> bool:
    """Someone at a terminal (not a service manager or a pipe) started the command."""
    return sys.stdin.isatty()


@cli.command("chat")
@click.option(
    "--chi-bo",
    "cell_name",
    help="Hỏi như đảng viên của chi bộ này (tên hoặc số); mặc định chỉ văn bản dùng chung.",
)
@click.pass_obj
def chat_command(obj: AppContext, cell_name: str | None) -> None:
    """Trò chuyện trong cửa sổ lệnh với cùng dịch vụ trả lời của bot (không cần token, mạng)."""
    from bot.chat import run_chat
    from bot.members import find_cell
    from knowledge.scopes import SHARED, Readable

    readable = SHARED
    if cell_name is not None:
        with Session(obj.engine) as session:
            cell = find_cell(session, text=cell_name)
            if cell is None or cell.id is None:
                raise click.BadParameter(f"không có chi bộ «{cell_name}»", param_hint="--chi-bo")
            readable = Readable(cell_id=cell.id, committee_id=cell.committee_id)
    services = obj.services(demo=True)
    run_chat(services.answers, max_chars=obj.settings.bot.max_question_chars, readable=readable)


@cli.group("dangbo", invoke_without_command=True)
@click.pass_context
def committee_group(ctx: click.Context) -> None:
    """Đảng bộ: nhóm các chi bộ; đảng viên của các chi bộ đó đọc văn bản của đảng bộ."""
    if ctx.invoked_subcommand is None:
        _committee_verb(ctx.obj, lambda s: "\n".join(committees.listing(s)) or mbt.COMMITTEE_NONE)


@committee_group.command("tao")
@click.argument("name")
@click.pass_obj
def committee_create_command(obj: AppContext, name: str) -> None:
    """Tạo một đảng bộ."""
    _committee_verb(obj, lambda s: committees.create(s, name))


@committee_group.command("gan")
@click.argument("cell_name")
@click.argument("committee_name", required=False)
@click.pass_obj
def committee_attach_command(obj: AppContext, cell_name: str, committee_name: str | None) -> None:
    """Đặt chi bộ (tên hoặc số) vào đảng bộ (tên hoặc số); bỏ trống đảng bộ để tách ra."""
    _committee_verb(obj, lambda s: committees.attach(s, cell_name, committee_name))


@committee_group.command("bithu")
@click.argument("committee_name")
@click.argument("who")
@click.pass_obj
def committee_secretary_command(obj: AppContext, committee_name: str, who: str) -> None:
    """Giao quyền bí thư đảng bộ (nạp và quản lý văn bản của đảng bộ) cho một tài khoản
    Telegram (số) hoặc một đảng viên (họ tên)."""
    _committee_verb(obj, lambda s: committees.grant(s, committee_name, who))


def _committee_verb(obj: AppContext, verb: Callable[[Session], str]) -> None:
    """Run one of bot.members.committees' verbs (the same ones /dangbo runs) and print what it
    says; a refusal goes to stderr with exit code 1."""
    with Session(obj.engine) as session:
        try:
            said = verb(session)
        except MembershipError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
    click.echo(said)


@cli.group("db")
def db_group() -> None:
    """Phiên bản lược đồ cơ sở dữ liệu: xem và nâng cấp."""


@db_group.command("upgrade")
@click.pass_obj
def db_upgrade_command(obj: AppContext) -> None:
    """Nâng cấp cơ sở dữ liệu lên phiên bản mới nhất (kể cả khi tạo trước khi có phiên bản)."""
    engine = obj.unmigrated_engine()
    try:
        before = current_revision(engine)
        migrate(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        click.echo(texts.DB_AT_HEAD.format(revision=after))
    elif before is None:
        click.echo(texts.DB_VERSIONED.format(revision=after))
    else:
        click.echo(texts.DB_UPGRADED.format(before=before, revision=after))


@db_group.command("current")
@click.pass_obj
def db_current_command(obj: AppContext) -> None:
    """In phiên bản hiện tại của cơ sở dữ liệu; mã thoát 1 nếu chưa phải bản mới nhất."""
    engine = obj.unmigrated_engine()
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    if revision == head:
        click.echo(texts.DB_AT_HEAD.format(revision=revision))
        return
    if revision is None:
        click.echo(texts.DB_UNVERSIONED.format(head=head))
    else:
        click.echo(texts.DB_BEHIND.format(revision=revision, head=head))
    sys.exit(1)


for command in (*knowledge_cli.COMMANDS, *index_cli.COMMANDS):
    cli.add_command(command)


def main() -> None:
    """Console entry point."""
    cli()


if __name__ == "__main__":
    main()
