"""Work past the request's time limit stops: after the 504 the lint or render its worker thread was left
doing ends at its next deadline check (noteassist/deadline.py) instead of running to its end."""

from __future__ import annotations

import threading
import time

import pytest

from noteassist.deadline import DeadlineExceeded

from .service_api import CLAIM, EXAMPLES, ROOT, error_code, facts_json, start_api

LIMIT = 0.5


@pytest.fixture(scope="module")
def hasty_api(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hasty")
    templates = folder / "templates"
    templates.mkdir()
    # Under every count limit (90,000 iterations, a list of 99,000), ~0.5 ms of membership test per
    # iteration: only a clock stops it (the CPU limit at 1 s of the thread's time; the request's first).
    (templates / "slow.md.j2").write_text(
        "{#---\nnote_type: telephonic\ndescription: a slow loop\n---#}\n"
        "{% set big = range(99000) | list %}{% for i in range(90000) %}{% if -1 in big %}x{% endif %}{% endfor %}"
        "Done.\n", encoding="utf-8")
    yield from start_api(folder, request_timeout_seconds=LIMIT, template_dirs=(templates,))


class Outcome:
    """How a wrapped call ended, and when: the thread's last word after the request was answered."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.ended = threading.Event()
        self.error: type[BaseException] | None = None
        self.at = 0.0

    def wrap(self, func):
        def watched(*args, **kwargs):
            self.started.set()
            try:
                return func(*args, **kwargs)
            except BaseException as exc:
                self.error = type(exc)
                raise
            finally:
                self.at = time.monotonic()
                self.ended.set()

        return watched


def _long_note() -> str:
    """~150 KB of real notes (under the 200,000-character limit): seconds of parsing and rules."""
    notes = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "corpus").glob("*.md"))]
    text = ""
    while len(text) < 150_000:
        text += notes[len(text) % len(notes)] + "\n\n"
    return text[:150_000]


def test_a_lint_past_the_limit_stops_at_the_deadline_not_at_its_end(hasty_api, monkeypatch):
    import noteassist.app.lint as app_lint

    outcome = Outcome()
    monkeypatch.setattr(app_lint, "lint_text", outcome.wrap(app_lint.lint_text))
    response = hasty_api.post("alice", "/v1/lint", json={"text": _long_note()})
    answered = time.monotonic()
    assert response.status_code == 504 and error_code(response) == "timeout"
    assert outcome.ended.wait(30), "the lint thread was still running 30 s after the 504"
    # Stopped by the deadline, within a step of it, rather than finishing its seconds of work.
    assert outcome.error is DeadlineExceeded
    assert outcome.at - answered < 5


def test_a_render_past_the_limit_stops_at_the_deadline_before_its_cpu_limit(hasty_api, monkeypatch):
    from noteassist.render.environment import LimitedTemplate

    outcome = Outcome()
    monkeypatch.setattr(LimitedTemplate, "render", outcome.wrap(LimitedTemplate.render))
    facts = facts_json(EXAMPLES / "telephonic-pharmacy-rejected-rx.yaml")
    response = hasty_api.post("alice", "/v1/render", json={"facts": facts, "template": "slow"})
    answered = time.monotonic()
    assert response.status_code == 504 and error_code(response) == "timeout"
    assert outcome.ended.wait(30)
    assert outcome.error is DeadlineExceeded  # not the render's own CPU limit, which comes later
    assert outcome.at - answered < 2


def _claim_with_a_contact(url: str) -> tuple[int, int]:
    """The example claim on alice's caseload with one contact, stored directly (a request setting them up
    could itself run past a limit this short on a busy machine)."""
    import yaml

    from noteassist.app import caseload
    from noteassist.facts import load_facts
    from noteassist.storage import User, make_engine, session_factory

    engine = make_engine(url)
    try:
        with session_factory(engine)() as s, s.begin():
            alice = s.query(User).filter_by(username="alice").one()
            claim = caseload.create_claim(s, alice, "WC-2231-0457", "Maria Diaz",
                                          yaml.safe_load((CLAIM / "claim.yaml").read_text()))
            contact = caseload.add_contact(s, alice, claim.id, load_facts(CLAIM / "2026-10-16-physician-visit.yaml"))
            return claim.id, contact.id
    finally:
        engine.dispose()


def test_a_draft_from_a_contact_past_the_limit_saves_nothing(hasty_api):
    """The render inside the transaction stops, and the transaction with it: no half-made draft."""
    from noteassist.render.environment import LimitedTemplate

    claim_id, contact_id = _claim_with_a_contact(hasty_api.url)
    outcome = Outcome()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LimitedTemplate, "render", outcome.wrap(LimitedTemplate.render))
        # On a loaded machine the 0.5 s can pass before the render begins (then nothing is rendered or saved
        # either); ask again until the render itself is what the deadline stops.
        for _ in range(5):
            response = hasty_api.post("alice", f"/v1/claims/{claim_id}/drafts",
                                      json={"contact_id": contact_id, "template": "slow"})
            assert response.status_code == 504
            if outcome.started.wait(5):
                break
        assert outcome.started.is_set(), "the render never started within the request's limit"
        assert outcome.ended.wait(30) and outcome.error is DeadlineExceeded
    from noteassist.storage import Draft, make_engine, session_factory

    engine = make_engine(hasty_api.url)
    try:
        time.sleep(0.5)  # the thread's rollback follows the render's end
        with session_factory(engine)() as s:
            assert s.query(Draft).filter_by(claim_id=claim_id).count() == 0
    finally:
        engine.dispose()


def test_work_within_its_deadline_is_untouched_and_an_earlier_deadline_stays_in_force(linter):
    from noteassist import deadline

    note = "It was noted that the worker is better. Spoke with the adjuster.\n"
    with deadline.until(time.monotonic() + 600):
        within = linter.lint_text(note)
    assert within.findings and [f.rule for f in within.findings] == [f.rule for f in linter.lint_text(note).findings]
    # A later deadline inside does not lift an earlier one.
    with deadline.until(time.monotonic() - 1), deadline.until(time.monotonic() + 600), \
            pytest.raises(DeadlineExceeded):
        linter.lint_text(note)
    assert deadline.current() is None
