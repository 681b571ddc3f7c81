"""The throwaway PostgreSQL server of `make test-warehouses` leaves nothing behind outside the checkout.

Runs a real server (Debian's PostgreSQL, which `make test-warehouses` installs before pytest runs).
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from lead_scoring import postgres


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def installed():
    if postgres.find_bin_dir() is None:
        pytest.skip("PostgreSQL is not installed here (make test-warehouses installs it)")


def test_a_cluster_outside_the_checkout_is_removed_when_the_server_stops(installed, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("the temporary-directory fallback is for root, where the server runs as `postgres`")
    # A private directory (mode 700, like `mktemp -d`): the postgres user cannot reach inside it.
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    requested = private / "postgres"
    with postgres.running(requested, _free_port()) as server:
        assert server.outside_dir is not None
        assert not server.data_dir.is_relative_to(private)
        assert (server.cluster_dir / "PG_VERSION").exists()
        import psycopg2

        with psycopg2.connect(server.dsn) as connection, connection.cursor() as cursor:
            cursor.execute("select 1")
            assert cursor.fetchone() == (1,)
        outside = server.data_dir
    assert not server.is_running()
    assert not outside.exists(), f"{outside} was left behind"


def test_a_cluster_inside_the_requested_directory_is_kept_for_the_next_run(installed):
    # A directory the postgres user can reach: one of its own under the system temporary directory
    # (world-enterable), opened to others; removed by the test.
    reachable = Path(tempfile.mkdtemp(prefix="lead-scoring-test-postgres-"))
    try:
        reachable.chmod(0o755)
        with postgres.running(reachable / "postgres", _free_port()) as server:
            assert server.outside_dir is None
            assert server.data_dir == (reachable / "postgres").resolve()
        assert (reachable / "postgres" / "cluster" / "PG_VERSION").exists()
    finally:
        shutil.rmtree(reachable, ignore_errors=True)
