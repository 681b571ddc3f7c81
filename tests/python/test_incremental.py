"""An incremental run after new event files arrive gives the same marts as a full refresh.

Small scale (1,500 leads): the web and email events are split at a cut-off date into
`<table>.parquet` (older) and `<table>-late.parquet` (newer, like a daily load). Build on the older
files, add the newer ones, run incrementally, and compare fct_lead_scores and fct_lead_score_points
with a full refresh over all files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from conftest import PROJECT_ROOT, run_dbt
from lead_scoring.generate import generate

CUTOFF = pd.Timestamp("2026-06-10")
SPLIT_TABLES = ("web_events", "email_events")
MART_KEYS = {
    "fct_lead_scores": ["lead_id", "scoring_model_id"],
    "fct_lead_score_points": ["lead_id", "scoring_model_id", "rule_id"],
}


def split_events(raw_dir: Path, late_dir: Path) -> None:
    """Keep events before CUTOFF in `<table>.parquet`; write the rest to late_dir/`<table>-late.parquet`."""
    late_dir.mkdir()
    for table in SPLIT_TABLES:
        path = raw_dir / f"{table}.parquet"
        events = pq.read_table(path)
        is_late = pc.greater_equal(events["occurred_at"], CUTOFF.to_datetime64())
        pq.write_table(events.filter(pc.invert(is_late)), path)
        pq.write_table(events.filter(is_late), late_dir / f"{table}-late.parquet")


def read_marts(database: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return {
            mart: connection.execute(f"select * from marts.{mart}")
            .df()
            .sort_values(keys)
            .reset_index(drop=True)
            for mart, keys in MART_KEYS.items()
        }


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    work = tmp_path_factory.mktemp("incremental")
    raw_dir, late_dir = work / "raw", work / "late"
    generate(raw_dir, work / "truth", leads=1_500, events_per_lead=30)
    split_events(raw_dir, late_dir)
    database = work / "warehouse.duckdb"
    env = {"LEAD_SCORING_RAW_DIR": str(raw_dir), "LEAD_SCORING_DUCKDB_PATH": str(database)}
    # 4 history checkpoints instead of 26: the equivalence does not depend on how many
    target = ["--target-path", str(work / "target"), "--vars", "{score_history_checkpoints: 4}"]

    def dbt(*args: str) -> None:
        result = run_dbt(PROJECT_ROOT, [*args, *target], env=env)
        assert result.returncode == 0, result.stdout[-4000:]

    dbt("seed")
    dbt("run", "--full-refresh")
    for late_file in late_dir.iterdir():
        shutil.copy(late_file, raw_dir / late_file.name)
    dbt("run")
    incremental = read_marts(database)
    dbt("run", "--full-refresh")
    return incremental, read_marts(database)


def test_late_events_changed_the_scores(builds: tuple[dict, dict]) -> None:
    incremental, _ = builds
    as_of = incremental["fct_lead_scores"]["as_of_date"].max()
    assert pd.Timestamp(as_of) >= CUTOFF, "the late events did not reach the marts"


@pytest.mark.parametrize("mart", sorted(MART_KEYS))
def test_incremental_run_equals_full_refresh(builds: tuple[dict, dict], mart: str) -> None:
    incremental, full_refresh = builds
    assert len(incremental[mart]) == len(full_refresh[mart]) > 0
    pd.testing.assert_frame_equal(incremental[mart], full_refresh[mart], check_exact=False, atol=1e-9)
