"""Safe publishing of the DuckDB warehouse, on real dbt builds.

dbt builds a work copy (`warehouse/work/lead_scoring.duckdb`) and, when the whole project built
without an error, its on-run-end hook replaces the published file (`warehouse/lead_scoring.duckdb`)
with a copy in one rename. Checked here, on one copy of the project and one small data set (300
leads), with dbt run exactly as a user types it (`dbt build` in the project directory, profiles.yml
found there, default warehouse paths):

- a first `dbt build` publishes a complete copy (views resolve in it);
- while a reader keeps opening the published file read-only and reading every mart in one
  transaction, three builds overlap: one re-scores 30 days back; once it holds the lock a second
  starts (the first build's input again: a scheduled job overlapping a manual run) and waits for
  it, then builds and publishes; a third with LEAD_SCORING_LOCK_TIMEOUT=1 stops at once with a
  message naming the holder's pid. The reader never gets an error (no lock error) and never sees
  a half-built or mixed version: the marts' invariants hold in every read, and the versions it sees
  are the first, the re-scored one, then the first again;
- builds of the same input give bit-identical marts (lead_scoring.publish.content_hash);
- a failed build exits non-zero and leaves the published file byte-identical.

The builds run one after another in file order, sharing the work copy, the published file and
target/ as builds in one checkout do. The copy drops the singular test
assert_conversion_rate_falls_from_hot_to_cold: it needs 20+ leads in every tier, which 300 leads do
not give, and it is about scoring, not publishing. Unit tests of the lock, the copy and the hash
come first (no dbt).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from conftest import COPY_IGNORE, PROJECT_ROOT, dbt_executable
from lead_scoring import publish
from lead_scoring.generate import generate
from test_raw_files import CASES as RAW_FILE_CASES

MARTS = (
    "dim_leads",
    "fct_account_scores",
    "fct_lead_mql_history",
    "fct_lead_score_history",
    "fct_lead_score_points",
    "fct_lead_scores",
)
# Variables that would point a build in the copy somewhere else.
ISOLATED_VARIABLES = (
    "DBT_PROFILES_DIR",
    "DBT_TARGET_PATH",
    "DBT_LOG_PATH",
    publish.PUBLISHED_PATH_VARIABLE,
    publish.WORK_PATH_VARIABLE,
    publish.LOCK_TIMEOUT_VARIABLE,
    "LEAD_SCORING_TARGET",
    "LEAD_SCORING_AS_OF_DATE",
)

# One consistent read of the published marts, as a BI tool would do it: open read-only, one
# transaction, a row count and an order-independent checksum per mart, and invariants across marts
# that a half-built or mixed version would break. Appends one JSON line per read to a file; an error
# is recorded, not raised.
READER = r"""
import json, os, sys, time
import duckdb

database, stop_file, deadline = sys.argv[1], sys.argv[2], time.monotonic() + float(sys.argv[3])
marts, out = sys.argv[4].split(","), open(sys.argv[5], "a")
invariants = '''
with as_of as (select max(as_of_date) as as_of_date from marts.fct_lead_scores),
live_leads as (
    select count(*) as n from marts.dim_leads, as_of
    where cast(created_at as date) <= as_of.as_of_date
      and (deleted_at is null or cast(deleted_at as date) > as_of.as_of_date)
),
ledger as (
    select lead_id, scoring_model_id, sum(weighted_points) as total
    from marts.fct_lead_score_points group by lead_id, scoring_model_id
)
select
    (select count(*) from marts.fct_lead_scores where scoring_model_id = 'default') as default_scores,
    (select n from live_leads) as live_leads,
    (select count(*) from marts.fct_lead_scores as s
        left join marts.dim_leads as d on s.lead_id = d.lead_id where d.lead_id is null) as orphan_scores,
    (select max(abs(coalesce(ledger.total, 0) - s.total_score)) from marts.fct_lead_scores as s
        left join ledger on s.lead_id = ledger.lead_id and s.scoring_model_id = ledger.scoring_model_id)
        as ledger_gap,
    (select count(*) from marts.fct_lead_score_history as h, as_of
        where h.as_of_date = as_of.as_of_date) as current_history_rows,
    (select count(*) from marts.fct_lead_scores) as scores
'''
while not os.path.exists(stop_file) and time.monotonic() < deadline:
    record = {"at": time.time()}
    try:
        with duckdb.connect(database, read_only=True, config={"threads": 1}) as connection:
            connection.execute("begin transaction")
            record["marts"] = {
                mart: [
                    str(value)
                    for value in connection.execute(
                        f"select count(*), coalesce(sum(hash(t)), 0) from marts.{mart} as t"
                    ).fetchone()
                ]
                for mart in marts
            }
            row = connection.execute(invariants).fetchone()
            record["invariants"] = [float(value) for value in row]
            connection.execute("commit")
    except Exception as error:
        record["error"] = f"{type(error).__name__}: {error}"
    print(json.dumps(record), file=out, flush=True)
    time.sleep(0.25)
"""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_invariants(invariants: list[float]) -> list[str]:
    default_scores, live_leads, orphan_scores, ledger_gap, current_history_rows, scores = invariants
    problems = []
    if not default_scores or default_scores != live_leads:
        problems.append(f"{default_scores:.0f} default-model scores for {live_leads:.0f} live leads")
    if orphan_scores:
        problems.append(f"{orphan_scores:.0f} scores of leads missing from dim_leads")
    if ledger_gap > 1e-6:
        problems.append(f"ledger differs from total_score by {ledger_gap}")
    if current_history_rows != scores:
        problems.append(f"{current_history_rows:.0f} history rows at the as-of date for {scores:.0f} scores")
    return problems


# --------------------------------------------------------------------------------------------------------
# Unit tests: lock, copy, hash (no dbt)
# --------------------------------------------------------------------------------------------------------


def test_default_paths_keep_the_file_name() -> None:
    published = Path("warehouse/lead_scoring.duckdb")
    assert publish.default_work_path(published) == Path("warehouse/work/lead_scoring.duckdb")
    assert publish.lock_path(Path("w/x.duckdb")) == Path("w/x.duckdb.lock")
    assert publish.parse_timeout("") == publish.DEFAULT_LOCK_TIMEOUT
    assert publish.parse_timeout("2.5") == 2.5
    with pytest.raises(ValueError, match=publish.LOCK_TIMEOUT_VARIABLE):
        publish.parse_timeout("soon")


def test_lock_is_reentrant_here_and_exclusive_for_other_processes(tmp_path: Path) -> None:
    lock = tmp_path / "work" / "db.duckdb.lock"
    assert publish.acquire_lock(lock, timeout=0) is True
    assert publish.acquire_lock(lock, timeout=0) is False  # same process (another dbt thread): no wait
    assert publish.holds_lock(lock)
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from lead_scoring import publish\n"
            "try:\n    publish.acquire_lock(Path(sys.argv[1]), timeout=0.3)\n"
            "except publish.LockTimeout as error:\n    print(error); sys.exit(3)\n",
            str(lock),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert other.returncode == 3, other.stdout + other.stderr
    assert f"pid {os.getpid()}" in other.stdout and "gave up after 0.3 s" in other.stdout


def make_database(path: Path, rows: list[tuple[str, float]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.points (lead_id varchar, points double)")
        connection.executemany("insert into marts.points values (?, ?)", rows)
        connection.execute("checkpoint")


def test_publish_replaces_the_file_and_refuses_an_unflushed_work_copy(tmp_path: Path) -> None:
    work, published = tmp_path / "work" / "db.duckdb", tmp_path / "db.duckdb"
    make_database(work, [("L1", 1.5)])
    result = publish.publish(work, published)
    assert result.size == work.stat().st_size and file_sha256(published) == file_sha256(work)
    stale_wal = published.with_name(published.name + ".wal")
    stale_wal.write_bytes(b"left by an old, killed build")
    make_database(tmp_path / "other" / "db.duckdb", [("L2", 2.5)])
    shutil.copy(tmp_path / "other" / "db.duckdb", work)
    publish.publish(work, published)
    assert not stale_wal.exists()
    with duckdb.connect(str(published), read_only=True) as connection:
        assert connection.execute("select * from marts.points").fetchall() == [("L2", 2.5)]
    before = file_sha256(published)
    work.with_name(work.name + ".wal").write_bytes(b"uncheckpointed changes")
    with pytest.raises(publish.PublishError, match="CHECKPOINT"):
        publish.publish(work, published)
    assert file_sha256(published) == before
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".tmp")] == []


@pytest.mark.parametrize("in_kernel", [True, False], ids=["copy_file_range", "read_and_write"])
def test_copy_is_byte_identical_with_or_without_copy_file_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_kernel: bool
) -> None:
    source = tmp_path / "source.bin"
    source.write_bytes(os.urandom(3 * publish.COPY_CHUNK + 12_345))  # several chunks and a tail
    if not in_kernel:  # a file system or kernel without it: the read / write loop takes over

        def unsupported(*args: object) -> int:
            raise OSError(38, "Function not implemented")

        monkeypatch.setattr(publish.os, "copy_file_range", unsupported)
    destination = tmp_path / "copy.bin"
    reader = os.open(source, os.O_RDONLY)
    writer = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        publish._copy(reader, source.stat().st_size, writer)
    finally:
        os.close(reader)
        os.close(writer)
    assert file_sha256(destination) == file_sha256(source)
    with pytest.raises(publish.PublishError, match="ended at byte"):  # a file shorter than announced
        reader = os.open(source, os.O_RDONLY)
        writer = os.open(tmp_path / "short.bin", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            publish._copy(reader, source.stat().st_size + 1, writer)
        finally:
            os.close(reader)
            os.close(writer)


def test_content_hash_ignores_row_order_and_sees_one_bit(tmp_path: Path) -> None:
    rows = [("L1", 0.1 + 0.2), ("L2", -0.0), ("L3", None)]
    make_database(tmp_path / "a" / "db.duckdb", rows)
    make_database(tmp_path / "b" / "db.duckdb", list(reversed(rows)))
    make_database(tmp_path / "c" / "db.duckdb", [("L1", 0.3), ("L2", -0.0), ("L3", None)])
    hashes = {name: publish.content_hash(tmp_path / name / "db.duckdb") for name in "abc"}
    assert set(hashes["a"]) == {"points"}
    assert hashes["a"] == hashes["b"]
    assert hashes["a"] != hashes["c"]  # 0.1 + 0.2 and 0.3 differ in the last bit


# --------------------------------------------------------------------------------------------------------
# Real builds in one project copy
# --------------------------------------------------------------------------------------------------------


@dataclass
class Build:
    """A dbt process started in the project copy; its output goes to a file (no pipe to fill up)."""

    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait(self) -> tuple[int, str]:
        code = self.process.wait(timeout=600)
        return code, self.log.read_text()


@dataclass
class Project:
    root: Path
    env: dict[str, str]
    first_hashes: dict[str, str] = field(default_factory=dict)
    first_as_of: date = date.min

    @property
    def published(self) -> Path:
        return self.root / "warehouse" / "lead_scoring.duckdb"

    @property
    def work(self) -> Path:
        return self.root / "warehouse" / "work" / "lead_scoring.duckdb"

    def start(self, *args: str, env: dict[str, str] | None = None) -> Build:
        log = self.root.parent / f"dbt-{time.monotonic_ns()}.log"
        with log.open("w") as handle:
            process = subprocess.Popen(
                [dbt_executable(), *args],
                cwd=self.root,
                env={**self.env, **(env or {})},
                stdout=handle,
                stderr=subprocess.STDOUT,
                text=True,
            )
        return Build(process, log)

    def dbt(self, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
        return self.start(*args, env=env).wait()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The project copy after a first plain `dbt build` (today's as-of date), published."""
    work = tmp_path_factory.mktemp("publish")
    root = work / "project"
    shutil.copytree(PROJECT_ROOT, root, ignore=COPY_IGNORE)
    (root / "tests" / "marts" / "assert_conversion_rate_falls_from_hot_to_cold.sql").unlink()
    generate(work / "raw", work / "truth", leads=300, events_per_lead=30)
    env = {key: value for key, value in os.environ.items() if key not in ISOLATED_VARIABLES}
    env |= {
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "LEAD_SCORING_RAW_DIR": str(work / "raw"),
    }
    project = Project(root, env)
    code, output = project.dbt("build")
    assert code == 0, output[-4000:]
    assert "Published warehouse/lead_scoring.duckdb (" in output, output[-2000:]
    project.first_hashes = publish.content_hash(project.published)
    with duckdb.connect(str(project.published), read_only=True) as connection:
        (project.first_as_of,) = connection.execute(
            "select max(as_of_date) from marts.fct_lead_scores"
        ).fetchone()
    return project


@dataclass
class Overlap:
    reads: list[dict]
    reader_errors: str
    results: dict[str, tuple[int, str, int]]  # build name -> (exit code, output, pid)
    final_hashes: dict[str, str]


@pytest.fixture(scope="module")
def overlap(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Overlap:
    """Builds that overlap while a reader keeps reading the published file.

    `rescore` re-scores 30 days back (new content). Once it holds the lock, `again` starts (the same
    input as the first build: a scheduled job overlapping a manual run) and `impatient` starts with
    LEAD_SCORING_LOCK_TIMEOUT=1. The reader runs from before the first until after the last.
    """
    folder = tmp_path_factory.mktemp("overlap")
    stop_file, reads = folder / "stop", folder / "reads.jsonl"
    reads.touch()
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            READER,
            str(project.published),
            str(stop_file),
            "400",
            ",".join(MARTS),
            str(reads),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    builds: dict[str, Build] = {}
    try:
        deadline = time.monotonic() + 60
        while not reads.read_text().strip():  # the reader has read the first version
            assert reader.poll() is None and time.monotonic() < deadline, "the reader did not start"
            time.sleep(0.25)
        as_of = project.first_as_of - timedelta(days=30)
        # (an environment variable, not --vars: new vars make dbt re-parse the whole project)
        builds["rescore"] = project.start("build", env={"LEAD_SCORING_AS_OF_DATE": as_of.isoformat()})
        lock = publish.lock_path(project.work)
        deadline = time.monotonic() + 300
        while f"pid {builds['rescore'].pid} " not in lock.read_text():
            assert builds["rescore"].process.poll() is None, builds["rescore"].log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the first build never took the lock"
            time.sleep(0.2)
        builds["again"] = project.start("build")
        builds["impatient"] = project.start("build", env={publish.LOCK_TIMEOUT_VARIABLE: "1"})
        results = {name: (*build.wait(), build.pid) for name, build in builds.items()}
        time.sleep(1.0)  # a few more reads of the last version
    finally:
        stop_file.touch()
        for build in builds.values():
            if build.process.poll() is None:
                build.process.kill()
        _, reader_errors = reader.communicate(timeout=120)
    records = [json.loads(line) for line in reads.read_text().splitlines() if line.strip()]
    return Overlap(records, reader_errors, results, publish.content_hash(project.published))


def test_plain_dbt_build_publishes_a_complete_copy(project: Project) -> None:
    assert project.work.exists() and project.published.exists()
    assert set(MARTS) <= set(project.first_hashes)  # and any mart added since
    with duckdb.connect(str(project.published), read_only=True) as connection:
        # Views refer to tables through the catalog named after the file: they resolve in the copy.
        (leads,) = connection.execute("select count(*) from staging.stg_crm__leads").fetchone()
    assert leads > 0
    # The lock file beside the work copy names its last holder.
    assert "dbt build" in publish.lock_path(project.work).read_text()


def test_reader_never_fails_nor_reads_a_partial_version(overlap: Overlap) -> None:
    assert len(overlap.reads) >= 20, f"only {len(overlap.reads)} reads during the builds"
    failures = [record["error"] for record in overlap.reads if "error" in record]
    assert not failures, f"{len(failures)} of {len(overlap.reads)} reads failed, e.g. {failures[:3]}"
    assert not overlap.reader_errors.strip(), overlap.reader_errors
    broken = [problem for record in overlap.reads for problem in check_invariants(record["invariants"])]
    assert not broken, broken[:5]


def test_reader_sees_each_published_version_in_turn(overlap: Overlap) -> None:
    versions: list[str] = []
    for record in overlap.reads:
        version = json.dumps(record["marts"], sort_keys=True)
        if not versions or versions[-1] != version:
            versions.append(version)
    # first build, then the re-scored one, then the first input again: never anything in between
    assert len(versions) == 3, f"{len(versions)} versions in {len(overlap.reads)} reads (expected 3)"
    assert versions[0] == versions[2] != versions[1]


def test_overlapping_build_waits_for_the_lock_then_publishes(overlap: Overlap) -> None:
    code, output, _ = overlap.results["rescore"]
    assert code == 0, output[-3000:]
    assert "Published warehouse/lead_scoring.duckdb (" in output
    holder = overlap.results["rescore"][2]
    code, output, _ = overlap.results["again"]
    waiting = "Waiting for the warehouse lock warehouse/work/lead_scoring.duckdb.lock: held by pid"
    assert f"{waiting} {holder} " in output, output[-3000:]
    assert code == 0, output[-3000:]
    assert "Published warehouse/lead_scoring.duckdb (" in output


def test_build_with_a_short_lock_timeout_stops_naming_the_holder(overlap: Overlap) -> None:
    code, output, _ = overlap.results["impatient"]
    assert code != 0, output[-3000:]
    assert "another dbt process is using the warehouse" in output, output[-3000:]
    assert "gave up after 1 s (set LEAD_SCORING_LOCK_TIMEOUT to wait longer)" in output
    holders = [overlap.results[name][2] for name in ("rescore", "again")]
    assert any(f"is held by pid {pid} on " in output for pid in holders), output[-3000:]


def test_builds_of_the_same_input_give_bit_identical_marts(project: Project, overlap: Overlap) -> None:
    # The first build and `again` read the same files with the same as-of date.
    assert overlap.final_hashes == project.first_hashes


def test_failed_build_leaves_the_published_file_untouched(project: Project, overlap: Overlap) -> None:
    before, work_before = file_sha256(project.published), file_sha256(project.work)
    model = project.root / "models" / "staging" / "crm" / "base" / "base_crm__leads.sql"
    original = model.read_text()
    # An error in the model the CRM leads enter by: what does not read them (seeds, other raw
    # tables' base and quarantine models, their tests) still rewrites the work copy; the rest is skipped.
    model.write_text(original.rstrip() + "\nwhere no_such_column is null\n")
    try:
        code, output = project.dbt("build")
    finally:
        model.write_text(original)
    assert code != 0, output[-3000:]
    assert "Warehouse not published:" in output and "base_crm__leads error" in output, output[-3000:]
    assert file_sha256(project.published) == before
    assert file_sha256(project.work) != work_before, "the failed build should have written its work copy"


WHOLE_FILE_FAULTS = {
    case.id: case
    for case in RAW_FILE_CASES
    if case.id
    in {
        "truncated parquet",
        "missing columns in a daily file",
        "empty daily parquet beside the first export",
        "lead id stored as a struct",
    }
}


@pytest.mark.parametrize("fault", sorted(WHOLE_FILE_FAULTS))
def test_whole_file_fault_stops_a_plain_build_naming_the_file(
    project: Project, fault: str, tmp_path: Path
) -> None:
    case = WHOLE_FILE_FAULTS[fault]
    raw = tmp_path / "raw"
    shutil.copytree(project.env["LEAD_SCORING_RAW_DIR"], raw)
    case.mutate(raw)
    before = file_sha256(project.published)
    code, output = project.dbt("build", env={"LEAD_SCORING_RAW_DIR": str(raw)})
    assert code != 0, output[-3000:]
    assert "cannot be built from; nothing was built or published" in output, output[-3000:]
    assert str(raw / case.path) in output, output[-3000:]
    assert all(fragment in output for fragment in case.fragments), output[-3000:]
    assert "Traceback" not in output
    assert file_sha256(project.published) == before
