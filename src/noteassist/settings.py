"""noteassist's settings: one validated model, from the environment, the config file and the flags.

Precedence, lowest first: defaults, environment variables (`NOTEASSIST_MODEL`, `NOTEASSIST_CONFIG`,
`NOTEASSIST_BATCH_SIZE`, `NOTEASSIST_DAY_FIRST`, `NOTEASSIST_TIME_FORMAT`), the config file (`--config`, else `NOTEASSIST_CONFIG`, else
the nearest noteassist.toml or pyproject.toml [tool.noteassist] above the input), then command-line flags.
The result is frozen: the CLI, the service and batch workers build engines from it and never change it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import NoteassistError
from .lint.config import LintConfig, find_config, load_config, validate_selectors


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOTEASSIST_", frozen=True, extra="ignore")

    #: spaCy model package or path; None: an installed en_core_web_sm, else the pinned default.
    model: str | None = None
    #: Config file to use instead of searching for one.
    config: Path | None = None
    #: Notes parsed together; bounds the memory a stream of notes needs.
    batch_size: int = Field(32, ge=1, le=4096)
    #: Read 03/04/2026 as 3 April; overrides the config file's `day_first` when set.
    day_first: bool | None = None
    #: The one style a drafted note writes times in: "12h" (9:30 AM) or "24h" (09:30); overrides the config
    #: file's `time_format` when set. The value in force is `lint.time_format`.
    time_format: Literal["12h", "24h"] | None = None
    #: Rules, severities, options, export columns, required elements: the config file and the flags.
    lint: LintConfig = LintConfig()
    #: The service's database (`sqlite:///PATH`, `postgresql+psycopg://...`); None: a SQLite file under
    #: the user's data directory (`noteassist.storage.default_database_url()`).
    database_url: str | None = None
    # -- the HTTP service (`noteassist serve`) ------------------------------------------------------------------
    #: Address and port the service listens on; loopback unless told otherwise (the notes are PHI).
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    #: Worker processes; each loads the spaCy model once and keeps no other state.
    workers: int = Field(1, ge=1, le=64)
    #: Largest request body accepted; a larger one gets 413 before it is read whole.
    max_body_bytes: int = Field(1_000_000, ge=1024)
    #: Longest a request may take; lint, render and documents past it get 504 and free the connection.
    request_timeout_seconds: float = Field(30.0, gt=0, le=3600)
    #: The agency's own note templates, searched before the built-in ones (as `draft --templates DIR`): the
    #: service lists, renders and exports with them. Env: NOTEASSIST_TEMPLATE_DIRS='["/srv/templates"]'.
    template_dirs: tuple[Path, ...] = ()
    #: Lint, render and document jobs that may wait for a free core per worker process; one more is refused
    #: at once with 503 `overloaded` and Retry-After (LanguageTool's work-queue size). 0: every job waits its
    #: turn, however long the queue.
    max_queued_work: int = Field(0, ge=0, le=100_000)
    #: A note signed more than this many hours after its contact is a late entry; None: the late-entry lint
    #: rule's `warn_hours` (24 unless the config file changes it), so a signed note and a lint agree.
    late_entry_hours: float | None = Field(None, gt=0)
    #: Browser origins allowed to call the service (CORS): a web page, a LanguageTool browser client. Any by
    #: default: CORS never allows credentials and the web page's cookie is SameSite=Strict, so another origin's
    #: page can only send a token its user gave it; () turns CORS off.
    allowed_origins: tuple[str, ...] = ("*",)
    #: The LanguageTool-compatible /v2/check answers only a request whose `apiKey` is a noteassist API token.
    #: Off by default, for an editor talking to the service on its own machine's loopback address; a key
    #: that is given is checked either way.
    languagetool_requires_token: bool = False
    # -- the web page ---------------------------------------------------------------------------------------------
    #: A browser session unused this long is signed out (the page warns a minute before).
    idle_minutes: float = Field(15.0, gt=0, le=24 * 60)
    #: The day view flags a contact still without a signed note after this many hours (warning), and after
    #: `unsigned_error_hours` as an error.
    unsigned_warn_hours: float = Field(24.0, gt=0)
    unsigned_error_hours: float = Field(72.0, gt=0)
    #: Send the session cookie with Secure; None: when the request came over HTTPS.
    secure_cookies: bool | None = None
    #: Wrong passwords for one account within `signin_window_minutes` (since its last sign-in) before it is
    #: refused until the window has passed; 0: no account limit. Failures are audited.
    signin_max_failures: int = Field(10, ge=0, le=10_000)
    #: Failed sign-ins (any username, API tokens too) from one client address in the window, per worker.
    signin_address_failures: int = Field(30, ge=0, le=100_000)
    signin_window_minutes: float = Field(15.0, gt=0, le=24 * 60)
    # -- QA jobs (POST /v1/qa-jobs) -------------------------------------------------------------------------------
    #: Where each job's uploaded notes, outputs and status are kept; None: beside the default database
    #: ($XDG_DATA_HOME/noteassist/qa-jobs). Give every worker process the same folder.
    qa_jobs_dir: Path | None = None
    #: Folders an admin may name as a job's server-side input; () (the default): server-side paths are off.
    qa_input_roots: tuple[Path, ...] = ()
    #: The largest upload of notes one job takes (the rest of the API keeps `max_body_bytes`).
    qa_upload_max_bytes: int = Field(500_000_000, ge=1024)
    #: Worker processes of one job (`noteassist qa --jobs`), and the jobs that may run at once (then 429).
    qa_job_processes: int = Field(1, ge=1, le=64)
    qa_max_running_jobs: int = Field(2, ge=1, le=64)


def load_settings(config_path: str | Path | None = None, near: str | Path = ".", *,
                  select: list[str] | None = None, ignore: list[str] | None = None,
                  columns: dict[str, str] | None = None, time_format: str | None = None,
                  **environment: Any) -> Settings:
    """Settings for a run over inputs near `near`: environment, then config file, then these flags.

    `select` replaces the configured selection; `ignore` and `columns` add to it. Every selector must
    match a rule, wherever it comes from. Problems are NoteassistErrors naming the variable, key or flag.
    """
    try:
        base = Settings(**environment)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise NoteassistError(f"NOTEASSIST_{'_'.join(map(str, error['loc'])).upper()}: {error['msg']}") from None
    path = Path(config_path) if config_path else base.config
    if path is None:
        path = find_config(Path.cwd() if str(near) == "-" else Path(near))
    elif not path.is_file():
        raise NoteassistError(f"{path}: no such config file")
    lint = load_config(path) if path else LintConfig()
    changes: dict[str, Any] = {}
    if select:
        validate_selectors(select, "--select")
        changes["select"] = tuple(select)
    if ignore:
        validate_selectors(ignore, "--ignore")
        changes["ignore"] = (*lint.ignore, *ignore)
    if columns:
        changes["columns"] = {**lint.columns, **columns}
    if base.day_first is not None:
        changes["day_first"] = base.day_first
    if time_format or base.time_format:
        changes["time_format"] = time_format or base.time_format
    if changes:
        lint = lint.with_changes(**changes)
    return base.model_copy(update={"lint": lint, "config": path})
