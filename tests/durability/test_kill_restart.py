"""Every acknowledged autosave survives SIGKILL of the server, byte for byte, on SQLite and PostgreSQL.

A client streams autosaves of one draft as fast as the server answers them, each naming the version it
edits; a timer SIGKILLs the server (its whole process group) at a random moment of the stream; the server
is started again on the same database. A save whose answer arrived is acknowledged and must be there,
unchanged, after every restart; the one in flight at the kill may or may not have been committed, but if it
was, it holds exactly the text that was sent.
"""

from __future__ import annotations

import http.client
import os
import random
import threading
import time

import pytest

from .harness import DraftApi, SaveConflict, ServerProcess

pytestmark = [pytest.mark.durability, pytest.mark.usefixtures("serve_available", "loopback_network")]

KILLS = int(os.environ.get("NOTEASSIST_DURABILITY_KILLS", "20"))
#: The kill lands this many seconds after a cycle's first acknowledged save (uniformly at random), while the
#: client keeps saving.
KILL_WINDOW = (0.02, 0.6)
#: On PostgreSQL, every this many kills the database server is crashed as well (pg_ctl stop -m immediate).
DATABASE_CRASH_EVERY = 5

#: Text that a careless store would change: CRLF, trailing blanks, tabs, NFC vs NFD, astral emoji,
#: U+2028, a lone combining mark, quotes and backslashes.
SAMPLES = [
    "Spoke with the claimant.\r\nShe reports pain 4/10.  \r\n",
    "Caf\u00e9 vs Cafe\u0301 \u2014 \u201cquoted\u201d \\ back\\slash\ttab",
    "\U0001f9d1\u200d\u2695\ufe0f nurse case manager \u2028 line separator",
    "  leading blanks and a trailing newline\n\n",
    "\u0301 combining mark first; <b>not html</b> & 100% \"ok\"",
]


def note_text(rng: random.Random, cycle: int, n: int) -> str:
    body = " ".join(rng.choice(SAMPLES) for _ in range(rng.randint(1, 6)))
    return f"cycle {cycle} save {n}: {body}"


def test_every_acknowledged_save_survives_sigkill(backend):
    seed = int(os.environ.get("NOTEASSIST_DURABILITY_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    acknowledged: dict[int, str] = {}
    in_flight_at_kill: list[str] = []
    saves_per_cycle: list[int] = []
    database_crashes = 0

    with ServerProcess(backend.url) as server:
        api = DraftApi(server.port, backend.token)
        first = "Draft opened."
        draft_id, version = api.create_draft(backend.claim_id, first)
        acknowledged[version] = first

        for cycle in range(KILLS):
            killer = None
            saved = 0
            while True:
                text = note_text(rng, cycle, saved)
                try:
                    version = api.save(draft_id, version, text)
                except (OSError, http.client.HTTPException):
                    in_flight_at_kill.append(text)  # no answer: not acknowledged
                    break
                acknowledged[version] = text
                saved += 1
                if killer is None:
                    # The clock starts at the cycle's first acknowledged save, however slow the machine.
                    killer = threading.Timer(rng.uniform(*KILL_WINDOW), server.signal_kill)
                    killer.start()
            assert killer is not None, f"cycle {cycle}: no answer before the kill:\n{server.log_tail()}"
            killer.join()
            saves_per_cycle.append(saved)
            server.reap()
            if backend.cluster is not None and cycle % DATABASE_CRASH_EVERY == DATABASE_CRASH_EVERY - 1:
                # Now and then the database server crashes too, with the app: what was committed comes back
                # through PostgreSQL's WAL recovery.
                backend.cluster.crash()
                backend.cluster.restart()
                database_crashes += 1
            # Saves need the database, not the model: stream again as soon as the app has opened it, so
            # the next kill may also land while the model is still loading.
            server.start(ready_path="/healthz")

            current = api.current_version(draft_id)
            assert current >= max(acknowledged), f"seed {seed}: acknowledged versions beyond {current} lost"
            # After each restart: every acknowledged number listed, the newest one's text intact (all texts
            # are compared at the end; a stored version never changes, so a loss would still show there).
            assert set(acknowledged) <= set(api.version_numbers(draft_id)), f"seed {seed}, cycle {cycle}"
            newest = max(acknowledged)
            assert api.version_text(draft_id, newest) == acknowledged[newest], f"seed {seed}, cycle {cycle}"
            version = current
            # A save against the version it read before the kill is stale now if the in-flight one landed.
            if current > max(acknowledged):
                with pytest.raises(SaveConflict) as stale:
                    api.save(draft_id, max(acknowledged), "stale")
                assert stale.value.current_version == current

        stored = api.versions(draft_id)

    context = f"seed {seed}, {server.starts} starts, {database_crashes} database crashes, saves {saves_per_cycle}"
    assert server.starts == KILLS + 1
    if backend.cluster is not None:
        assert database_crashes == KILLS // DATABASE_CRASH_EVERY
    missing = sorted(set(acknowledged) - set(stored))
    assert not missing, f"acknowledged versions lost: {missing[:20]} ({context})"
    changed = [v for v, text in acknowledged.items() if stored[v] != text]
    assert not changed, f"acknowledged versions changed: {changed[:20]} ({context})"
    # Versions are 1..N with no gap; the extra ones are saves committed but cut off by a kill, as sent.
    assert sorted(stored) == list(range(1, len(stored) + 1)), context
    unacknowledged = [stored[v] for v in stored if v not in acknowledged]
    assert all(text in in_flight_at_kill for text in unacknowledged), context
    assert len(unacknowledged) <= len(in_flight_at_kill)
