"""The bad-input corpus (tests/fixtures/bad_rows.yml): every bad raw row is quarantined with its
reason, nothing is lost (raw rows = clean rows + rejected rows for every table), an injection-shaped
value is stored as plain text, and events of a lead that arrives later are re-admitted by an
incremental run.

One small generated data set (200 leads) is written as CSV (so any text can stand in any column),
the corpus rows are appended as `<table>-bad-rows.csv` files, and `dbt build` runs on it, then an
incremental `dbt build` after a late CRM export.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import yaml

from conftest import PROJECT_ROOT, run_dbt
from lead_scoring.generate import RAW_FILES, generate

CORPUS = yaml.safe_load((PROJECT_ROOT / "tests" / "fixtures" / "bad_rows.yml").read_text())
# Where each table's marker column lands in its clean staging model.
CLEAN_MODELS = {
    "crm_leads": ("stg_crm__leads", "first_name"),
    "crm_lead_attributes": ("stg_crm__lead_attributes", "attribute_value"),
    "web_events": ("stg_web__events", "url_path"),
    "email_events": ("stg_email__events", "clicked_url"),
    "crm_activities": ("stg_crm__activities", "activity_subject"),
    "opportunities": ("stg_crm__opportunities", "stage"),
    "sales_feedback": ("stg_crm__sales_feedback", "rep_id"),
}
SALT = "corpus-salt"
ID_COLUMNS = {"web_events": "event_id", "email_events": "event_id", "crm_leads": "lead_id"}


def marker(case: dict[str, Any]) -> str:
    return case.get("marker", f"case:{case['id']}")


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


class Corpus:
    """Turns corpus cases into CSV rows, from real rows of the generated data."""

    def __init__(self, raw_dir: Path) -> None:
        self.tables = {name: pq.read_table(raw_dir / f"{name}.parquet") for name in RAW_FILES}
        first_lead = self.tables["crm_leads"].slice(0, 1).to_pylist()[0]
        email_rows = self.tables["email_events"].to_pylist()
        web_rows = self.tables["web_events"].to_pylist()
        self.placeholders = {
            "{lead}": first_lead["lead_id"],
            "{web_event}": min(web_rows, key=lambda row: row["occurred_at"])["event_id"],
            "{email_event}": min(email_rows, key=lambda row: row["occurred_at"])["event_id"],
        }

    def template(self, table: str, like: str | None) -> dict[str, Any]:
        rows = self.tables[table]
        if like is None:
            return rows.slice(0, 1).to_pylist()[0]
        wanted = self.placeholders.get(like, like)
        id_column = ID_COLUMNS[table]
        return next(row for row in rows.to_pylist() if row[id_column] == wanted)

    def row(self, case: dict[str, Any]) -> dict[str, str]:
        row = {key: as_text(value) for key, value in self.template(case["table"], case.get("like")).items()}
        for column, value in (case.get("set") or {}).items():
            assert column in row, f"{case['id']}: {case['table']} has no column {column}"
            row[column] = self.placeholders.get(str(value), str(value))
        row[CORPUS["markers"][case["table"]]] = marker(case)
        return row


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def locate(connection: duckdb.DuckDBPyConnection, case: dict[str, Any]) -> list[str]:
    """Where the case's row is: 'clean' and/or the rejection reasons it got."""
    table = case["table"]
    clean_model, clean_column = CLEAN_MODELS[table]
    raw_column = "raw_" + CORPUS["markers"][table]
    found = [
        "clean"
        for _ in connection.execute(
            f"select 1 from staging.{clean_model} where {clean_column} = ?", [marker(case)]
        ).fetchall()
    ]
    found += [
        reason
        for (reason,) in connection.execute(
            f"select rejection_reason from staging.{clean_model}_rejected where {raw_column} = ?",
            [marker(case)],
        ).fetchall()
    ]
    return found


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("bad_rows")
    parquet_dir, raw_dir = work / "parquet", work / "raw"
    generate(parquet_dir, work / "truth", leads=200, events_per_lead=20)
    raw_dir.mkdir()
    for name in RAW_FILES:
        pacsv.write_csv(pq.read_table(parquet_dir / f"{name}.parquet"), raw_dir / f"{name}.csv")
    corpus = Corpus(parquet_dir)
    bad_rows: dict[str, list[dict[str, str]]] = {}
    for case in CORPUS["cases"]:
        bad_rows.setdefault(case["table"], []).append(corpus.row(case))
    for table, rows in bad_rows.items():
        write_rows(raw_dir / f"{table}-bad-rows.csv", rows)

    database = work / "warehouse.duckdb"
    env = {
        "LEAD_SCORING_RAW_DIR": str(raw_dir),
        "LEAD_SCORING_RAW_FORMAT": "csv",
        "LEAD_SCORING_DUCKDB_PATH": str(database),
        "LEAD_SCORING_EMAIL_HASH_SALT": SALT,
    }
    # The hot > warm > cold conversion check needs more leads per tier than this small set has.
    target = [
        "--target-path",
        str(work / "target"),
        "--vars",
        "{score_history_checkpoints: 2}",
        "--exclude",
        "assert_conversion_rate_falls_from_hot_to_cold",
    ]

    def build() -> dict[str, Any]:
        result = run_dbt(PROJECT_ROOT, ["build", *target], env=env)
        assert result.returncode == 0, result.stdout[-6000:]
        with duckdb.connect(str(database), read_only=True) as connection:
            located = {case["id"]: locate(connection, case) for case in CORPUS["cases"]}
            counts = {
                table: connection.execute(
                    f"select (select count(*) from read_csv('{raw_dir}/{table}*.csv', union_by_name = true)),"
                    f" (select count(*) from staging.{model}),"
                    f" (select count(*) from staging.{model}_rejected)"
                ).fetchone()
                for table, (model, _) in CLEAN_MODELS.items()
            }
            scored = connection.execute("select count(*) from marts.fct_lead_scores").fetchone()[0]
            injected = connection.execute(
                "select job_title from staging.stg_crm__leads where first_name = ?",
                ["case:lead_injection_in_name"],
            ).fetchall()
            hashed = connection.execute(
                "select email_hash from marts.dim_leads where lead_id = 'LBAD0009'"
            ).fetchall()
        return {
            "located": located,
            "counts": counts,
            "scored": scored,
            "injected": injected,
            "hashed": hashed,
        }

    first = build()
    write_rows(raw_dir / "crm_leads-late.csv", [corpus.row(case) for case in CORPUS["late_rows"]])
    second = build()
    return {"first": first, "second": second}


def test_the_corpus_covers_every_rejection_reason() -> None:
    reasons = {case["expect"] for case in CORPUS["cases"]} - {"clean"}
    with (PROJECT_ROOT / "seeds" / "rejection_reasons.csv").open() as handle:
        seeded = {row["rejection_reason"] for row in csv.DictReader(handle)}
    assert len(CORPUS["cases"]) >= 20
    assert seeded - reasons == set(), "reasons without a bad-input case"
    assert reasons - seeded == set(), "cases expecting a reason the seed does not know"


@pytest.mark.parametrize("case", CORPUS["cases"], ids=[case["id"] for case in CORPUS["cases"]])
def test_each_bad_row_lands_where_expected(builds: dict[str, Any], case: dict[str, Any]) -> None:
    assert builds["first"]["located"][case["id"]] == [case["expect"]]


@pytest.mark.parametrize("phase", ["first", "second"])
def test_raw_rows_equal_clean_plus_rejected(builds: dict[str, Any], phase: str) -> None:
    for table, (raw_rows, clean_rows, rejected_rows) in builds[phase]["counts"].items():
        assert raw_rows == clean_rows + rejected_rows, table
        assert rejected_rows > 0, f"the corpus quarantines rows of {table}"


def test_injection_shaped_values_harm_nothing(builds: dict[str, Any]) -> None:
    injection = next(case for case in CORPUS["cases"] if case["id"] == "lead_injection_in_name")
    for phase in ("first", "second"):
        assert builds[phase]["injected"] == [(injection["set"]["job_title"],)], "stored as plain text"
        assert builds[phase]["scored"] > 200, "the marts the value names are still there"


def test_late_lead_readmits_its_quarantined_rows(builds: dict[str, Any]) -> None:
    for case_id in CORPUS["readmitted"]:
        assert builds["first"]["located"][case_id] == ["unknown_lead_id"]
        assert builds["second"]["located"][case_id] == ["clean"], case_id
    others = {case["id"] for case in CORPUS["cases"]} - set(CORPUS["readmitted"])
    for case_id in others:
        assert builds["second"]["located"][case_id] == builds["first"]["located"][case_id], case_id


def test_bi_marts_carry_a_salted_email_hash_not_the_email(builds: dict[str, Any]) -> None:
    expected = hashlib.md5(f"{SALT}ok9@example.org".encode()).hexdigest()
    assert builds["first"]["hashed"] == [(expected,)]
