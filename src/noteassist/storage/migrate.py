"""Alembic from the installed package: `upgrade`, `downgrade`, `ensure_schema`, `current_revision`.

No alembic.ini is read: the Config is built here, `script_location` points at the migrations directory
inside this package (so an installed wheel migrates as the checkout does), and the migrations run on
the caller's engine, with the same SQLite pragmas the service uses.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from ..errors import NoteassistError
from .engine import make_engine

__all__ = ["MIGRATIONS", "current_revision", "downgrade", "ensure_schema", "head_revision", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")
#: PostgreSQL advisory lock key held while migrating (SQLite's BEGIN IMMEDIATE serialises it there).
MIGRATION_LOCK = 0x6E6F7465  # "note"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _engine(url_or_engine: str | Engine) -> tuple[Engine, bool]:
    if isinstance(url_or_engine, Engine):
        return url_or_engine, False
    return make_engine(url_or_engine), True


def _run(url_or_engine: str | Engine, action, revision: str) -> None:
    engine, owned = _engine(url_or_engine)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Two workers starting on a new database: the second waits, then finds it migrated.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            config = _config()
            config.attributes["connection"] = connection
            action(config, revision)
    finally:
        if owned:
            engine.dispose()


def upgrade(url_or_engine: str | Engine, revision: str = "head") -> None:
    """Migrate the database up to `revision` (default: the newest)."""
    _run(url_or_engine, command.upgrade, revision)


def downgrade(url_or_engine: str | Engine, revision: str) -> None:
    """Migrate the database down to `revision` ("base": no tables at all)."""
    _run(url_or_engine, command.downgrade, revision)


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(url_or_engine: str | Engine) -> str | None:
    """The revision the database is at; None for a new, empty database."""
    engine, owned = _engine(url_or_engine)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        if owned:
            engine.dispose()


def ensure_schema(engine: Engine) -> bool:
    """Upgrade the database when it is new or behind; True when a migration ran.

    A database migrated by a newer noteassist (a revision this one does not know) is refused in one line
    rather than touched."""
    current = current_revision(engine)
    if current == head_revision():
        return False
    if current is not None and current not in known_revisions():
        raise NoteassistError(f"--db: the database is at schema revision {current}, newer than this noteassist "
                              f"knows ({head_revision()}); upgrade noteassist")
    upgrade(engine)
    return True


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}
