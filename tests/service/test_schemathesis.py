"""schemathesis against the service's own OpenAPI document, in process (ASGI), as an admin and as a case manager.

Every operation gets generated requests, valid and not; each answer must be no 5xx, a status the operation
declares, the declared content type and headers, and a body that matches the declared schema. Bounded
(a few examples per operation) so it runs in about a minute.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import Failure, FailureGroup

#: Generated cases per operation and mode (valid, then invalid input).
EXAMPLES = 5

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """The app on a new SQLite database holding the example claim (assigned to a case manager, with a
    draft) and a token per role the run uses."""
    pytest.importorskip("noteassist.service.app", reason="the service (noteassist.service.app) is not in this checkout yet")
    from durability.harness import provision

    from noteassist.app import accounts, caseload
    from noteassist.service.app import create_app
    from noteassist.settings import Settings
    from noteassist.storage import make_engine, session_factory

    db = provision(f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'service.db'}")
    engine = make_engine(db.url)
    try:
        with session_factory(engine)() as session, session.begin():
            _, admin_token = accounts.create_token(session, None, "durability-admin", "schemathesis")
            manager = accounts.get_user(session, "durability-cm")
            caseload.create_draft(session, manager, db.claim_id, None, "Spoke with the claimant.", None, None)
    finally:
        engine.dispose()
    app = create_app(Settings(database_url=db.url, request_timeout_seconds=60))
    return app, {"admin": admin_token, "case_manager": db.token}


@pytest.fixture(scope="module")
def api_schema(service):
    app, _ = service
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # Lint and render wait for the model: let it load once, so the cases exercise them rather than the 503.
    assert app.state.runtime.ready.wait(180), "the spaCy model did not load"
    return schema


def describe(failure: BaseException) -> str:
    title = getattr(failure, "title", type(failure).__name__)
    message = " ".join(str(getattr(failure, "message", failure)).split())
    return f"{title}: {message[:300]}"


def failures_of(operation, mode, headers: dict[str, str]) -> list[str]:
    """Run `operation`'s generated cases in `mode`; one line per failing case (its first failure)."""
    failures: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded time; the case is printed anyway
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        try:
            case.call_and_validate(headers=dict(headers), checks=CHECKS)  # it adds its own to the dict
        except (Failure, FailureGroup) as found:
            for failure in getattr(found, "exceptions", [found]):
                failures.append(f"{case.method} {case.path} ({mode.value}): {describe(failure)}")

    try:
        run()
    except Unsatisfiable:
        # Nothing to get wrong: an operation without parameters or body has no invalid input to send.
        if mode is not GenerationMode.NEGATIVE:
            raise
    return failures


@pytest.mark.parametrize("role", ["admin", "case_manager"])
def test_no_5xx_and_every_answer_matches_the_schema(api_schema, service, role):
    headers = {"Authorization": f"Bearer {service[1][role]}"}
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += failures_of(operation, mode, headers)
    assert operations >= 20, f"only {operations} operations in the OpenAPI document"
    assert not failures, f"{len(failures)} failing cases:\n" + "\n".join(sorted(set(failures))[:40])
