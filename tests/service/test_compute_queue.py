"""CPU work queues fairly, COMPUTE_THREADS at a time, and past `max_queued_work` waiting jobs a request is
refused at once (503 `overloaded`) instead of waiting behind them."""

from __future__ import annotations

import threading

import anyio
import pytest

from noteassist.service.runtime import COMPUTE_THREADS, Overloaded, Runtime
from noteassist.settings import Settings


def _run_jobs(runtime: Runtime, jobs: int) -> tuple[list[int], int]:
    """Start `jobs` jobs in order, then finish the running ones one at a time: `started` is the order in
    which jobs got a thread (each freed slot goes to exactly one waiting job)."""
    done = [threading.Event() for _ in range(jobs)]
    started: list[int] = []
    refused = 0

    def work(i: int) -> int:
        running = sum(1 for j in started if not done[j].is_set())
        assert running < COMPUTE_THREADS, f"job {i} started while {running} others ran"
        started.append(i)
        done[i].wait(10)
        return i

    async def main() -> None:
        async def one(i: int) -> None:
            nonlocal refused
            try:
                await runtime.compute(work, i)
            except Overloaded:
                refused += 1
                done[i].set()

        async with anyio.create_task_group() as group:
            for i in range(jobs):
                group.start_soon(one, i)
                await anyio.sleep(0.02)  # arrive in order
            for _ in range(jobs):
                await anyio.sleep(0.05)
                running = [i for i in started if not done[i].is_set()]
                if running:
                    done[running[0]].set()

    _run_event_loop(main)
    return started, refused


def _run_event_loop(main) -> None:
    """`anyio.run(main)` in a thread of its own: another test's library (Playwright's sync API) may leave an
    event loop running in this one."""
    failures: list[BaseException] = []

    def target() -> None:
        try:
            anyio.run(main)
        except BaseException as exc:  # noqa: BLE001 -- re-raised in the test's thread
            failures.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if failures:
        raise failures[0]


def test_jobs_run_in_arrival_order_a_few_at_a_time():
    started, refused = _run_jobs(Runtime(Settings()), COMPUTE_THREADS + 4)
    assert refused == 0
    assert started == list(range(COMPUTE_THREADS + 4))  # first come, first served


@pytest.mark.parametrize("limit", [1, 3])
def test_a_job_past_the_queue_limit_is_refused(limit):
    started, refused = _run_jobs(Runtime(Settings(max_queued_work=limit)), COMPUTE_THREADS + limit + 2)
    assert refused == 2
    assert len(started) == COMPUTE_THREADS + limit


def test_refusals_are_answered_in_each_api_s_own_error_shape(api, monkeypatch):
    runtime = api.client.app.state.runtime

    async def busy(func, *args):
        raise Overloaded

    monkeypatch.setattr(runtime, "compute", busy)
    response = api.post("alice", "/v1/lint", json={"text": "Called the adjuster."})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["error"]["code"] == "overloaded"
    checked = api.client.post("/v2/check", data={"text": "Called the adjuster.", "language": "en-US"})
    assert checked.status_code == 503
    assert checked.text.startswith("Error: ") and "overloaded" in checked.text
