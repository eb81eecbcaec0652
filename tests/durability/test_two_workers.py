"""Two worker processes, two clients, one draft: each conflict answers exactly one of them 409, nothing is lost.

The clients' connections are pinned to different worker processes (found through /proc: the process
holding the server end of each TCP connection), so every round is decided across processes through the
shared database alone: the proof on one host that workers keep no state of their own and that N of them
behind a load balancer, on any number of hosts, share one database safely.
"""

from __future__ import annotations

import threading

import pytest

from .harness import (
    DraftApi,
    SaveConflict,
    ServerProcess,
    connections_to_workers,
    worker_of,
)

pytestmark = [pytest.mark.durability, pytest.mark.usefixtures("serve_available", "loopback_network")]

ROUNDS = 30


def race(api: DraftApi, draft_id: int, base: int, texts: list[str], connections) -> list[object]:
    """Both clients save on top of `base` at the same moment; each gets its new version or a SaveConflict."""
    outcomes: list[object] = [None, None]
    start = threading.Barrier(2)

    def save(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = api.save(draft_id, base, texts[i], connection=connections[i])
        except Exception as error:  # noqa: BLE001 - a SaveConflict, or whatever else failed, for the assertion to show
            outcomes[i] = error

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_two_clients_on_two_workers_get_one_409_per_conflict(backend):
    with ServerProcess(backend.url, workers=2) as server:
        api = DraftApi(server.port, backend.token)
        draft_id, version = api.create_draft(backend.claim_id, "Draft opened.")
        acknowledged = {version: "Draft opened."}
        connections = connections_to_workers(server, 2)
        workers = [worker_of(conn, server) for conn in connections]
        wins = [0, 0]

        for round_ in range(ROUNDS):
            base = version
            texts = [f"round {round_}: client {i} \u2014 caf\u00e9\r\n" for i in range(2)]
            outcomes = race(api, draft_id, base, texts, connections)

            won = [i for i in range(2) if isinstance(outcomes[i], int)]
            lost = [i for i in range(2) if isinstance(outcomes[i], SaveConflict)]
            assert len(won) == 1 and len(lost) == 1, f"round {round_}: {outcomes} (want one save and one 409)"
            winner, loser = won[0], lost[0]
            assert outcomes[winner] == base + 1
            assert outcomes[loser].current_version == base + 1, "the 409 names the version that won"
            acknowledged[base + 1] = texts[winner]
            wins[winner] += 1
            # The loser does what an editor does with a 409: saves again on top of the current version.
            version = api.save(draft_id, base + 1, texts[loser] + "(rebased)", connection=connections[loser])
            assert version == base + 2
            acknowledged[version] = texts[loser] + "(rebased)"

        # Still the same two worker processes at the end (keep-alive held): the rounds really crossed them.
        assert [worker_of(conn, server) for conn in connections] == workers
        stored = api.versions(draft_id)
        for conn in connections:
            conn.close()

    assert stored == acknowledged, "a version acknowledged by one worker is missing or changed"
    assert sorted(stored) == list(range(1, 2 * ROUNDS + 2))
    assert sum(wins) == ROUNDS
