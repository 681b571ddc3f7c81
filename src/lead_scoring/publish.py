"""Safe publishing of the DuckDB warehouse: a work copy, a published copy and a build lock.

dbt builds into a *work copy* (default `warehouse/work/lead_scoring.duckdb`); BI tools read the
*published copy* (default `warehouse/lead_scoring.duckdb`). When a build or run of the whole project
succeeds, its on-run-end hook (macro `publish_warehouse`) checkpoints the work copy and calls
:func:`publish` through a UDF that the dbt plugin (:mod:`lead_scoring.dbt_plugin`) registers: the file
is copied to a temporary file beside the published one, fsynced and renamed over it. A rename is atomic,
so a reader that opens the published path gets the previous complete version or the new one, never a
partial file, and never a lock error (dbt does not open the published file). A failed build leaves it
untouched.

Only one dbt process may use a work copy at a time: the plugin takes an exclusive lock on
`<work copy>.lock` (:func:`acquire_lock`) before DuckDB opens the file and holds it until the process
exits. A second build waits for it (`LEAD_SCORING_LOCK_TIMEOUT` seconds), then stops with a message
naming the holder.

:func:`content_hash` hashes every table of schema `marts` in a canonical row order: two builds of the
same input must give the same hashes (`lead-scoring mart-hash`).
"""

from __future__ import annotations

import argparse
import datetime
import fcntl
import hashlib
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PUBLISHED_PATH_VARIABLE = "LEAD_SCORING_DUCKDB_PATH"
WORK_PATH_VARIABLE = "LEAD_SCORING_DUCKDB_WORK_PATH"
LOCK_TIMEOUT_VARIABLE = "LEAD_SCORING_LOCK_TIMEOUT"
DEFAULT_PUBLISHED_PATH = Path("warehouse/lead_scoring.duckdb")
DEFAULT_LOCK_TIMEOUT = 300.0
MARTS_SCHEMA = "marts"
COPY_CHUNK = 16 * 1024 * 1024


class PublishError(RuntimeError):
    """The work copy cannot be published (inconsistent, or the copy failed)."""


class LockTimeout(RuntimeError):
    """Another process held the build lock for longer than the timeout."""


def published_path() -> Path:
    """The published warehouse file BI tools read (LEAD_SCORING_DUCKDB_PATH, default the project's)."""
    return Path(os.environ.get(PUBLISHED_PATH_VARIABLE) or DEFAULT_PUBLISHED_PATH)


def default_work_path(published: Path) -> Path:
    """The work copy dbt builds for a published file: `<its folder>/work/<same file name>`.

    The file name stays the same because DuckDB names the catalog after it, and the views dbt creates
    refer to tables through that catalog name: they must still resolve in the published copy.
    """
    return published.parent / "work" / published.name


def work_path() -> Path:
    """The work copy dbt writes (LEAD_SCORING_DUCKDB_WORK_PATH, default beside the published file)."""
    configured = os.environ.get(WORK_PATH_VARIABLE)
    return Path(configured) if configured else default_work_path(published_path())


def lock_path(work: Path) -> Path:
    """The lock file of a work copy: `<work copy>.lock` beside it."""
    return work.with_name(work.name + ".lock")


def lock_timeout() -> float:
    """Seconds a build waits for the lock (LEAD_SCORING_LOCK_TIMEOUT, default 300; 0: do not wait)."""
    return parse_timeout(os.environ.get(LOCK_TIMEOUT_VARIABLE))


def parse_timeout(value: object) -> float:
    """A lock timeout in seconds from configuration text; empty means the default."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"{LOCK_TIMEOUT_VARIABLE} must be a number of seconds, not {text!r}") from None
    if seconds < 0:
        raise ValueError(f"{LOCK_TIMEOUT_VARIABLE} must not be negative, got {text!r}")
    return seconds


def display(path: Path) -> str:
    """A path as a user gave it: relative to the current directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------------------------------------
# The build lock
# --------------------------------------------------------------------------------------------------------

# Locks this process holds, by lock-file path: taken once, kept until the process exits. dbt runs nodes in
# threads of one process (and may recreate its DuckDB environment), so a second request from the same
# process must neither block nor take a second lock: flock() locks belong to an open file, and a second
# open file of the same path in the same process would wait for the first forever.
_held_locks: dict[str, int] = {}
_held_locks_guard = threading.Lock()
# Locks this process gave up on: dbt retries a failed connection for every node, and each retry must
# fail at once with the same message instead of waiting the whole timeout again.
_timed_out_locks: dict[str, str] = {}


def describe_holder(path: Path) -> str:
    """What the lock file says about its holder: pid, host, start time and command."""
    try:
        text = path.read_text().strip()
    except OSError:
        text = ""
    return text or "an unknown process (it has not written its details yet)"


def acquire_lock(
    path: Path, timeout: float, on_wait: Callable[[str], None] | None = None, poll_seconds: float = 0.5
) -> bool:
    """Take the exclusive lock `path` for the rest of this process's life.

    Returns False when this process already holds it, True when it was taken now. Waits up to `timeout`
    seconds for another holder (calling `on_wait` once with the holder's description), then raises
    LockTimeout naming the holder. The lock is an flock() on the file: the kernel releases it when the
    holder exits, whatever the cause, so a killed build never leaves a stale lock behind (the file and
    its last holder's details stay; they mean nothing while nobody holds the lock).
    """
    key = str(path.resolve())
    with _held_locks_guard:
        if key in _held_locks:
            return False
        if key in _timed_out_locks:
            raise LockTimeout(_timed_out_locks[key])
        path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                holder = describe_holder(path)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    _timed_out_locks[key] = (
                        f"{display(path)} is held by {holder}; gave up after {timeout:g} s "
                        f"(set {LOCK_TIMEOUT_VARIABLE} to wait longer)"
                    )
                    raise LockTimeout(_timed_out_locks[key]) from None
                if not waited and on_wait is not None:
                    on_wait(holder)
                waited = True
                time.sleep(min(poll_seconds, remaining))
                continue
            # Someone may have deleted or replaced the file between our open and our lock (make clean):
            # a lock on an unlinked file protects nothing, so start again on the current file.
            try:
                same_file = os.stat(path).st_ino == os.fstat(descriptor).st_ino
            except FileNotFoundError:
                same_file = False
            if not same_file:
                os.close(descriptor)
                continue
            started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv else "?"
            details = f"pid {os.getpid()} on {socket.gethostname()}, started {started}: {command[:300]}\n"
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, details.encode(), 0)
            _held_locks[key] = descriptor
            return True


def holds_lock(path: Path) -> bool:
    """Whether this process holds the lock `path`."""
    with _held_locks_guard:
        return str(path.resolve()) in _held_locks


# --------------------------------------------------------------------------------------------------------
# Publishing
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """What publish() did: the published file, its size and how long the copy took."""

    path: Path
    size: int
    seconds: float

    def message(self, work: Path) -> str:
        return (
            f"Published {display(self.path)} ({self.size / 1e6:,.1f} MB, {self.seconds:.2f} s) "
            f"from the work copy {display(work)}"
        )


# Read-only descriptors of work copies, kept open until the process exits. DuckDB locks its file with a
# POSIX record lock, and POSIX drops *all* of a process's record locks on a file when the process closes
# *any* descriptor of that file: closing our copy descriptor would silently unlock the work copy that dbt
# still has open. Keeping one descriptor per file (reused by later publishes) avoids that.
_work_descriptors: dict[tuple[int, int], int] = {}


def _work_descriptor(work: Path) -> int:
    status = os.stat(work)
    key = (status.st_dev, status.st_ino)
    if key not in _work_descriptors:
        _work_descriptors[key] = os.open(work, os.O_RDONLY)
    return _work_descriptors[key]


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _copy(source: int, size: int, destination: int) -> None:
    """Copy `size` bytes between two descriptors: in the kernel (copy_file_range: no round trip through
    Python's memory; on file systems with reflinks no data copy at all), else by reads and writes."""
    offset = 0
    while offset < size:
        try:
            copied = os.copy_file_range(source, destination, size - offset, offset, offset)
        except OSError:  # not supported here (another file system, an old kernel): read and write
            break
        if not copied:
            raise PublishError(f"the work copy ended at byte {offset:,} of {size:,} while it was copied")
        offset += copied
    while offset < size:
        chunk = os.pread(source, min(COPY_CHUNK, size - offset), offset)
        if not chunk:
            raise PublishError(f"the work copy ended at byte {offset:,} of {size:,} while it was copied")
        view = memoryview(chunk)
        while view:
            written = os.pwrite(destination, view, offset)
            view = view[written:]
            offset += written


def _check_database(path: Path) -> None:
    """Open a copied file read-only and list its tables: it must be a DuckDB database with tables."""
    import duckdb

    try:
        with duckdb.connect(str(path), read_only=True) as connection:
            (tables,) = connection.execute("select count(*) from duckdb_tables()").fetchone()
    except duckdb.Error as error:
        raise PublishError(f"the copy of the work database cannot be read: {error}") from error
    if not tables:
        raise PublishError("the copy of the work database has no tables")


def publish(work: Path, published: Path) -> Published:
    """Replace `published` by a copy of the (checkpointed) DuckDB file `work`, atomically.

    The caller holds the build lock and has run CHECKPOINT on the work copy, so the file holds every
    committed change and nothing writes to it now; a non-empty write-ahead log means that is not so,
    and nothing is published. The copy goes to a hidden temporary file in the published file's folder
    (same file system, so the rename is atomic), is fsynced and opened read-only once as a check, then
    renamed over the published file, and the folder is fsynced. Readers that still have the previous
    file open keep reading it (the rename does not touch it); new connections see the new one.
    """
    started = time.monotonic()
    work, published = Path(work), Path(published)
    if work.resolve() == published.resolve():
        raise PublishError(f"the work copy and the published file are the same file: {work}")
    wal = work.with_name(work.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise PublishError(f"{display(wal)} is not empty: run CHECKPOINT before publishing")
    published.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{published.name}."
    for stale in published.parent.glob(prefix + "*.tmp"):  # left by a publish that was killed
        stale.unlink(missing_ok=True)
    temporary = published.parent / f"{prefix}{os.getpid()}.tmp"
    source = _work_descriptor(work)
    size = os.fstat(source).st_size
    try:
        destination = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            _copy(source, size, destination)
            os.fsync(destination)
        finally:
            os.close(destination)
        _check_database(temporary)
        # A write-ahead log beside the published file belongs to the file it replaces (an old checkout
        # that built this path directly and was killed): readers would replay it on the new file.
        published.with_name(published.name + ".wal").unlink(missing_ok=True)
        os.replace(temporary, published)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(published.parent)
    return Published(published, size, time.monotonic() - started)


# --------------------------------------------------------------------------------------------------------
# Content hash of the marts
# --------------------------------------------------------------------------------------------------------


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def content_hash(database: Path, schema: str = MARTS_SCHEMA) -> dict[str, str]:
    """SHA-256 of every table in `schema`, by table name, with rows in a canonical order.

    Each table's hash covers its column names and types and every row; a row is its values as DuckDB
    prints them (doubles in their shortest exact form, so any bit that differs changes the hash), and
    rows are taken in the order of their own MD5, so the physical order a build wrote does not matter.
    Nothing is rounded: the hash says whether two builds are bit-identical. The database is opened
    read-only.
    """
    import duckdb

    hashes: dict[str, str] = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "select table_name from duckdb_tables() where schema_name = ? and database_name = "
                "current_database() order by table_name",
                [schema],
            ).fetchall()
        ]
        for table in tables:
            columns = connection.execute(
                "select column_name, data_type from duckdb_columns() where schema_name = ? and "
                "table_name = ? and database_name = current_database() order by column_index",
                [schema, table],
            ).fetchall()
            relation = f"{_quote(schema)}.{_quote(table)}"
            row_count, rows_digest = connection.execute(
                f"with row_digests as (select md5(cast(t as varchar)) as digest from {relation} as t) "
                "select count(*), md5(coalesce(string_agg(digest, '' order by digest), '')) from row_digests"
            ).fetchone()
            digest = hashlib.sha256()
            digest.update(repr(columns).encode())
            digest.update(f"{row_count}:{rows_digest}".encode())
            hashes[table] = digest.hexdigest()
    return hashes


def combined_hash(hashes: dict[str, str]) -> str:
    """One SHA-256 over the per-table hashes (names included)."""
    digest = hashlib.sha256()
    for table in sorted(hashes):
        digest.update(f"{table}={hashes[table]}\n".encode())
    return digest.hexdigest()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        type=Path,
        default=None,
        help=f"DuckDB file, read-only (default: {PUBLISHED_PATH_VARIABLE} or {DEFAULT_PUBLISHED_PATH})",
    )
    parser.add_argument("--schema", default=MARTS_SCHEMA, help="schema whose tables are hashed")


def run(args: argparse.Namespace) -> int:
    database = args.database or published_path()
    if not database.exists():
        print(f"error: no warehouse at {database}; run `make build` (or dbt build) first")
        return 1
    hashes = content_hash(database, args.schema)
    if not hashes:
        print(f"error: no tables in schema {args.schema} of {database}")
        return 1
    for table, value in hashes.items():
        print(f"{value}  {args.schema}.{table}")
    print(f"{combined_hash(hashes)}  (all {len(hashes)} tables)")
    return 0
