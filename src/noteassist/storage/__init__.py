"""The service's storage: typed SQLAlchemy models, engines tuned per backend, Alembic migrations shipped here.

    engine = make_engine("sqlite:///notes.db")     # or postgresql+psycopg://user@host/db
    ensure_schema(engine)                           # upgrade() when the database is new or behind
    Session = session_factory(engine)
    with Session() as session, session.begin():
        ...                                         # app.caseload / app.accounts use cases

No web framework is imported here; the use cases in noteassist.app take the Session.
"""

from __future__ import annotations

from .engine import BUSY_TIMEOUT_MS, default_database_url, make_engine, session_factory
from .migrate import current_revision, downgrade, ensure_schema, head_revision, upgrade
from .models import (
    ROLES,
    Addendum,
    ApiToken,
    AuditEvent,
    Base,
    CaseloadAssignment,
    Claim,
    Contact,
    DismissalWithdrawal,
    Draft,
    DraftVersion,
    FindingDismissal,
    Note,
    User,
    WebSession,
)

__all__ = [
    "BUSY_TIMEOUT_MS",
    "ROLES",
    "Addendum",
    "ApiToken",
    "AuditEvent",
    "Base",
    "CaseloadAssignment",
    "Claim",
    "Contact",
    "DismissalWithdrawal",
    "Draft",
    "DraftVersion",
    "FindingDismissal",
    "Note",
    "User",
    "WebSession",
    "current_revision",
    "default_database_url",
    "downgrade",
    "ensure_schema",
    "head_revision",
    "make_engine",
    "session_factory",
    "upgrade",
]
