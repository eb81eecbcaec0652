"""The use cases' errors. A service maps each to one HTTP status and a stable code; a CLI prints one line.

All are NoteassistErrors, so a caller that only knows "bad input" still reports them in one line.
"""

from __future__ import annotations

from ..errors import NoteassistError

__all__ = ["Conflict", "DomainError", "Forbidden", "Invalid", "NotFound", "Unauthorized"]


class DomainError(NoteassistError):
    """A use case refused a request: the entity is missing, out of the actor's role, stale or invalid."""

    code = "error"


class NotFound(DomainError):
    """No such entity, or one the actor may not know exists (another case manager's claim)."""

    code = "not_found"

    def __init__(self, entity: str, id: object):
        super().__init__(f"{entity} {id} not found")
        self.entity = entity
        self.id = id


class Forbidden(DomainError):
    """The actor's role does not allow this."""

    code = "forbidden"


class Unauthorized(DomainError):
    """No valid credentials: a missing, unknown or revoked token, or a wrong password."""

    code = "unauthorized"


class Conflict(DomainError):
    """The request was made against a state that has moved on: a stale draft version, a signed draft."""

    code = "conflict"

    def __init__(self, message: str, current_version: int | None = None):
        super().__init__(message)
        self.current_version = current_version


class Invalid(DomainError):
    """A value the use case cannot take; `field` is its dotted path in the request."""

    code = "invalid"

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.detail = message
