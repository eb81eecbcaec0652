"""Database fixtures (tests/storage/fixtures.py): db_url on SQLite and PostgreSQL, engine, Session, people."""

from storage.fixtures import Session, db_url, engine, people  # noqa: F401
