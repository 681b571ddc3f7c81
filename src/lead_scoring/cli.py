"""The one command-line entry point of the project's tooling: `lead-scoring <command>`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from lead_scoring import (
    byod,
    config_check,
    expectations,
    generate,
    postgres,
    predictive_evaluation,
    publish,
    raw_files,
    report,
    summary,
    warehouses,
    weights,
)

Command = tuple[str, str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]

COMMANDS: list[Command] = [
    (
        "generate",
        "write deterministic synthetic raw data and its ground truth",
        generate.add_arguments,
        generate.run,
    ),
    (
        "validate-config",
        "check the scoring seeds before any model is built; name each bad seed row and check",
        config_check.add_arguments,
        config_check.run,
    ),
    (
        "check-raw",
        "check the raw files for whole-file faults (missing, empty, unreadable, wrong columns or delimiter)",
        raw_files.add_arguments,
        raw_files.run,
    ),
    (
        "import-crm",
        "turn a generic CRM export (CSV + a mapping file) into the raw files, with an import manifest",
        byod.add_arguments,
        byod.run,
    ),
    (
        "build-byod",
        "build an imported export (import-crm) into a warehouse of its own and print the evaluation",
        byod.add_build_arguments,
        byod.run_build_command,
    ),
    (
        "load-postgres",
        "copy the raw files into schema raw of a PostgreSQL database (LEAD_SCORING_PG_* variables)",
        postgres.add_arguments,
        postgres.run,
    ),
    (
        "check-warehouses",
        "build on DuckDB, PostgreSQL and Spark and compare the score marts",
        warehouses.add_arguments,
        warehouses.run,
    ),
    (
        "validate-data",
        "Great Expectations suites on the raw files and the marts; Data Docs in reports/data_docs",
        expectations.add_arguments,
        expectations.run,
    ),
    (
        "summary",
        "print where the marts are and the tiers per scoring model",
        summary.add_arguments,
        summary.run,
    ),
    (
        "evaluate",
        "print how every scoring model ranked the evaluation holdout (marts.rpt_scoring_model_evaluation)",
        predictive_evaluation.add_arguments,
        predictive_evaluation.run,
    ),
    (
        "report",
        "render the static HTML report with charts (reports/lead_scoring_report.html)",
        report.add_arguments,
        report.run,
    ),
    (
        "mart-hash",
        "content hash of every table in schema marts (rows in a canonical order): equal builds, equal hashes",
        publish.add_arguments,
        publish.run,
    ),
    (
        "suggest-weights",
        "data-driven weights (WoE / IV, logistic regression, points): a candidate scoring model in the seeds",
        weights.add_arguments,
        weights.run,
    ),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lead-scoring", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name, help_text, add_arguments, run in COMMANDS:
        subparser = subparsers.add_parser(name, help=help_text, description=help_text)
        add_arguments(subparser)
        subparser.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
