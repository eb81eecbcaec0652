"""Undoing a dismissal: dismissal_withdrawals, one row per dismissal taken back, by whom and when.

A dismissal stays as it was written (insert-only); its withdrawal is a row of its own, insert-only too, so the
record keeps both: that the finding was dismissed, for what reason, and that the dismissal was taken back.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLE = "dismissal_withdrawals"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dismissal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["dismissal_id"], ["finding_dismissals.id"],
                                name="fk_dismissal_withdrawals_dismissal_id_finding_dismissals"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_dismissal_withdrawals_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_dismissal_withdrawals"),
        sa.UniqueConstraint("dismissal_id", name="uq_dismissal_withdrawals_dismissal_id"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
                       f"BEGIN SELECT RAISE(ABORT, '{TABLE} rows are immutable'); END")
    elif dialect == "postgresql":
        op.execute(f"CREATE TRIGGER {TABLE}_immutable BEFORE UPDATE OR DELETE ON {TABLE} "
                   "FOR EACH ROW EXECUTE FUNCTION noteassist_refuse_change()")
        op.execute(f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION noteassist_refuse_change()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{verb}")
    elif dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_immutable ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
    op.drop_table(TABLE)
