"""A throwaway local PostgreSQL server, and loading the raw files into its `raw` schema.

dbt-postgres cannot read files, so the raw entities of docs/raw_contract.md are copied into tables
of schema `raw`, which the same dbt sources then read. The server is Debian's PostgreSQL, run on
loopback on a private port and data directory (as the `postgres` user when we are root: initdb
refuses root), with durability settings off: it exists for one test run.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lead_scoring import raw_files
from lead_scoring.generate import RAW_FILES as RAW_ENTITIES

DEFAULT_PORT = 54329
DEFAULT_USER = "lead_scoring"
DEFAULT_DATABASE = "lead_scoring"
COPY_BATCH_ROWS = 200_000


class PostgresError(RuntimeError):
    """A clear, user-facing failure of the local server or of loading."""


def find_bin_dir() -> Path | None:
    """Directory of the newest installed PostgreSQL server binaries (Debian layout), if any."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if candidates:
        return candidates[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def ensure_installed() -> Path:
    """Return the server's bin directory, installing Debian's `postgresql` package if missing."""
    bin_dir = find_bin_dir()
    if bin_dir is not None:
        return bin_dir
    if os.geteuid() != 0:
        raise PostgresError("PostgreSQL is not installed; run: sudo apt-get install -y postgresql")
    print("PostgreSQL server not found: installing Debian's postgresql package")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, env=env)
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresError("installed postgresql but found no initdb under /usr/lib/postgresql")
    return bin_dir


@dataclass
class LocalPostgres:
    """A private PostgreSQL cluster in `data_dir`, listening on 127.0.0.1:`port`."""

    data_dir: Path
    port: int = DEFAULT_PORT
    user: str = DEFAULT_USER
    database: str = DEFAULT_DATABASE

    def __post_init__(self) -> None:
        self.data_dir = self.data_dir.resolve()
        self.bin_dir = ensure_installed()
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        # Set when the cluster had to live under the system temporary directory (start()).
        self.outside_dir: Path | None = None

    @property
    def cluster_dir(self) -> Path:
        return self.data_dir / "cluster"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "server.log"

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user={self.user} dbname={self.database}"

    def dbt_env(self) -> dict[str, str]:
        """Environment variables that point the `postgres` dbt target at this server."""
        return {
            "LEAD_SCORING_TARGET": "postgres",
            "LEAD_SCORING_PG_HOST": "127.0.0.1",
            "LEAD_SCORING_PG_PORT": str(self.port),
            "LEAD_SCORING_PG_USER": self.user,
            "LEAD_SCORING_PG_PASSWORD": "",
            "LEAD_SCORING_PG_DATABASE": self.database,
        }

    def _reachable_by_postgres(self, directory: Path) -> bool:
        check = subprocess.run([*self.run_as, "test", "-w", str(directory)], capture_output=True, check=False)
        return check.returncode == 0

    def _pg(self, program: str, *args: str) -> subprocess.CompletedProcess:
        command = [*self.run_as, str(self.bin_dir / program), *args]
        # Run from the data directory: the postgres user may not be able to enter the caller's.
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=self.data_dir)
        if result.returncode != 0:
            log = self.log_file.read_text()[-2000:] if self.log_file.exists() else ""
            raise PostgresError(f"{program} failed: {result.stderr.strip() or result.stdout.strip()}\n{log}")
        return result

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.run_as:
            shutil.chown(self.data_dir, "postgres", "postgres")
            if not self._reachable_by_postgres(self.data_dir):
                # A checkout inside a private directory (mktemp -d is mode 700): the postgres user
                # cannot reach it, so the cluster lives in a directory of its own under the system
                # temporary directory, one per checkout and port.
                digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:12]
                fallback = Path(tempfile.gettempdir()) / f"lead-scoring-postgres-{digest}-{self.port}"
                print(
                    f"{self.data_dir} is not reachable by the postgres user: the cluster goes to {fallback}"
                )
                self.data_dir = fallback
                self.outside_dir = fallback
                self.data_dir.mkdir(parents=True, exist_ok=True)
                shutil.chown(self.data_dir, "postgres", "postgres")
        if not (self.cluster_dir / "PG_VERSION").exists():
            self._pg(
                "initdb",
                "-D",
                str(self.cluster_dir),
                "-U",
                self.user,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
            )
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data_dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        if not self.is_running():
            self._pg(
                "pg_ctl", "-D", str(self.cluster_dir), "-l", str(self.log_file), "-o", options, "-w", "start"
            )
        self._wait_ready()
        self._create_database()

    def _wait_ready(self, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            ready = subprocess.run(
                [str(self.bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True,
                check=False,
            )
            if ready.returncode == 0:
                return
            time.sleep(0.2)
        raise PostgresError(f"PostgreSQL did not accept connections on port {self.port}")

    def _create_database(self) -> None:
        import psycopg2

        connection = psycopg2.connect(f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres")
        try:
            connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
            with connection.cursor() as cursor:
                cursor.execute("select 1 from pg_database where datname = %s", (self.database,))
                if cursor.fetchone() is None:
                    cursor.execute(f'create database "{self.database}"')
        finally:
            connection.close()

    def is_running(self) -> bool:
        status = subprocess.run(
            [*self.run_as, str(self.bin_dir / "pg_ctl"), "-D", str(self.cluster_dir), "status"],
            capture_output=True,
            check=False,
        )
        return status.returncode == 0

    def stop(self) -> None:
        if self.is_running():
            self._pg("pg_ctl", "-D", str(self.cluster_dir), "-m", "fast", "-w", "stop")


@contextmanager
def running(data_dir: Path, port: int = DEFAULT_PORT) -> Iterator[LocalPostgres]:
    """Start a local server and stop it on the way out, also when the body fails.

    A cluster that had to go under the system temporary directory (the checkout is not reachable by
    the postgres user) is removed with it: nothing would remove it later, and each run of a fresh
    checkout would leave ~0.7 GB behind. A cluster inside `data_dir` stays for the next run.
    """
    server = LocalPostgres(data_dir, port)
    try:
        server.start()
        yield server
    finally:
        try:
            server.stop()
        finally:
            if server.outside_dir is not None:
                shutil.rmtree(server.outside_dir, ignore_errors=True)


POSTGRES_TYPES = {
    "string": "text",
    "large_string": "text",
    "bool": "boolean",
    "int8": "smallint",
    "int16": "smallint",
    "int32": "integer",
    "int64": "bigint",
    "float": "real",
    "double": "double precision",
    "date32[day]": "date",
}


def postgres_type(arrow_type) -> str:
    """PostgreSQL column type for a pyarrow type (timestamps without zone: they are UTC)."""
    import pyarrow as pa

    if pa.types.is_timestamp(arrow_type):
        return "timestamp"
    try:
        return POSTGRES_TYPES[str(arrow_type)]
    except KeyError as error:
        raise PostgresError(f"no PostgreSQL type for Arrow type {arrow_type}") from error


def load_raw(raw_dir: Path, dsn: str, schema: str = "raw") -> dict[str, int]:
    """Copy every `<entity>*.parquet` of raw_dir into table `<schema>.<entity>`; return row counts.

    Tables are created on first load and emptied with TRUNCATE afterwards (dbt's views depend on
    them, so they cannot be dropped); the columns must then stay the same.
    """
    import psycopg2
    import pyarrow.csv as pacsv
    import pyarrow.dataset as ds

    counts: dict[str, int] = {}
    connection = psycopg2.connect(dsn)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(f'create schema if not exists "{schema}"')
            for entity in RAW_ENTITIES:
                files = sorted(raw_dir.glob(f"{entity}*.parquet"))
                if not files:
                    raise PostgresError(f"no raw file {raw_dir}/{entity}*.parquet to load")
                dataset = ds.dataset([str(f) for f in files], format="parquet")
                columns = ", ".join(f'"{field.name}" {postgres_type(field.type)}' for field in dataset.schema)
                cursor.execute(f'create table if not exists "{schema}"."{entity}" ({columns})')
                cursor.execute(f'truncate table "{schema}"."{entity}"')
                names = ", ".join(f'"{name}"' for name in dataset.schema.names)
                copy = f'copy "{schema}"."{entity}" ({names}) from stdin with (format csv, header true)'
                rows = 0
                for batch in dataset.to_batches(batch_size=COPY_BATCH_ROWS):
                    buffer = io.BytesIO()
                    pacsv.write_csv(batch, buffer)
                    buffer.seek(0)
                    cursor.copy_expert(copy, buffer)
                    rows += batch.num_rows
                counts[entity] = rows
    finally:
        connection.close()
    return counts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw-dir", type=Path, default=Path("data/raw"), help="directory of the raw files")
    parser.add_argument(
        "--dsn", default=None, help="libpq connection string (default: from LEAD_SCORING_PG_*)"
    )
    parser.add_argument("--schema", default=os.environ.get("LEAD_SCORING_RAW_SCHEMA", "raw"))


def run(args: argparse.Namespace) -> int:
    if not raw_files.preflight(args.raw_dir, "parquet"):  # before the database is touched
        return 1
    dsn = args.dsn or (
        f"host={os.environ.get('LEAD_SCORING_PG_HOST', '127.0.0.1')} "
        f"port={os.environ.get('LEAD_SCORING_PG_PORT', '5432')} "
        f"user={os.environ.get('LEAD_SCORING_PG_USER', DEFAULT_USER)} "
        f"dbname={os.environ.get('LEAD_SCORING_PG_DATABASE', DEFAULT_DATABASE)}"
    )
    password = os.environ.get("LEAD_SCORING_PG_PASSWORD")
    if password and args.dsn is None:
        dsn += f" password={password}"
    try:
        counts = load_raw(args.raw_dir, dsn, args.schema)
    except PostgresError as error:
        print(f"error: {error}")
        return 1
    for entity, rows in counts.items():
        print(f"{args.schema}.{entity:<22} {rows:>12,} rows")
    return 0
