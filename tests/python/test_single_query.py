"""benchmarks/single_query.sql, the benchmark's hand-written one-query fct_lead_scores, gives the
same rows as a real dbt build: same (lead, model) keys, same fit / engagement / total scores (within
1e-6: the dbt models decay through per-rule running totals, int_engagement_rule_daily_states, the
single query event day by event day, so the two are independent computations whose doubles may differ
in the last bits), and the same tier, MQL flag and as-of date exactly.

Small scale (800 leads) with the generator's planted dirt (duplicate leads, re-exports, deletions,
bots, internal traffic, scanner clicks, privacy-proxy opens, anonymous visitors) plus an appended
day (a second file per event entity and new leads), built with `dbt run --select +fct_lead_scores`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import PROJECT_ROOT, run_dbt
from lead_scoring.append_day import append_day
from lead_scoring.generate import generate

COLUMNS = [
    "lead_id",
    "scoring_model_id",
    "fit_score",
    "engagement_score",
    "total_score",
    "tier",
    "is_mql",
    "as_of_date",
]
KEYS = ["lead_id", "scoring_model_id"]


def single_query(raw_dir: Path) -> str:
    sql = (PROJECT_ROOT / "benchmarks" / "single_query.sql").read_text()
    return sql.replace("@RAW_DIR@", str(raw_dir)).replace("@SEED_DIR@", str(PROJECT_ROOT / "seeds"))


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    work = tmp_path_factory.mktemp("single_query")
    raw = work / "raw"
    generate(raw, work / "truth", leads=800, events_per_lead=30, seed=11)
    append_day(raw, seed=11)
    database = work / "warehouse.duckdb"
    env = {"LEAD_SCORING_RAW_DIR": str(raw), "LEAD_SCORING_DUCKDB_PATH": str(database)}
    # fewer history checkpoints and backtest cohorts: the as-of date's scores do not depend on them
    args = [
        "--target-path",
        str(work / "target"),
        "--vars",
        "{score_history_checkpoints: 2, backtest_cohorts: 1}",
    ]
    for command in (["seed"], ["run", "--select", "+fct_lead_scores"]):
        result = run_dbt(PROJECT_ROOT, [*command, *args], env=env)
        assert result.returncode == 0, result.stdout[-4000:]
    # a partial run is not published: read dbt's work copy
    with duckdb.connect(str(work / "work" / "warehouse.duckdb"), read_only=True) as connection:
        mart = connection.execute(f"select {', '.join(COLUMNS)} from marts.fct_lead_scores").df()
    with duckdb.connect() as connection:
        single = connection.execute(single_query(raw)).df()[COLUMNS]
    return (
        mart.sort_values(KEYS).reset_index(drop=True),
        single.sort_values(KEYS).reset_index(drop=True),
    )


def test_scores_a_real_population(both: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    mart, _ = both
    assert len(mart) > 800  # every canonical lead in default, some in enterprise
    assert set(mart["scoring_model_id"]) == {"default", "enterprise"}
    assert mart["is_mql"].any() and (mart["tier"] == "hot").any()


def test_same_leads_and_models(both: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    mart, single = both
    assert mart[KEYS].equals(single[KEYS])


def test_same_scores_tiers_and_mql(both: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    mart, single = both
    single["as_of_date"] = pd.to_datetime(single["as_of_date"])
    mart["as_of_date"] = pd.to_datetime(mart["as_of_date"])
    scores = ["fit_score", "engagement_score", "total_score"]
    far = (mart[scores] - single[scores]).abs().max(axis=1) > 1e-6
    assert not far.any(), pd.concat([mart[far], single[far]]).head(20).to_string()
    exact = [c for c in COLUMNS if c not in scores]
    differing = mart[exact].compare(single[exact])
    assert differing.empty, differing.head(20).to_string()
