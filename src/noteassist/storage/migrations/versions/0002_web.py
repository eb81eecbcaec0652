"""The web page's schema: browser sessions, dismissed findings, quick-capture drafts, sign-time findings.

- web_sessions: one row per signed-in browser; only the SHA-256 of the cookie's token is stored.
- finding_dismissals: a finding a user dismissed with a reason; written once (insert-only, like addenda).
- drafts.contact_at / drafts.capture: a quick capture's real contact time and its three fields.
- notes.sign_override_reason / notes.sign_findings: why a note was signed with error findings open, and which.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: Written once, never changed (0001 guards notes, addenda and audit_events the same way).
IMMUTABLE = ("finding_dismissals",)


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_web_sessions_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_web_sessions_token_hash"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "finding_dismissals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name="fk_finding_dismissals_draft_id_drafts"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_finding_dismissals_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_finding_dismissals"),
    )
    op.create_index("ix_finding_dismissals_draft_id", "finding_dismissals", ["draft_id"])
    op.add_column("drafts", sa.Column("contact_at", sa.DateTime(), nullable=True))
    op.add_column("drafts", sa.Column("capture", sa.JSON(), nullable=True))
    # ADD COLUMN is DDL: the notes triggers (refusing UPDATE/DELETE of rows) do not stand in its way.
    op.add_column("notes", sa.Column("sign_override_reason", sa.Text(), nullable=True))
    op.add_column("notes", sa.Column("sign_findings", sa.JSON(), nullable=True))
    _create_guards()


def downgrade() -> None:
    _drop_guards()
    # Plain DROP COLUMN (SQLite 3.35+), never a batch copy of the table: a copy would lose the notes triggers.
    for table, column in (("notes", "sign_findings"), ("notes", "sign_override_reason"),
                          ("drafts", "capture"), ("drafts", "contact_at")):
        op.drop_column(table, column)
    op.drop_index("ix_finding_dismissals_draft_id", table_name="finding_dismissals")
    op.drop_table("finding_dismissals")
    op.drop_index("ix_web_sessions_user_id", table_name="web_sessions")
    op.drop_table("web_sessions")


def _create_guards() -> None:
    """The same triggers as 0001's; on PostgreSQL they call 0001's noteassist_refuse_change()."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in IMMUTABLE:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} rows are immutable'); END")
    elif dialect == "postgresql":
        for table in IMMUTABLE:
            op.execute(f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION noteassist_refuse_change()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION noteassist_refuse_change()")


def _drop_guards() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in IMMUTABLE:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    elif dialect == "postgresql":
        for table in IMMUTABLE:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
