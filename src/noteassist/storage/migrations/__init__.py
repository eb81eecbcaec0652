"""Alembic migrations, shipped in the package: `noteassist.storage.migrate` points Alembic here."""
