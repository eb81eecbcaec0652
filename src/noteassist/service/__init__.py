"""The HTTP service: `noteassist serve` runs it on uvicorn.

    from noteassist.service import create_app
    app = create_app(settings)          # a FastAPI app; state: its settings, a DB engine, the model

app.py (the factory and its lifespan), deps.py (Annotated dependencies: CurrentUser, Database, ...),
routes/ (thin routes over noteassist.app), schemas.py (request and response bodies), errors.py (one JSON
error shape with stable codes), middleware.py (time limit, access log, body limit), server.py (uvicorn).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["create_app"]

if TYPE_CHECKING:
    from .app import create_app


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module 'noteassist.service' has no attribute {name!r}")
