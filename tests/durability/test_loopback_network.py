"""The `loopback_network` fixture opens 127.0.0.1 to a test that starts its own server, and nothing else."""

from __future__ import annotations

import socket

import pytest
from conftest import NetworkBlocked


def test_loopback_is_reachable_and_the_rest_stays_blocked(loopback_network):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        with socket.create_connection(listener.getsockname(), timeout=2):
            pass
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("198.51.100.7", 443), timeout=1)
