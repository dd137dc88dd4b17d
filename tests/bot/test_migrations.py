"""Schema migrations: any database — empty, made by create_all, half made — ends at the head.

Every test runs on SQLite and on PostgreSQL, each on databases of its own: migrations need
databases nobody else has created tables in (the session's PostgreSQL database is shared).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import MetaData, create_engine, func, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, select

from bot import cli as bot_cli
from bot import schema
from bot.models import Cell, Member
from bot.schema import (
    BASELINE_TABLES,
    alembic_config,
    current_revision,
    head_revision,
    migrate,
)
from knowledge.models import Document, Passage
from tests.utils.cell_factories import make_cell, make_member
from tests.utils.db import POSTGRES_ADMIN_URL

NewDatabase = Callable[[], Engine]


@pytest.fixture
def new_database(database_url: str, tmp_path: Path) -> Iterator[NewDatabase]:
    """Make empty databases: SQLite files, or PostgreSQL databases dropped after the test."""
    engines: list[Engine] = []
    created: list[str] = []
    postgres = not database_url.startswith("sqlite")
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT") if postgres else None

    def new() -> Engine:
        from knowledge.db import make_engine

        if admin is None:
            url = f"sqlite:///{tmp_path / f'db{len(engines)}.db'}"
        else:
            name = f"chibo_migrations_{os.getpid()}_{secrets.token_hex(4)}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            created.append(name)
            url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(False)
        engines.append(make_engine(url))
        return engines[-1]

    try:
        yield new
    finally:
        for engine in engines:
            engine.dispose()
        if admin is not None:
            with admin.connect() as connection:
                for name in created:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def schema_differences(engine: Engine) -> list[Any]:
    """What alembic's autogenerate would change to make the database match the models."""
    with engine.connect() as connection:
        existing = set(inspect(connection).get_table_names())

        def include(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
            # bot/models.py is being written alongside, its tables to come with revision
            # 0002. Until that revision exists they are in the models but in no database: skip
            # exactly those, so the filter lapses by itself once a revision creates them.
            table = obj if type_ == "table" else getattr(obj, "table", None)
            table_name = getattr(table, "name", "")
            return not (table_name.startswith("meeting") and table_name not in existing)

        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include}
        )
        return list(compare_metadata(context, SQLModel.metadata))


def table_names(engine: Engine) -> set[str]:
    """The tables in the database."""
    return set(inspect(engine).get_table_names())


def snapshot(engine: Engine) -> dict[str, Any]:
    """Columns, keys, indexes and constraints of every application table, as the database says."""
    inspector = inspect(engine)
    tables = sorted(table_names(engine) - {"alembic_version"})

    def by_name(items: list[Any]) -> list[Any]:
        return sorted(items, key=repr)

    return {
        table: (
            [
                (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                for c in inspector.get_columns(table)
            ],
            inspector.get_pk_constraint(table),
            by_name(inspector.get_foreign_keys(table)),
            by_name(inspector.get_indexes(table)),
            by_name(inspector.get_unique_constraints(table)),
        )
        for table in tables
    }


def make_unversioned(engine: Engine, tables: frozenset[str] = BASELINE_TABLES) -> None:
    """A database as create_all made it before migrations: baseline tables, no alembic_version.

    Revision 0001 was checked DDL for DDL against create_all of the models of that time; the
    models have moved on since, so the old database is rebuilt from 0001, not from today's models.
    """
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(schema.alembic_config(connection), schema.BASELINE_REVISION)
        reflected = MetaData()
        reflected.reflect(connection)
        unwanted = [t for name, t in reflected.tables.items() if name not in tables]
        reflected.drop_all(connection, tables=unwanted)


def insert_old_document(engine: Engine) -> None:
    """A document with one passage as the baseline schema stored them (today's models have more
    columns, so not through the ORM)."""
    now = "2026-11-01 08:00:00+00:00"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO document (id, doc_type, number, title, source, file_name, format, "
                "content_hash, text, n_passages, ingested_at, updated_at) VALUES (1, 'Chỉ thị', "
                "'05-CT/TW', 't', '/test/ct05.txt', 'ct05.txt', 'txt', 'h', 'x', 1, :now, :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO passage (id, document_id, ordinal, heading_path, text, folded, "
                "char_start, char_end) VALUES (11, 1, 0, '[]', 'x', 'x', 0, 1)"
            )
        )


def test_migrating_an_empty_database_gives_exactly_the_models_schema(
    new_database: NewDatabase,
) -> None:
    engine = new_database()

    migrate(engine)

    assert current_revision(engine) == head_revision()
    assert table_names(engine) >= BASELINE_TABLES
    assert schema_differences(engine) == []


def test_an_existing_deployment_keeps_its_data(new_database: NewDatabase) -> None:
    engine, fresh = new_database(), new_database()
    make_unversioned(engine)
    with engine.begin() as connection:  # the baseline's own columns, not today's models
        now = {"now": "2026-11-01 08:00:00+00:00"}
        connection.execute(
            text("INSERT INTO cell (id, name, created_at) VALUES (1, 'Chi bộ Xe buýt', :now)"),
            now,
        )
        connection.execute(
            text(
                "INSERT INTO member (id, cell_id, full_name, folded_name, role, party_status, "
                "status, in_roster, created_at, updated_at) VALUES (1, 1, 'Trần Văn Hùng', "
                "'tran van hung', 'member', 'official', 'active', true, :now, :now)"
            ),
            now,
        )
    insert_old_document(engine)

    migrate(engine)

    assert current_revision(engine) == head_revision()
    migrate(fresh)
    assert snapshot(engine) == snapshot(fresh)
    with Session(engine) as session:
        member = session.exec(select(Member)).one()
        assert member.full_name == "Trần Văn Hùng"
        assert session.exec(select(Document.number)).one() == "05-CT/TW"
        assert session.exec(select(func.count()).select_from(Passage)).one() > 0
        # Foreign keys still enforced after migrating: removing the cell removes its members.
        session.delete(session.exec(select(Cell)).one())
        session.commit()
        assert session.exec(select(Member)).first() is None


def test_a_store_with_only_the_knowledge_tables_gets_the_rest(new_database: NewDatabase) -> None:
    engine, fresh = new_database(), new_database()
    make_unversioned(engine, frozenset({"document", "passage", "documentcitation"}))
    insert_old_document(engine)

    migrate(engine)

    assert table_names(engine) >= BASELINE_TABLES
    assert current_revision(engine) == head_revision()
    migrate(fresh)
    assert snapshot(engine) == snapshot(fresh)
    with Session(engine) as session:
        assert session.exec(select(Document.number)).one() == "05-CT/TW"


def test_migrating_twice_changes_nothing_and_the_cli_reports_the_revision(
    new_database: NewDatabase, tmp_path: Path
) -> None:
    engine = new_database()
    config = tmp_path / "config.yaml"
    url = engine.url.render_as_string(hide_password=False)
    config.write_text(f"database:\n  url: {url}\nbot:\n  seed_corpus: null\n", encoding="utf-8")

    def chibo(*args: str) -> Any:
        return CliRunner().invoke(bot_cli.cli, ["--config", str(config), "db", *args])

    before = chibo("current")
    assert before.exit_code == 1, before.output
    assert "chưa có phiên bản" in before.output

    upgraded = chibo("upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    at_head = f"Cơ sở dữ liệu đã ở phiên bản mới nhất ({head_revision()})."
    assert f"Đã đưa cơ sở dữ liệu lên phiên bản mới nhất ({head_revision()})." in upgraded.output
    migrated = snapshot(engine)

    migrate(engine)
    again = chibo("upgrade")

    assert at_head in again.output
    assert snapshot(engine) == migrated
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    assert versions == [(head_revision(),)]
    current = chibo("current")
    assert current.exit_code == 0, current.output
    assert current.output.strip() == at_head


def test_a_later_batch_migration_of_a_parent_table_keeps_the_children(
    new_database: NewDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite alters a table by copying it and dropping the original; with foreign keys on, that
    # DROP would cascade and delete every member of every cell. migrate turns them off meanwhile.
    scripts = Path(shutil.copytree(schema.MIGRATIONS_DIR, tmp_path / "migrations"))
    (scripts / "versions" / "0099_cell_motto.py").write_text(
        "import sqlalchemy as sa\n"
        "from alembic import op\n\n"
        f"revision = '0099'\ndown_revision = {head_revision()!r}\n"
        "branch_labels = None\ndepends_on = None\n\n\n"
        "def upgrade():\n"
        "    recreate = 'always' if op.get_bind().dialect.name == 'sqlite' else 'auto'\n"
        "    with op.batch_alter_table('cell', recreate=recreate) as batch:\n"
        "        batch.add_column(sa.Column('motto', sa.String(), nullable=True))\n",
        encoding="utf-8",
    )
    engine = new_database()
    migrate(engine)
    with Session(engine) as session:
        make_member(session, make_cell(session))
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", scripts)

    migrate(engine)

    assert current_revision(engine) == "0099"
    assert "motto" in {c["name"] for c in inspect(engine).get_columns("cell")}
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Member)).one() == 1


def test_the_schema_module_alone_registers_every_table() -> None:
    # env.py compares revisions with bot.schema's metadata; with a table missing from it,
    # `alembic revision --autogenerate` would write a revision that drops that table.
    script = (
        "from bot.schema import BASELINE_TABLES, target_metadata\n"
        "print(sorted(BASELINE_TABLES - set(target_metadata().tables)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_meetings_revision_goes_down_and_up_again(new_database: NewDatabase) -> None:
    engine = new_database()
    migrate(engine)
    with engine.connect() as connection:
        command.downgrade(alembic_config(connection), "0001")
        connection.commit()
    assert current_revision(engine) == "0001"
    assert not {t for t in table_names(engine) if t.startswith("meeting")}

    migrate(engine)

    assert current_revision(engine) == head_revision()
    assert schema_differences(engine) == []


def test_existing_documents_get_provenance_and_the_scope_of_their_cell(
    new_database: NewDatabase,
) -> None:
    """Revision 0004 on a deployment at 0003: sample files (by their bytes) become samples,
    minutes of a meeting and uploads in a cell's folder become that cell's, the rest shared."""
    from knowledge.provenance import sample_hashes

    engine = new_database()
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0003")
        connection.commit()
    sample = sorted(sample_hashes())[0]
    now = "2026-11-01 08:00:00+00:00"
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO cell (id, name, created_at) VALUES (7, 'Chi bộ Kế toán', :now)"),
            {"now": now},
        )
        for doc_id, source, digest in (
            (1, "/srv/chibo/corpus/sample/chi-thi-05-ct-tw-2016.txt", sample),
            (2, "/srv/chibo/uploads/cell-7/ab12/nghi-quyet-thang-10.docx", "h2"),
            (3, "/srv/chibo/uploads/admin/cd34/ket-luan-21.pdf", "h3"),
            (4, "/srv/chibo/uploads/meeting/bien-ban-thang-11.txt", "h4"),
        ):
            connection.execute(
                text(
                    "INSERT INTO document (id, doc_type, title, source, file_name, format, "
                    "content_hash, text, n_passages, ingested_at, updated_at) VALUES (:id, "
                    "'Nghị quyết', 't', :source, 'f', 'txt', :digest, 'x', 0, :now, :now)"
                ),
                {"id": doc_id, "source": source, "digest": digest, "now": now},
            )
        connection.execute(
            text(
                "INSERT INTO meeting (cell_id, kind, title, starts_at, place, agenda, readings, "
                "state, secret, created_by, created_at, updated_at, minutes_source) VALUES "
                "(7, 'regular', 'Họp', :now, '', '', '[]', 'closed', 's', 1, :now, :now, :src)"
            ),
            {"now": now, "src": "/srv/chibo/uploads/meeting/bien-ban-thang-11.txt"},
        )

    migrate(engine)

    with Session(engine) as session:
        rows = {
            d.id: (d.trust, d.scope, d.scope_id, d.added_by)
            for d in session.exec(select(Document)).all()
        }
    assert rows == {
        1: ("sample", "shared", None, ""),
        2: ("unchecked", "cell", 7, ""),
        3: ("unchecked", "shared", None, ""),
        4: ("unchecked", "cell", 7, ""),
    }
    assert schema_differences(engine) == []
