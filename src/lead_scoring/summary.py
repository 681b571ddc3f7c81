"""Print where the marts are and a short summary of tiers per scoring model.

Reads the DuckDB warehouse file read-only, so it never holds the write lock.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

DEFAULT_DATABASE = "warehouse/lead_scoring.duckdb"

TIER_SUMMARY_SQL = """
select
    scoring_model_id,
    count(*) as leads,
    sum(case when tier = 'hot' then 1 else 0 end) as hot,
    sum(case when tier = 'warm' then 1 else 0 end) as warm,
    sum(case when tier = 'cold' then 1 else 0 end) as cold,
    sum(case when is_mql then 1 else 0 end) as mql,
    sum(case when is_sql then 1 else 0 end) as sql,
    round(avg(total_score), 1) as avg_total_score,
    max(as_of_date) as as_of_date
from marts.fct_lead_scores
group by scoring_model_id
order by scoring_model_id
"""


def default_database() -> Path:
    """The warehouse file dbt writes (LEAD_SCORING_DUCKDB_PATH or the project default)."""
    return Path(os.environ.get("LEAD_SCORING_DUCKDB_PATH", DEFAULT_DATABASE))


def tier_summary(database: Path) -> tuple[list[tuple], list[str]]:
    """Tier rows (model, leads, hot, warm, cold, MQL, SQL, avg score, as-of date) and mart names."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(TIER_SUMMARY_SQL).fetchall()
        marts = connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
    return [tuple(row) for row in rows], [name for (name,) in marts]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", type=Path, default=None, help="DuckDB file (default: the dbt target's)")


def run(args: argparse.Namespace) -> int:
    database = args.database or default_database()
    if not database.exists():
        print(f"error: no warehouse at {database}; run `make demo` (or dbt build) first")
        return 1
    rows, marts = tier_summary(database)
    print(f"Warehouse: {database.resolve()}")
    print("Marts (schema marts): " + ", ".join(f"marts.{name}" for name in marts))
    header = ("model", "leads", "hot", "warm", "cold", "MQL", "SQL", "avg score", "as of")
    widths = [14, 8, 7, 7, 7, 7, 7, 10, 11]
    print("".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)))
    return 0
