"""`lead-scoring summary` reads the marts of the warehouse `make test` has just built."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT_ROOT
from lead_scoring import summary

DATABASE = PROJECT_ROOT / "warehouse" / "lead_scoring.duckdb"

needs_warehouse = pytest.mark.skipif(
    not DATABASE.exists(), reason=f"no warehouse at {DATABASE}: run `make build` (make test does) first"
)


@needs_warehouse
def test_tier_summary_counts_every_scored_lead_once() -> None:
    import duckdb

    rows, marts = summary.tier_summary(DATABASE)
    assert {"fct_lead_scores", "fct_lead_score_points", "dim_leads", "fct_account_scores"} <= set(marts)
    with duckdb.connect(str(DATABASE), read_only=True) as connection:
        expected = dict(
            connection.execute(
                "select scoring_model_id, count(*) from marts.fct_lead_scores group by 1"
            ).fetchall()
        )
    assert {row[0]: row[1] for row in rows} == expected
    for _model, leads, hot, warm, cold, mql, _sql, average, _as_of in rows:
        assert hot + warm + cold == leads
        assert 0 <= mql <= leads
        assert 0 <= average <= 100


@needs_warehouse
def test_summary_command_prints_marts_and_models() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lead_scoring.cli", "summary", "--database", str(DATABASE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "marts.fct_lead_scores" in result.stdout
    assert "default" in result.stdout and "enterprise" in result.stdout


def test_summary_without_warehouse_says_what_to_do(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lead_scoring.cli", "summary", "--database", str(tmp_path / "missing.duckdb")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "make demo" in result.stdout
