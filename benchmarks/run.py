"""The scale benchmark of issue 6: `make bench` (scales from BENCH_SCALES, default S,M,L).

Per scale, in build/bench/<scale>/ (its own raw directory, warehouse, dbt target and log paths):

1. generate   `lead-scoring generate` of the scale's leads into raw/                        (timed)
2. full build `dbt build --full-refresh`: seeds, every model (predictive Python model and
              evaluation reports included), every data and unit test, publish                 (timed)
3. scoring path `dbt run --select +fct_lead_scores` with no history checkpoints and no backtest
              dates, no tests: the single query's work done by the dbt models (own warehouse)    (timed)
4. single     benchmarks/single_query.sql in a fresh DuckDB process: fct_lead_scores straight
              from the raw files and seeds (the practical limit), written to single_query.parquet,
              then compared with marts.fct_lead_scores of step 2                              (timed)
5. append     `lead-scoring generate --append-day` (1 % new events)                         (timed)
6. incremental `dbt build` without --full-refresh, tests included                            (timed)

Wall time per step; peak memory = the largest resident set of the step's process tree, sampled every
0.1 s from /proc, or the largest single process's peak from wait4(), whichever is larger; the row's
peak_rss_mb is the maximum over the project's steps (the single query, a reference, is in
step_peak_rss_mb only). At L dbt runs one model at a time (DBT_THREADS) and the single query may be
given more memory than dbt's 4 GB (BENCH_SINGLE_MEMORY): it does not fit in 4 GB there. A step that
fails is recorded in failed_steps (how long it ran, its error). Prints a table and merges the
measured scales into benchmarks/results.json (scales not run keep their previous entry). Nothing here
is a pass / fail test: the targets are printed beside the figures.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "benchmarks" / "results.json"))
SINGLE_QUERY = ROOT / "benchmarks" / "single_query.sql"
SCALES = {"S": 10_000, "M": 100_000, "L": 1_000_000}
DEV_SCALES = {"XS": 1_000}  # to try the harness: BENCH_SCALES=XS BENCH_RESULTS=/tmp/results.json
# dbt threads per scale: at L two large models side by side exceed DuckDB's 4 GB limit (the daily
# counts ran out of memory beside the fit points), so L builds one model at a time.
DBT_THREADS = {"XS": 2, "S": 2, "M": 2, "L": 1}
EVENTS_PER_LEAD = 52  # ~50 events per lead after the generator's ~3 % shortfall
SEED = 42
PAGE = os.sysconf("SC_PAGE_SIZE")
FULL_BUILD_INCLUDES = (
    "dbt build --full-refresh: 14 seeds, all models (predictive Python model, 26 weekly history "
    "checkpoints, evaluation reports), all data and unit tests, publish"
)
SCORING_PATH_INCLUDES = (
    "dbt run --select +fct_lead_scores with score_history_checkpoints 0 and backtest_cohorts 0: the "
    "single query's work (scores at the as-of date) in dbt, no tests, seeds loaded beforehand"
)
INCREMENTAL_INCLUDES = (
    "dbt build (no --full-refresh) after generate --append-day (1 % new events), tests included"
)


@dataclass
class Step:
    seconds: float
    peak_rss_mb: float
    output: str


class StepFailed(Exception):
    """A step's command exited non-zero: how long it ran, its peak memory and the end of its output."""

    def __init__(self, seconds: float, peak_rss_mb: float, message: str, last_line: str) -> None:
        super().__init__(message)
        self.seconds, self.peak_rss_mb, self.last_line = seconds, peak_rss_mb, last_line


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (0 for processes that vanished)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, ()))
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except OSError:
            pass
    return total


def run_step(args: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> Step:
    """Run a command; return its wall time, peak memory of its process tree and its output."""
    full_env = {**os.environ, "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **(env or {})}
    out_path = log or Path(os.devnull)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], _tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    output = out_path.read_text() if log else ""
    peak_bytes = max(peak[0], usage.ru_maxrss * 1024)
    if proc.returncode != 0:
        lines = [line for line in output.splitlines() if line.strip()]
        errors = [line for line in lines if "Error" in line]
        raise StepFailed(
            seconds,
            peak_bytes / 2**20,
            f"benchmark step failed ({proc.returncode}): {' '.join(args)}\n" + "\n".join(lines[-30:]),
            (errors or lines or [f"exit status {proc.returncode}"])[-1].strip()[:300],
        )
    return Step(seconds=seconds, peak_rss_mb=peak_bytes / 2**20, output=output)


def single_query_sql(raw_dir: Path, seed_dir: Path = ROOT / "seeds") -> str:
    """The single query with the raw and seed directories filled in."""
    sql = SINGLE_QUERY.read_text()
    return sql.replace("@RAW_DIR@", str(raw_dir.resolve())).replace("@SEED_DIR@", str(seed_dir.resolve()))


def compare_with_mart(single_parquet: Path, warehouse: Path) -> dict[str, float | int]:
    """Share of (lead, model) rows whose total_score agrees within 0.01, and exact agreement counts."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute(
            f"""
            with single as (select * from read_parquet('{single_parquet}')),
            mart as (select * from marts.fct_lead_scores),
            joined as (
                select mart.*, single.total_score as s_total, single.fit_score as s_fit,
                    single.engagement_score as s_engagement, single.tier as s_tier, single.is_mql as s_mql,
                    single.lead_id is not null as in_single, mart.lead_id is not null as in_mart
                from mart full outer join single using (lead_id, scoring_model_id)
            )
            select
                count(*) filter (where in_mart) as mart_rows,
                count(*) filter (where in_single) as single_rows,
                count(*) filter (where in_mart and in_single and abs(total_score - s_total) <= 0.01)
                    as within_001,
                count(*) filter (
                    where in_mart and in_single and total_score = s_total and fit_score = s_fit
                    and engagement_score = s_engagement and tier = s_tier and is_mql = s_mql
                ) as exact
            from joined
            """
        ).fetchone()
    finally:
        con.close()
    mart_rows, single_rows, within, exact = row
    union = max(mart_rows, single_rows, 1)
    return {
        "mart_rows": mart_rows,
        "single_query_rows": single_rows,
        "total_within_0_01_share": round(within / union, 6),
        "exact_row_share": round(exact / union, 6),
    }


def machine() -> str:
    """CPU model, core count and memory of this machine."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    system = f"{platform.system()} {platform.release()}"
    return f"{model}, {os.cpu_count()} cores, {mem_kb / 2**20:.0f} GB RAM, {system}"


def bench_scale(scale: str, leads: int, full_builds: bool = True, references: bool = True) -> dict:
    """Run the six steps at one scale (without the full and incremental builds, append and their
    checks when `full_builds` is false: BENCH_BUILDS=0; without the scoring path and the single query
    when `references` is false: BENCH_REFERENCE=0); return its results.json entry."""
    work = ROOT / "build" / "bench" / scale
    raw, truth = work / "raw", work / "truth"
    shutil.rmtree(work, ignore_errors=True)
    warehouse = work / "lead_scoring.duckdb"
    threads = os.environ.get("LEAD_SCORING_THREADS", str(DBT_THREADS[scale]))
    dbt_env = {
        "DBT_PROFILES_DIR": str(ROOT),
        "LEAD_SCORING_DUCKDB_PATH": str(warehouse),
        "LEAD_SCORING_RAW_DIR": str(raw),
        "LEAD_SCORING_THREADS": threads,
    }
    dbt_paths = ["--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    cli = str(BIN / "lead-scoring")
    load_before = os.getloadavg()[0]
    print(f"[{scale}] generate {leads:,} leads", flush=True)
    gen_step = run_step(
        [cli, "generate", "--leads", str(leads), "--events-per-lead", str(EVENTS_PER_LEAD),
         "--seed", str(SEED), "--out", str(raw), "--truth-dir", str(truth)],
        log=work / "generate.log",
    )  # fmt: skip
    counts = _row_counts(raw)
    # A step that fails (at L: out of memory or disk) is recorded with how long it ran and why,
    # and the steps that need its result are skipped; the others still run.
    failed: dict[str, dict] = {}

    def attempt(name: str, args: list[str], **kwargs: object) -> Step | None:
        try:
            return run_step(args, **kwargs)  # type: ignore[arg-type]
        except StepFailed as error:
            failed[name] = {
                "after_s": round(error.seconds, 1),
                "peak_rss_mb": round(error.peak_rss_mb),
                "error": error.last_line,
            }
            print(f"[{scale}] {name} failed after {error.seconds:.0f} s: {error.last_line}", flush=True)
            return None

    full = None
    if full_builds:
        print(f"[{scale}] dbt build --full-refresh", flush=True)
        full = attempt(
            "full_build",
            [str(BIN / "dbt"), "build", "--full-refresh", *dbt_paths],
            env=dbt_env,
            log=work / "full_build.log",
        )
    sql_file = work / "single_query.sql"
    single_parquet = work / "single_query.parquet"
    sql_file.write_text(single_query_sql(raw))
    scoring_path = single = None
    if references:
        # The single query's work in dbt: fct_lead_scores and what it needs, as of the as-of date only
        # (no history checkpoints, no backtest dates), no tests, in a warehouse of its own (untimed seeds).
        print(f"[{scale}] dbt scoring path (the single query's work)", flush=True)
        path_env = {**dbt_env, "LEAD_SCORING_DUCKDB_PATH": str(work / "scoring_path" / "lead_scoring.duckdb")}
        path_args = ["--target-path", str(work / "target_path"), "--log-path", str(work / "logs_path"),
                     "--vars", "{score_history_checkpoints: 0, backtest_cohorts: 0}"]  # fmt: skip
        run_step([str(BIN / "dbt"), "seed", *path_args], env=path_env, log=work / "scoring_path_seed.log")
        scoring_path = attempt(
            "scoring_path",
            [str(BIN / "dbt"), "run", "--select", "+fct_lead_scores", *path_args],
            env=path_env,
            log=work / "scoring_path.log",
        )
        print(f"[{scale}] single query", flush=True)
        single = attempt(
            "single_query",
            [
                sys.executable,
                "-c",
                _SINGLE_RUNNER,
                str(sql_file),
                str(single_parquet),
                _single_memory(),
                str(work / "single_query.tmp"),
            ],
            log=work / "single_query.log",
        )
    # against the full build's published marts, else the scoring path's work copy (a partial run)
    reference = full if full_builds else scoring_path
    agreement = None
    if single is not None and reference is not None:
        marts = warehouse if full_builds else work / "scoring_path" / "work" / "lead_scoring.duckdb"
        agreement = compare_with_mart(single_parquet, marts)
    steps = {"generate": gen_step, "full_build": full, "scoring_path": scoring_path, "single_query": single}
    if full is not None:
        check_single = single is not None
        steps.update(
            _append_and_incremental(scale, work, raw, sql_file, warehouse, dbt_env, dbt_paths, check_single)
        )
    measured = {name: step for name, step in steps.items() if isinstance(step, Step)}
    return {
        "scale": scale,
        "leads": leads,
        "events": counts["events"],
        "generate_s": round(gen_step.seconds, 1),
        "full_build_s": _rounded(full),
        "incremental_s": _rounded(steps.get("incremental")),
        "single_query_s": _rounded(single),
        "scoring_path_s": _rounded(scoring_path),
        # the project's own steps, failed ones included (a step that ran out of memory still used it);
        # the single query is the reference, its memory is reported per step
        "peak_rss_mb": round(
            max(
                [s.peak_rss_mb for name, s in measured.items() if name != "single_query"]
                + [f["peak_rss_mb"] for name, f in failed.items() if name != "single_query"]
            )
        ),
        "append_day_s": _rounded(steps.get("append")),
        "measured_on": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "measured_machine": machine(),
        # other work on the machine inflates every time: 1-minute load average before and after
        "load_average_1m": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "step_peak_rss_mb": {name: round(s.peak_rss_mb) for name, s in measured.items()},
        "crm_lead_rows": counts["crm_leads"],
        "full_build_includes": FULL_BUILD_INCLUDES if full_builds else "not run (BENCH_BUILDS=0)",
        "incremental_includes": INCREMENTAL_INCLUDES if full_builds else "not run (BENCH_BUILDS=0)",
        "scoring_path_includes": SCORING_PATH_INCLUDES,
        "single_query_agreement": agreement,
        "single_query_agreement_after_incremental": steps.get("agreement_after"),
        "failed_steps": failed,
        "reference_steps": "run" if references else "not run (BENCH_REFERENCE=0)",
        "dbt_threads": int(threads),
        "duckdb_memory_limit": os.environ.get("LEAD_SCORING_DUCKDB_MEMORY", "4GB"),
        "single_query_memory_limit": _single_memory(),
    }


# What the scoring path and the single query measured; kept from an earlier run when they are not run.
REFERENCE_FIELDS = (
    "scoring_path_s",
    "single_query_s",
    "single_query_agreement",
    "single_query_agreement_after_incremental",
    "single_query_by_hand",
    "predictive_path_by_hand",
    "single_query_memory_limit",
)


def carry_references(entry: dict, previous: dict | None) -> dict:
    """An entry measured with BENCH_REFERENCE=0, with the scoring path's and single query's figures
    of the scale's previous entry (the same generator and seed, so the same data) and their date in
    `references_from`; their peak memory per step too. Without a previous entry, they stay empty."""
    if previous is None:
        return entry
    carried = {**entry}
    for field in REFERENCE_FIELDS:
        if previous.get(field) is not None:
            carried[field] = previous[field]
    earlier_steps = previous.get("step_peak_rss_mb") or {}
    carried["step_peak_rss_mb"] = {
        **{step: earlier_steps[step] for step in ("scoring_path", "single_query") if step in earlier_steps},
        **entry["step_peak_rss_mb"],
    }
    carried["references_from"] = {
        "measured_on": previous.get("measured_on"),
        "fields": [f for f in REFERENCE_FIELDS if previous.get(f) is not None],
        "failed_steps": {
            step: failure
            for step, failure in (previous.get("failed_steps") or {}).items()
            if step in ("scoring_path", "single_query")
        },
    }
    return carried


def _rounded(step: Step | None) -> float | None:
    return None if step is None else round(step.seconds, 1)


def _append_and_incremental(
    scale: str,
    work: Path,
    raw: Path,
    sql_file: Path,
    warehouse: Path,
    dbt_env: dict,
    dbt_paths: list[str],
    check_single: bool = True,
) -> dict:
    """Append a day, build incrementally, and check the marts against the single query again."""
    cli = str(BIN / "lead-scoring")
    print(f"[{scale}] append a day", flush=True)
    append = run_step(
        [cli, "generate", "--append-day", "--out", str(raw), "--seed", str(SEED)], log=work / "append.log"
    )
    print(f"[{scale}] dbt build (incremental)", flush=True)
    incremental = run_step([str(BIN / "dbt"), "build", *dbt_paths], env=dbt_env, log=work / "incremental.log")
    if not check_single:  # the single query did not fit the first time: no second attempt
        return {"append": append, "incremental": incremental}
    # the incremental build's marts against the single query over the appended data (untimed check)
    after_parquet = work / "single_query_after_append.parquet"
    run_step(
        [
            sys.executable,
            "-c",
            _SINGLE_RUNNER,
            str(sql_file),
            str(after_parquet),
            _single_memory(),
            str(work / "single_query.tmp"),
        ],
        log=work / "single_query_2.log",
    )
    return {
        "append": append,
        "incremental": incremental,
        "agreement_after": compare_with_mart(after_parquet, warehouse),
    }


_SINGLE_RUNNER = """
import os, sys, duckdb
sql = open(sys.argv[1]).read().rstrip().rstrip(';')
con = duckdb.connect()
# the dbt build's insertion-order setting (profiles.yml) and memory limit, unless BENCH_SINGLE_MEMORY
# gives the query more (at L it does not fit in 4 GB)
con.execute(f"set memory_limit = '{sys.argv[3]}'")
# spill into the scale's folder (removed with it), not .tmp/ of the current directory
con.execute(f"set temp_directory = '{sys.argv[4]}'")
con.execute("set preserve_insertion_order = false")
con.execute(f"copy ({sql}) to '{sys.argv[2]}' (format parquet)")
print(con.execute(f"select count(*) from read_parquet('{sys.argv[2]}')").fetchone()[0], 'rows')
"""


def _single_memory() -> str:
    """The single query's DuckDB memory limit: BENCH_SINGLE_MEMORY, else the dbt build's."""
    return os.environ.get("BENCH_SINGLE_MEMORY", os.environ.get("LEAD_SCORING_DUCKDB_MEMORY", "4GB"))


def _row_counts(raw: Path) -> dict[str, int]:
    def rows(entity: str) -> int:
        return sum(pq.ParquetFile(p).metadata.num_rows for p in raw.glob(f"{entity}*.parquet"))

    return {
        "events": sum(rows(e) for e in ("web_events", "email_events", "crm_activities")),
        "crm_leads": rows("crm_leads"),
    }


def print_table(entries: list[dict]) -> None:
    """The measured figures and the issue's targets."""
    header = (
        f"{'scale':<6}{'leads':>10}{'events':>12}{'generate':>10}{'full build':>12}{'incremental':>13}"
        f"{'scoring path':>14}{'single query':>14}{'peak RSS':>10}{'agree':>8}"
    )
    print(header)
    for e in entries:
        agree = (e.get("single_query_agreement") or {}).get("total_within_0_01_share")
        print(
            f"{e['scale']:<6}{e['leads']:>10,}{e['events']:>12,}{e['generate_s']:>9.1f}s"
            f"{_seconds(e['full_build_s']):>12}{_seconds(e['incremental_s']):>13}"
            f"{_seconds(e.get('scoring_path_s')):>14}{_seconds(e['single_query_s']):>14}"
            f"{e['peak_rss_mb'] / 1024:>8.2f}GB"
            f"{'' if agree is None else f'{100 * agree:.1f}%':>8}"
        )
    print(f"full build = {FULL_BUILD_INCLUDES}")
    print(f"incremental = {INCREMENTAL_INCLUDES}")
    print(f"scoring path = {SCORING_PATH_INCLUDES}")
    print(
        "agree = share of (lead, model) rows of fct_lead_scores whose total_score the single query "
        "matches within 0.01"
    )
    for e in entries:
        full, single, inc = e["full_build_s"], e["single_query_s"], e["incremental_s"]
        for name, failure in (e.get("failed_steps") or {}).items():
            print(f"{e['scale']}: {name} FAILED after {failure['after_s']:.0f} s: {failure['error']}")
        if full is None or inc is None or single is None:
            path = e.get("scoring_path_s")
            ratio = path and single and f"{path / single:.1f} x single query"
            peak = e["peak_rss_mb"]
            # the target is the full build's: without one, only a peak above it says something
            peak_verdict = (
                f"NOT met ({peak / 1024:.2f} GB)"
                if peak > 6 * 1024
                else "not shown (no complete full build)"
                if full is None
                else "met"
            )
            print(f"targets {e['scale']}: not all builds and queries ran; peak <= 6 GB: {peak_verdict}; "
                  f"scoring path = {ratio or '-'}")  # fmt: skip
            continue
        print(
            f"targets {e['scale']}: full build <= 1.5 x single query + 5 s: "
            f"{full:.1f} <= {1.5 * single + 5:.1f} "
            f"{'met' if full <= 1.5 * single + 5 else 'NOT met'}; incremental <= 5 % of full: "
            f"{100 * inc / full:.1f} % {'met' if inc <= 0.05 * full else 'NOT met'}; peak <= 6 GB: "
            f"{'met' if e['peak_rss_mb'] <= 6 * 1024 else 'NOT met'}"
            + (
                f"; S with all tests <= 30 s: {'met' if full <= 30 else 'NOT met'}"
                if e["scale"] == "S"
                else ""
            )
            + (
                f"; scoring path = {e['scoring_path_s'] / single:.1f} x single query"
                if e.get("scoring_path_s")
                else ""
            )
        )


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}s"


def main() -> int:
    wanted = [s.strip().upper() for s in os.environ.get("BENCH_SCALES", "S,M,L").split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SCALES and s not in DEV_SCALES]
    if unknown:
        raise SystemExit(f"BENCH_SCALES: unknown scale(s) {unknown}; use S, M, L")
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    measured = {e["scale"]: e for e in previous.get("scales", [])}
    full_builds = os.environ.get("BENCH_BUILDS", "1") != "0"
    references = os.environ.get("BENCH_REFERENCE", "1") != "0"
    for scale in wanted:
        try:
            entry = bench_scale(scale, {**DEV_SCALES, **SCALES}[scale], full_builds, references)
        except StepFailed as error:  # generation or the seeds: nothing to measure at this scale
            raise SystemExit(str(error)) from None
        measured[scale] = entry if references else carry_references(entry, measured.get(scale))
    entries = [measured[s] for s in (*DEV_SCALES, *SCALES) if s in measured]
    result = {
        "machine": machine(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "scales": entries,
        "note": f"measured in this run: {', '.join(wanted)}; not measured (absent): "
        + (", ".join(s for s in SCALES if s not in measured) or "none"),
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print_table(entries)
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
