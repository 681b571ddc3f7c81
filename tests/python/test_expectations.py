"""Great Expectations suites (`lead-scoring validate-data`): real negative cases on small generated data."""

from __future__ import annotations

import argparse
import csv
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from conftest import PROJECT_ROOT
from lead_scoring import expectations as ex
from lead_scoring.generate import RAW_FILES, SCHEMAS, generate

# A fixed validation clock just after the generated history (which ends before 2026-06-30).
NOW = datetime(2026, 7, 1, 12, 0)


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gx")
    generate(root / "raw", root / "truth", leads=1500, events_per_lead=20)
    return root / "raw"


def mutated(raw_dir: Path, target: Path, entity: str, change: Callable[[pa.Table], pa.Table]) -> Path:
    """A copy of the raw directory with one entity's file rewritten by `change`."""
    shutil.copytree(raw_dir, target)
    path = target / f"{entity}.parquet"
    pq.write_table(change(pq.read_table(path)), path)
    return target


def replace_column(table: pa.Table, name: str, values: pa.Array | list) -> pa.Table:
    array = values if isinstance(values, pa.Array) else pa.array(values)
    return table.set_column(table.schema.get_field_index(name), name, array)


def validate(raw: Path, *entities: str) -> ex.ValidationReport:
    return ex.validate_data(raw_dir=raw, database=None, docs_dir=None, now=NOW, entities=entities)


def failures(report: ex.ValidationReport, severity: str) -> dict[str, str]:
    return {f.expectation: f.detail for f in report.failures if f.severity == severity}


def test_generated_data_passes_strict_and_writes_data_docs(
    raw_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(ex, "utc_now", lambda: NOW)
    parser = argparse.ArgumentParser()
    ex.add_arguments(parser)
    docs = tmp_path / "data_docs"
    (docs / "validations").mkdir(parents=True)
    (docs / "validations" / "stale.html").write_text("from an earlier run")
    args = parser.parse_args(["--raw-dir", str(raw_dir), "--docs-dir", str(docs), "--skip-marts", "--strict"])

    assert ex.run(args) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "PASSED" in out and "raw.web_events" in out
    index = (docs / "index.html").read_text()
    for entity in RAW_FILES:
        assert f"raw.{entity}" in index or f"raw/{entity}" in index
    assert not (docs / "validations" / "stale.html").exists()


def test_missing_column_fails_the_schema_suite_and_names_it(raw_dir: Path, tmp_path: Path) -> None:
    raw = mutated(raw_dir, tmp_path / "raw", "crm_leads", lambda t: t.drop_columns(["email", "created_at"]))
    report = validate(raw, "crm_leads")

    critical = failures(report, "critical")
    assert "expect_column_to_exist(email)" in critical
    assert "expect_column_to_exist(created_at)" in critical
    assert report.exit_code() == 1
    text = ex.format_report(report)
    assert "CRITICAL expect_column_to_exist(email)" in text
    assert "column(s) missing: created_at, email" in text  # the dependent expectations, in one line


def test_unknown_event_type_fails_the_contract_value_set(raw_dir: Path, tmp_path: Path) -> None:
    def change(table: pa.Table) -> pa.Table:
        types = table["event_type"].to_pylist()
        types[:40] = ["video_play"] * 40
        types[40:60] = ["Page_View "] * 20  # case and whitespace: staging normalises these, so they pass
        return replace_column(table, "event_type", types)

    report = validate(mutated(raw_dir, tmp_path / "raw", "web_events", change), "web_events")

    critical = failures(report, "critical")
    assert list(critical) == ["expect_column_values_to_match_regex(event_type)"]
    detail = critical["expect_column_values_to_match_regex(event_type)"]
    assert detail.startswith("40 of ") and "video_play" in detail and "Page_View" not in detail


def test_future_event_timestamps_fail(raw_dir: Path, tmp_path: Path) -> None:
    def change(table: pa.Table) -> pa.Table:
        times = table["occurred_at"].to_pylist()
        times[:5] = [datetime(2099, 1, 1)] * 5
        return replace_column(table, "occurred_at", pa.array(times, type=pa.timestamp("us")))

    report = validate(mutated(raw_dir, tmp_path / "raw", "email_events", change), "email_events")

    critical = failures(report, "critical")
    assert list(critical) == ["expect_column_max_to_be_between(occurred_at)"]
    assert "2099-01-01" in critical["expect_column_max_to_be_between(occurred_at)"]


def test_mostly_null_emails_fail_a_warning_that_only_strict_turns_into_an_error(
    raw_dir: Path, tmp_path: Path
) -> None:
    def change(table: pa.Table) -> pa.Table:
        emails = table["email"].to_pylist()
        emails = [None if i % 10 else email for i, email in enumerate(emails)]
        return replace_column(table, "email", pa.array(emails, type=pa.string()))

    report = validate(mutated(raw_dir, tmp_path / "raw", "crm_leads", change), "crm_leads")

    assert report.critical_count == 0
    warning = failures(report, "warning")
    assert list(warning) == ["expect_column_proportion_of_non_null_values_to_be_between(email)"]
    assert warning["expect_column_proportion_of_non_null_values_to_be_between(email)"].startswith(
        "observed 0.1"
    )
    assert report.exit_code(strict=False) == 0
    assert report.exit_code(strict=True) == 1


def test_values_dbt_cannot_cast_fail_and_are_shown(raw_dir: Path, tmp_path: Path) -> None:
    def change(table: pa.Table) -> pa.Table:
        counts = pc.cast(table["employee_count"], pa.string()).to_pylist()
        counts[3] = "about 50"
        return replace_column(table, "employee_count", pa.array(counts, type=pa.string()))

    report = validate(mutated(raw_dir, tmp_path / "raw", "crm_leads", change), "crm_leads")

    critical = failures(report, "critical")
    assert list(critical) == ["expect_column_values_to_be_null(employee_count__cast_failures)"]
    assert "'about 50'" in critical["expect_column_values_to_be_null(employee_count__cast_failures)"]


def test_missing_raw_file_is_critical(raw_dir: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(raw_dir, raw)
    (raw / "sales_feedback.parquet").unlink()

    report = validate(raw, "sales_feedback")

    assert failures(report, "critical") == {"raw files present": f"no file {raw}/sales_feedback*.parquet"}


def fake_warehouse(path: Path) -> Path:
    """A tiny warehouse with the mart columns the suites read: model `default` is healthy, `enterprise`
    has 60 % hot leads and the active model `dormant` scored nobody."""
    sql = """
    create schema marts;
    create schema scoring_config;
    create table scoring_config.scoring_models as
        select * from (values ('default', true), ('enterprise', true), ('dormant', true), ('old', false))
            as t(scoring_model_id, is_active);
    create table marts.fct_lead_scores as
        select
            'L' || i as lead_id, m.scoring_model_id,
            case when (m.scoring_model_id = 'enterprise' and i % 5 < 3) or i % 20 = 0 then 'hot'
                 when i % 3 = 0 then 'warm' else 'cold' end as tier,
            i % 10 = 0 as is_mql, i % 12 = 0 as is_sql, i % 25 = 0 as is_disqualified,
            (i * 7 % 80)::double as fit_score, (i * 3 % 50)::double as engagement_score,
            ((i * 7 % 80) / 2 + (i * 3 % 50) / 2)::double as total_score,
            chr(65 + (i % 4)::int) || (1 + i % 3) as score_matrix_cell,
            'Requested a demo (+13.7)' as top_reasons, date '2026-06-29' as as_of_date
        from range(200) r(i)
        cross join (values ('default'), ('enterprise')) m(scoring_model_id);
    create table marts.fct_lead_score_points as
        select lead_id, scoring_model_id, 'rule_' || (j + hash(lead_id)) % 8 as rule_id,
               case when j < 3 then 'fit' else 'engagement' end as rule_type
        from marts.fct_lead_scores cross join range(5) r(j);
    create table marts.dim_leads as
        select 'L' || i as lead_id,
               case when i % 5 = 0 then 'free_mail' else 'business' end as email_domain_class,
               'manager' as seniority, md5('L' || i) as email_hash, false as is_deleted
        from range(200) r(i);
    create table marts.fct_account_scores as
        select 'd' || i || '.com' as account_domain, m as scoring_model_id, 2 as lead_count
        from range(100) r(i) cross join (values ('default'), ('enterprise')) v(m);
    create table marts.fct_lead_mql_history as select i % 4 = 0 as is_recycled from range(40) r(i);
    create table marts.fct_lead_score_history as
        select date '2026-06-29' - (7 * (i % 3))::int as as_of_date, total_score
        from marts.fct_lead_scores, range(3) r(i);
    """
    with duckdb.connect(str(path)) as connection:
        connection.execute(sql)
    return path


def test_marts_kpis_name_the_scoring_model_out_of_band(tmp_path: Path) -> None:
    database = fake_warehouse(tmp_path / "wh.duckdb")
    report = ex.validate_data(raw_dir=None, database=database, docs_dir=None, now=NOW)

    kpis = report.outcome(ex.KPI_SUITE)
    assert kpis.rows == 3  # the active models
    warning = failures(report, "warning")
    assert warning["expect_column_values_to_be_between(hot_share)"].startswith("1 unexpected: enterprise=0.6")
    assert "dormant=0" in warning["expect_column_values_to_be_between(scored_leads)"]
    assert all(f.suite == ex.KPI_SUITE for f in report.failures), ex.format_report(report)
    assert report.exit_code() == 0 and report.exit_code(strict=True) == 1


def test_unreadable_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ex.WarehouseError, match="no warehouse at"):
        ex.validate_data(raw_dir=None, database=tmp_path / "missing.duckdb", docs_dir=None, now=NOW)


def test_contract_matches_the_generator_and_the_event_types_seed() -> None:
    for entity in RAW_FILES:
        assert [name for name, _ in ex.RAW_CONTRACT[entity]] == SCHEMAS[entity].names
    with (PROJECT_ROOT / "seeds" / "event_types.csv").open() as handle:
        seed = list(csv.DictReader(handle))
    for (entity, column), source_system in {
        ("web_events", "event_type"): "web",
        ("email_events", "event_type"): "email",
        ("crm_activities", "activity_type"): "crm_activities",
    }.items():
        expected = {row["source_event_type"] for row in seed if row["source_system"] == source_system}
        assert set(ex.RAW_VALUE_SETS[(entity, column)]) == expected


def test_bounds_override_from_json(tmp_path: Path) -> None:
    path = tmp_path / "bounds.json"
    path.write_text('{"hot_share": [0.01, 0.4], "min_rows": {"opportunities": 0}}')
    bounds = ex.Bounds.from_json(path)
    assert bounds.hot_share == (0.01, 0.4)
    assert bounds.min_rows["opportunities"] == 0 and bounds.min_rows["crm_leads"] == 1
    path.write_text('{"hot_shares": [0, 1]}')
    with pytest.raises(ValueError, match="unknown bounds hot_shares"):
        ex.Bounds.from_json(path)
