"""Run the whole project on PostgreSQL and Spark and prove the scores equal DuckDB's.

`lead-scoring check-warehouses` generates one data set, builds it with every test on DuckDB (the
reference), then on each other engine, and compares `fct_lead_scores` and `fct_lead_score_points`
row by row: every lead, model and rule must be present on both sides, numbers equal within
`--tolerance`, everything else equal exactly. Each engine's result is printed; the exit code is
non-zero when any build or comparison fails. The PostgreSQL server is started for the run and
stopped afterwards, also when something fails.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from lead_scoring import postgres, raw_files
from lead_scoring.generate import generate

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MART_KEYS = {
    "fct_lead_scores": ["lead_id", "scoring_model_id"],
    "fct_lead_score_points": ["lead_id", "scoring_model_id", "rule_id"],
}
ENGINES = ("postgres", "spark")
SPARK_VENV = PROJECT_ROOT / ".venv-spark"


def dbt_command(engine: str) -> str:
    """The dbt executable for an engine: Spark has a virtualenv of its own (pyspark is large)."""
    if engine == "spark":
        return str(SPARK_VENV / "bin" / "dbt")
    return str(Path(sys.executable).parent / "dbt")


def run_dbt(engine: str, args: list[str], env: dict[str, str]) -> tuple[bool, str]:
    full_env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        **env,
    }
    result = subprocess.run(
        [dbt_command(engine), *args],
        cwd=PROJECT_ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    return result.returncode == 0, output


def build(engine: str, work_dir: Path, env: dict[str, str]) -> tuple[bool, str, float]:
    """`dbt build --full-refresh` with every test on one engine; returns (ok, log tail, seconds)."""
    started = time.monotonic()
    ok, output = run_dbt(
        engine, ["build", "--full-refresh", "--target-path", str(work_dir / f"target_{engine}")], env
    )
    summary = [
        line for line in output.splitlines() if "Done. PASS=" in line or " ERROR " in line or " FAIL " in line
    ]
    tail = "\n".join(summary[-25:]) if summary else output[-3000:]
    return ok, tail, time.monotonic() - started


def as_text(value: object) -> str | None:
    """Engine-neutral text of a value: dates and timestamps in ISO form, nulls as None."""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, datetime.datetime | pd.Timestamp):
        timestamp = pd.Timestamp(value)
        return timestamp.date().isoformat() if timestamp == timestamp.normalize() else timestamp.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def normalise(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Comparable form: keys sorted, numbers as floats, dates and everything else as text."""
    frame = frame.copy()
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            frame[column] = series.astype("float64")
        else:
            frame[column] = series.map(as_text)
    return frame.sort_values(keys).reset_index(drop=True)


def compare(reference: pd.DataFrame, other: pd.DataFrame, keys: list[str], tolerance: float) -> list[str]:
    """Every difference between two marts, as readable lines (empty when they are equal)."""
    problems: list[str] = []
    missing_columns = sorted(set(reference.columns) ^ set(other.columns))
    if missing_columns:
        problems.append(f"columns differ: {missing_columns}")
    columns = [c for c in reference.columns if c in other.columns]
    left, right = normalise(reference[columns], keys), normalise(other[columns], keys)
    merged = left.merge(right, on=keys, how="outer", suffixes=("_reference", "_other"), indicator=True)
    for side, label in (("left_only", "only in the reference"), ("right_only", "missing from the reference")):
        rows = merged[merged["_merge"] == side]
        if len(rows):
            sample = rows[keys].head(3).to_dict("records")
            problems.append(f"{len(rows)} rows {label}, e.g. {sample}")
    both = merged[merged["_merge"] == "both"]
    for column in (c for c in columns if c not in keys):
        expected, actual = both[f"{column}_reference"], both[f"{column}_other"]
        if pd.api.types.is_float_dtype(expected) and pd.api.types.is_float_dtype(actual):
            differs = ~(
                (expected.isna() & actual.isna())
                | ((expected - actual).abs() <= tolerance * (1 + expected.abs()))
            )
        else:
            differs = ~((expected.isna() & actual.isna()) | (expected == actual))
        if differs.any():
            row = both[differs].iloc[0]
            where = {key: row[key] for key in keys}
            problems.append(
                f"{column}: {int(differs.sum())} rows differ, e.g. {where}: "
                f"{row[f'{column}_reference']!r} vs {row[f'{column}_other']!r}"
            )
    return problems


def read_duckdb(database: Path) -> dict[str, pd.DataFrame]:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        return {mart: connection.execute(f"select * from marts.{mart}").df() for mart in MART_KEYS}


def read_postgres(dsn: str) -> dict[str, pd.DataFrame]:
    import psycopg2

    frames = {}
    connection = psycopg2.connect(dsn)
    try:
        with connection.cursor() as cursor:
            for mart in MART_KEYS:
                cursor.execute(f"select * from marts.{mart}")
                columns = [description[0] for description in cursor.description]
                frames[mart] = pd.DataFrame(cursor.fetchall(), columns=columns)
    finally:
        connection.close()
    for frame in frames.values():
        for column in frame.columns:
            if (
                frame[column].dtype == object
                and frame[column].map(lambda v: hasattr(v, "as_integer_ratio")).any()
            ):
                frame[column] = pd.to_numeric(frame[column])
    return frames


def read_spark(warehouse_dir: Path) -> dict[str, pd.DataFrame]:
    """Marts as Spark wrote them: Parquet files under <spark-warehouse>/marts.db/<mart>/."""
    import pyarrow.dataset as ds

    return {
        mart: ds.dataset(str(warehouse_dir / "marts.db" / mart), format="parquet").to_table().to_pandas()
        for mart in MART_KEYS
    }


def check_engine(
    engine: str,
    work_dir: Path,
    raw_dir: Path,
    reference: dict[str, pd.DataFrame],
    tolerance: float,
    port: int,
) -> list[str]:
    """Build on one engine and compare with the reference; return the problems found."""
    common_env = {"LEAD_SCORING_RAW_DIR": str(raw_dir)}
    if engine == "postgres":
        with postgres.running(work_dir / "postgres", port) as server:
            counts = postgres.load_raw(raw_dir, server.dsn)
            print(f"[postgres] loaded {sum(counts.values()):,} raw rows into schema raw")
            ok, log, seconds = build(engine, work_dir, {**common_env, **server.dbt_env()})
            frames = read_postgres(server.dsn) if ok else {}
    elif engine == "spark":
        if not (SPARK_VENV / "bin" / "dbt").exists():
            return [f"no Spark environment at {SPARK_VENV}: run `make venv-spark`"]
        if shutil.which("java") is None:
            return ["no Java runtime for Spark: apt-get install -y default-jre-headless"]
        spark_dir = work_dir / "spark"
        env = {**common_env, "LEAD_SCORING_TARGET": "spark", "LEAD_SCORING_SPARK_DIR": str(spark_dir)}
        ok, log, seconds = build(engine, work_dir, env)
        frames = read_spark(spark_dir / "spark-warehouse") if ok else {}
    else:
        return [f"unknown engine {engine}"]
    print(f"[{engine}] dbt build --full-refresh: {'passed' if ok else 'FAILED'} in {seconds:.0f} s\n{log}")
    if not ok:
        return [f"dbt build failed on {engine}"]
    problems = []
    for mart, keys in MART_KEYS.items():
        found = compare(reference[mart], frames[mart], keys, tolerance)
        rows = len(reference[mart])
        print(f"[{engine}] {mart}: {rows:,} rows, {'equal to DuckDB' if not found else 'DIFFERENT'}")
        problems += [f"{engine} {mart}: {problem}" for problem in found]
    return problems


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated: postgres,spark")
    parser.add_argument("--leads", type=int, default=2_000)
    parser.add_argument("--events-per-lead", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work-dir", type=Path, default=Path("build/warehouses"))
    parser.add_argument("--tolerance", type=float, default=1e-6, help="relative tolerance for numbers")
    parser.add_argument(
        "--port", type=int, default=postgres.DEFAULT_PORT, help="port of the local PostgreSQL"
    )


def run(args: argparse.Namespace) -> int:
    engines = [engine.strip() for engine in args.engines.split(",") if engine.strip()]
    work_dir = args.work_dir.resolve()
    raw_dir = work_dir / "raw"
    generate(
        raw_dir, work_dir / "truth", leads=args.leads, events_per_lead=args.events_per_lead, seed=args.seed
    )
    if not raw_files.preflight(raw_dir, "parquet"):
        return 1
    database = work_dir / "reference.duckdb"
    database.unlink(missing_ok=True)
    ok, log, seconds = build(
        "duckdb", work_dir, {"LEAD_SCORING_RAW_DIR": str(raw_dir), "LEAD_SCORING_DUCKDB_PATH": str(database)}
    )
    print(f"[duckdb] dbt build --full-refresh: {'passed' if ok else 'FAILED'} in {seconds:.0f} s\n{log}")
    if not ok:
        return 1
    reference = read_duckdb(database)
    problems: list[str] = []
    for engine in engines:
        try:
            problems += check_engine(engine, work_dir, raw_dir, reference, args.tolerance, args.port)
        except postgres.PostgresError as error:
            problems.append(f"{engine}: {error}")
    if problems:
        print("Engines differ from DuckDB or failed:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    checked = ", ".join(engines)
    print(f"{checked}: every lead, model and rule equal to DuckDB (tolerance {args.tolerance:g})")
    return 0
