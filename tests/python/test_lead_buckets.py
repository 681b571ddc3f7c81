"""The score groups and scores aggregated one lead bucket at a time (what DuckDB does at 1M leads, macro
lead_bucket_count) give the same tables as one aggregate: forced at small scale with a small
`lead_bucket_rows`, through real dbt runs."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import PROJECT_ROOT, run_dbt
from lead_scoring.generate import generate

COMPARED = (
    "intermediate.int_score_group_points",
    "intermediate.int_lead_scores_as_of",
    "marts.fct_lead_scores",
    "marts.fct_lead_score_points",
    "marts.fct_lead_score_history",
)


def _read(database: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(database), read_only=True) as connection:
        frames = {name: connection.execute(f"select * from {name}").df() for name in COMPARED}
    return {name: f.sort_values(list(f.columns)).reset_index(drop=True) for name, f in frames.items()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("lead_buckets")
    generate(work / "raw", work / "truth", leads=800, events_per_lead=30)
    database = work / "warehouse.duckdb"
    env = {"LEAD_SCORING_RAW_DIR": str(work / "raw"), "LEAD_SCORING_DUCKDB_PATH": str(database)}
    target = work / "target"
    selection = ["--select", "+fct_lead_scores", "+fct_lead_score_points", "+fct_lead_score_history"]

    def run(variables: str) -> None:
        args = ["run", "--full-refresh", *selection, "--target-path", str(target), "--vars", variables]
        result = run_dbt(PROJECT_ROOT, args, env=env)
        assert result.returncode == 0, result.stdout[-4000:]

    assert run_dbt(PROJECT_ROOT, ["seed", "--target-path", str(target)], env=env).returncode == 0
    run("{score_history_checkpoints: 4}")
    one = _read(work / "work" / "warehouse.duckdb")
    rows = len(one["intermediate.int_score_group_points"])
    # about four buckets for the score groups' input (its rule points outnumber the groups)
    run(f"{{score_history_checkpoints: 4, lead_bucket_rows: {rows // 4}}}")
    compiled = {
        name: next(target.rglob(f"run/**/{name}.sql")).read_text()
        for name in ("int_score_group_points", "int_lead_scores_as_of")
    }
    return {"one": one, "buckets": _read(work / "work" / "warehouse.duckdb"), "compiled": compiled}


def test_the_forced_run_aggregates_by_bucket(builds: dict) -> None:
    for name, sql in builds["compiled"].items():
        assert sql.count("hash(lead_id) %") >= 2, name


@pytest.mark.parametrize("table", COMPARED)
def test_buckets_give_the_same_rows(builds: dict, table: str) -> None:
    one, buckets = builds["one"][table], builds["buckets"][table]
    assert len(one) == len(buckets) > 0
    pd.testing.assert_frame_equal(one, buckets, check_exact=False, atol=1e-9)
