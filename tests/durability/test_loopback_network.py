"""The `loopback_network` fixture opens 127.0.0.1 to a test that starts its own server, and nothing else."""

from __future__ import annotations

import socket

import pytest


def test_loopback_is_reachable_and_the_rest_stays_blocked(loopback_network):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        with socket.create_connection(listener.getsockname(), timeout=2):
            pass
    # The session guard's NetworkBlocked (a RuntimeError), matched by its message: importing it from
    # `conftest` would depend on which conftest module pytest registered under that name last.
    with pytest.raises(RuntimeError, match="tried to reach the network"):
        socket.create_connection(("198.51.100.7", 443), timeout=1)
