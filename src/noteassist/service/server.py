"""Run the service on uvicorn: `noteassist serve` calls `serve(settings)`.

Worker processes import `app_from_environment`, which builds the app from NOTEASSIST_* variables (the
command line puts its flags there first), so every worker of a `--workers N` server has the same settings
and each loads the model once. uvicorn's own access log is off: it writes the full path with its query;
the service's (middleware.RequestGuard) writes method, route template, status and time only.
"""

from __future__ import annotations

import json
import os
from typing import Any

from ..settings import Settings, load_settings

#: Logging for the server: one line per event on stderr; the service's loggers beside uvicorn's.
LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        "noteassist": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


def app_from_environment():
    """The app of one worker process, from the environment (and the config file it names)."""
    from .app import create_app

    return create_app(load_settings(os.environ.get("NOTEASSIST_CONFIG")))


def serve(settings: Settings) -> None:
    """Listen on settings.host:port with settings.workers processes until stopped (Ctrl-C, SIGTERM)."""
    import uvicorn

    from ..storage import default_database_url, ensure_schema, make_engine

    # Upgrade once, here, before the workers start: N workers upgrading one new database would race.
    url = settings.database_url or default_database_url()
    engine = make_engine(url)
    try:
        ensure_schema(engine)
    finally:
        engine.dispose()
    environment = {"NOTEASSIST_DATABASE_URL": url,
                   "NOTEASSIST_CONFIG": str(settings.config) if settings.config else None,
                   "NOTEASSIST_MODEL": settings.model,
                   "NOTEASSIST_TEMPLATE_DIRS": (json.dumps([str(d) for d in settings.template_dirs])
                                                if settings.template_dirs else None)}
    for name, value in environment.items():
        if value is not None:
            os.environ[name] = value
    uvicorn.run("noteassist.service.server:app_from_environment", factory=True, host=settings.host,
                port=settings.port, workers=settings.workers, access_log=False, log_config=LOG_CONFIG,
                server_header=False, timeout_graceful_shutdown=10)
