"""Alembic's environment for noteassist: runs on the connection `noteassist.storage.migrate` hands over.

There is no alembic.ini: the Config is built in code with `script_location` pointing into the installed
package, and the caller's engine (with its SQLite pragmas) is passed in `config.attributes["connection"]`.
"""

from __future__ import annotations

from alembic import context

from noteassist.storage.models import Base

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("noteassist runs migrations online only: noteassist db upgrade --db URL")
run_migrations_online()
