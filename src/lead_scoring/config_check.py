"""`lead-scoring validate-config`: check the scoring configuration (the seeds) before any model runs,
and say which seed, which rows and which check failed.

It runs `dbt build --select resource_type:seed --indirect-selection cautious --store-failures`
(load every seed, run every test that reads only seeds), then, for each failing check, prints the
seed it guards, what the check means and the offending rows that dbt stored. Exit 0 when the
configuration is valid, 1 when a check failed, 2 when dbt could not run at all.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

VALIDATE = ["build", "--select", "resource_type:seed", "--indirect-selection", "cautious", "--store-failures"]
FAILED = {"fail", "error", "runtime error"}
# What a failing generic test means, in words.
CHECK_MEANINGS = {
    "not_null": "a required value is empty",
    "not_null_columns": "a required value is empty",
    "unique": "a value that must be unique is repeated",
    "accepted_values": "a value is not one of the allowed ones",
    "relationships": "a value refers to something that does not exist",
    "relationships_composite": "a combination of values refers to something that does not exist",
    "unique_combination_of_columns": "a combination of values that must be unique is repeated",
    "accepted_range": "a number is outside its allowed range",
    "expression_is_true": "a rule between columns does not hold",
    "is_numeric": "a value that must be a number is not",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project-dir", type=Path, default=Path("."), help="dbt project directory")
    parser.add_argument("--target-path", default="target", help="dbt target path (artifacts)")
    parser.add_argument("--dbt", default=None, help="dbt executable (default: the one next to this Python)")


def dbt_executable(explicit: str | None) -> str:
    if explicit:
        return explicit
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(dbt: str, project_dir: Path, args: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    env.setdefault("DBT_PROFILES_DIR", str(project_dir.resolve()))
    return subprocess.run([dbt, *args], cwd=project_dir, env=env, capture_output=True, text=True, check=False)


def describe_failure(result: dict, manifest: dict) -> tuple[str, str]:
    """(seed files the check reads, sentence saying what failed) for one failing test result."""
    node = manifest["nodes"].get(result["unique_id"], {})
    metadata = node.get("test_metadata") or {}
    seeds = [dep for dep in node.get("depends_on", {}).get("nodes", []) if dep.startswith("seed.")]
    if node.get("attached_node"):
        seeds = [node["attached_node"]]
    files = ", ".join(f"seeds/{seed.split('.')[-1]}.csv" for seed in seeds) or "seeds"
    name = node.get("name", result["unique_id"])
    if metadata:
        column = node.get("column_name") or ""
        meaning = CHECK_MEANINGS.get(metadata.get("name", ""), metadata.get("name", "check"))
        where = f"column {column}: " if column else ""
        sentence = f"{where}{meaning} ({name})"
    else:
        # a singular test: its leading comment says what it checks
        comment = [
            line.strip().lstrip("-").strip()
            for line in node.get("raw_code", "").splitlines()
            if line.strip().startswith("--")
        ]
        sentence = f"{comment[0] if comment else 'configuration check'} ({name})"
    if result.get("failures"):
        sentence += f"; {result['failures']} failing row(s)"
    if result["status"] == "error":
        sentence += f"; error: {(result.get('message') or '').strip()[:300]}"
    return files, sentence


def failing_rows(
    dbt: str, project_dir: Path, target_path: str, relations: list[str]
) -> dict[str, list[dict]]:
    if not relations:
        return {}
    args = json.dumps({"relations": relations})
    completed = run_dbt(
        dbt,
        project_dir,
        ["run-operation", "print_test_failures", "--args", args, "--target-path", target_path],
    )
    rows: dict[str, list[dict]] = {}
    for line in completed.stdout.splitlines():
        parts = line.split("\t", 2)
        if len(parts) == 3 and parts[0].endswith("failure"):
            rows.setdefault(parts[1], []).append(json.loads(parts[2]))
    return rows


def run(args: argparse.Namespace) -> int:
    dbt = dbt_executable(args.dbt)
    project_dir = args.project_dir
    completed = run_dbt(dbt, project_dir, [*VALIDATE, "--target-path", args.target_path])
    target = project_dir / args.target_path
    try:
        results = json.loads((target / "run_results.json").read_text())["results"]
        manifest = json.loads((target / "manifest.json").read_text())
    except (OSError, ValueError, KeyError):
        sys.stderr.write(completed.stdout[-4000:] + completed.stderr[-4000:])
        sys.stderr.write("\nvalidate-config: dbt did not run (see its output above)\n")
        return 2
    failed = [result for result in results if result["status"] in FAILED]
    if not failed and completed.returncode == 0:
        seeds = sum(1 for result in results if result["unique_id"].startswith("seed."))
        checks = sum(1 for result in results if result["unique_id"].startswith("test."))
        print(f"configuration OK: {seeds} seeds, {checks} checks passed")
        return 0
    relations = [result["relation_name"] for result in failed if result.get("relation_name")]
    rows = failing_rows(dbt, project_dir, args.target_path, relations)
    lines = [f"Invalid scoring configuration: {len(failed)} check(s) failed; nothing was built."]
    for result in failed:
        files, sentence = describe_failure(result, manifest)
        lines.append(f"  {files}: {sentence}")
        for row in rows.get(result.get("relation_name") or "", []):
            lines.append(f"      offending row: {json.dumps(row)}")
    if not failed:
        lines.append(completed.stdout[-3000:])
    sys.stderr.write("\n".join(lines) + "\n")
    return 1
