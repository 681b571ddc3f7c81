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
from lead_scoring.raw_files import REQUIRED_ROWS

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


def test_raw_suites_are_critical_only_for_the_schema() -> None:
    """Row-level faults are dbt's quarantine's business: no raw expectation but the schema is critical.
    An empty entity is critical only where check-raw says so too (leads, web and email events)."""
    for entity in ex.RAW_ENTITIES:
        suite = ex.raw_suite(entity, ex.Bounds(), NOW, NOW)
        critical = {
            e.expectation_type
            for e in suite.expectations
            if str(getattr(e.severity, "value", e.severity)) == "critical"
        }
        schema = {"expect_column_to_exist"}
        if entity in REQUIRED_ROWS:
            schema.add("expect_table_row_count_to_be_between")
        assert critical == schema, entity


def as_text(table: pa.Table, name: str) -> list:
    return pc.cast(table[name], pa.string()).to_pylist()


def set_rows(
    column: str, value: object, text: bool = False
) -> Callable[[int], Callable[[pa.Table], pa.Table]]:
    """A change that sets `column` to `value` in the first `count` rows (the column becomes text if asked)."""

    def rows(count: int) -> Callable[[pa.Table], pa.Table]:
        def change(table: pa.Table) -> pa.Table:
            values = as_text(table, column) if text else table[column].to_pylist()
            values[:count] = [value] * count
            kind = pa.string() if text else table.schema.field(column).type
            return replace_column(table, column, pa.array(values, type=kind))

        return change

    return rows


# Row-level faults that dbt quarantines: (entity, change, the expectation that bounds their share, the
# other expectations the same rows fail, an offending value as shown).
ROW_FAULTS = {
    "unknown_event_type": (
        "web_events",
        set_rows("event_type", "video_play"),
        "expect_column_values_to_match_regex(event_type)",
        set(),
        "'video_play'",
    ),
    "unparseable_timestamp": (
        "web_events",
        set_rows("occurred_at", "31/02/2026 10:00", text=True),
        "expect_column_values_to_be_null(occurred_at__cast_failures)",
        # an unparseable time is also a missing one
        {"expect_column_proportion_of_non_null_values_to_be_between(occurred_at)"},
        "'31/02/2026 10:00'",
    ),
    "future_timestamp": (
        "email_events",
        set_rows("occurred_at", datetime(2099, 1, 1)),
        "expect_column_values_to_be_between(occurred_at)",
        set(),
        "2099-01-01",
    ),
    "invalid_number": (
        "crm_leads",
        set_rows("employee_count", "about 50", text=True),
        "expect_column_values_to_be_null(employee_count__cast_failures)",
        set(),
        "'about 50'",
    ),
}


@pytest.mark.parametrize("fault", ROW_FAULTS)
def test_a_few_quarantined_faults_pass_strict(raw_dir: Path, tmp_path: Path, fault: str) -> None:
    entity, rows, _, _, _ = ROW_FAULTS[fault]
    total = pq.read_metadata(raw_dir / f"{entity}.parquet").num_rows
    few = max(1, int(total * ex.Bounds().max_bad_row_share / 2))
    report = validate(mutated(raw_dir, tmp_path / "raw", entity, rows(few)), entity)

    assert report.failures == [], ex.format_report(report)
    assert report.exit_code(strict=True) == 0


@pytest.mark.parametrize("fault", ROW_FAULTS)
def test_five_percent_quarantined_faults_fail_a_warning_band(
    raw_dir: Path, tmp_path: Path, fault: str
) -> None:
    entity, rows, expectation, also, shown = ROW_FAULTS[fault]
    total = pq.read_metadata(raw_dir / f"{entity}.parquet").num_rows
    report = validate(mutated(raw_dir, tmp_path / "raw", entity, rows(total // 20)), entity)

    assert failures(report, "critical") == {}
    warning = failures(report, "warning")
    assert set(warning) == {expectation, *also}, ex.format_report(report)
    assert f"{total // 20:,} of {total:,} " in warning[expectation]
    assert shown in warning[expectation] and "mostly 0.999" in warning[expectation]
    assert report.exit_code(strict=False) == 0
    assert report.exit_code(strict=True) == 1


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


def test_empty_optional_entity_is_a_warning_and_empty_leads_critical(raw_dir: Path, tmp_path: Path) -> None:
    raw = mutated(raw_dir, tmp_path / "raw", "sales_feedback", lambda t: t.slice(0, 0))
    pq.write_table(pq.read_table(raw / "crm_leads.parquet").slice(0, 0), raw / "crm_leads.parquet")

    report = validate(raw, "sales_feedback", "crm_leads")

    assert (
        failures(report, "warning")["expect_table_row_count_to_be_between()"] == "observed 0 (expected >= 1)"
    )
    assert report.outcome("raw.sales_feedback").count("critical") == 0
    assert (
        failures(report, "critical")["expect_table_row_count_to_be_between()"] == "observed 0 (expected >= 1)"
    )
    assert report.outcome("raw.crm_leads").count("critical") == 1


def test_missing_raw_file_is_critical(raw_dir: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(raw_dir, raw)
    (raw / "sales_feedback.parquet").unlink()

    report = validate(raw, "sales_feedback")

    assert failures(report, "critical") == {"raw files present": f"no file {raw}/sales_feedback*.parquet"}


def fake_warehouse(path: Path, quarantine: bool = True) -> Path:
    """A tiny warehouse with the mart columns the suites read: model `default` is healthy, `enterprise`
    has 60 % hot leads and the active model `dormant` scored nobody. The quarantine (dbt's staging
    relations, one row per raw row in `base_*`) holds 5 % of the web events, 0.5 % of the email events
    (within the band) and 15 % of the CRM lead rows, all superseded versions (not a fault)."""
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
        if quarantine:
            connection.execute("create schema staging")
            rejected = {
                "crm__leads": "select 'superseded_version' from range(30)",
                "web__events": (
                    "select case when range < 30 then 'unparseable_timestamp' else 'unknown_lead_id' end "
                    "from range(50)"
                ),
                "email__events": "select 'unknown_event_type' from range(5)",
            }
            for stem in ex.STAGING_MODELS.values():
                raw_rows = 200 if stem == "crm__leads" else 1000
                connection.execute(
                    f"create table staging.base_{stem} as select range as i from range({raw_rows})"
                )
                reasons = rejected.get(stem, "select 'missing_id' from range(0)")
                connection.execute(f"create table staging.stg_{stem}_rejected(rejection_reason) as {reasons}")
    return path


def test_marts_kpis_name_the_scoring_model_out_of_band(tmp_path: Path) -> None:
    database = fake_warehouse(tmp_path / "wh.duckdb")
    report = ex.validate_data(raw_dir=None, database=database, docs_dir=None, now=NOW)

    kpis = report.outcome(ex.KPI_SUITE)
    assert kpis.rows == 3  # the active models
    warning = failures(report, "warning")
    assert warning["expect_column_values_to_be_between(hot_share)"].startswith("1 unexpected: enterprise=0.6")
    assert "dormant=0" in warning["expect_column_values_to_be_between(scored_leads)"]
    kpi_failures = [f for f in report.failures if f.suite != ex.QUARANTINE_SUITE]
    assert all(f.suite == ex.KPI_SUITE for f in kpi_failures), ex.format_report(report)
    assert report.exit_code() == 0 and report.exit_code(strict=True) == 1


def test_quarantine_share_names_the_raw_table_and_its_reasons(tmp_path: Path) -> None:
    database = fake_warehouse(tmp_path / "wh.duckdb")
    report = ex.validate_data(raw_dir=None, database=database, docs_dir=None, now=NOW)

    quarantine = report.outcome(ex.QUARANTINE_SUITE)
    assert quarantine.rows == len(ex.RAW_ENTITIES) and quarantine.evaluated == len(ex.RAW_ENTITIES)
    # Only the web events are out of band: 0.5 % of email events and superseded lead versions are not.
    assert [(f.severity, f.expectation, f.detail) for f in quarantine.failures] == [
        (
            "warning",
            "expect_column_values_to_be_between(rejected_share, web_events)",
            "1 unexpected: web_events=0.05 [unparseable_timestamp 30, unknown_lead_id 20] (expected <= 0.01)",
        )
    ]
    assert report.exit_code() == 0

    bounds = tmp_path / "bounds.json"
    bounds.write_text('{"max_rejected_share": {"web_events": 0.06, "email_events": 0.004}}')
    report = ex.validate_data(
        raw_dir=None, database=database, docs_dir=None, now=NOW, bounds=ex.Bounds.from_json(bounds)
    )
    assert [f.expectation for f in report.outcome(ex.QUARANTINE_SUITE).failures] == [
        "expect_column_values_to_be_between(rejected_share, email_events)"
    ]


def test_unreadable_quarantine_is_a_warning_and_the_marts_still_run(tmp_path: Path) -> None:
    database = fake_warehouse(tmp_path / "wh.duckdb", quarantine=False)
    with duckdb.connect(str(database)) as connection:  # one model there, reading a raw file that is gone
        raw_file = tmp_path / "web_events.parquet"
        connection.execute(f"copy (select 1 as event_id) to '{raw_file}'")
        connection.execute("create schema staging")
        for stem in ex.STAGING_MODELS.values():
            connection.execute(f"create view staging.base_{stem} as select * from read_parquet('{raw_file}')")
            connection.execute(f"create table staging.stg_{stem}_rejected as select 'x' as rejection_reason")
        raw_file.unlink()
        connection.execute("drop table staging.stg_crm__leads_rejected")

    report = ex.validate_data(raw_dir=None, database=database, docs_dir=None, now=NOW)
    assert failures(report, "critical") == {}
    assert failures(report, "warning")["quarantine models present"] == (
        "missing staging.stg_crm__leads_rejected; run `make build`"
    )
    assert report.outcome(ex.KPI_SUITE).evaluated > 0
    assert report.exit_code(strict=True) == 1

    with duckdb.connect(str(database)) as connection:
        connection.execute("create table staging.stg_crm__leads_rejected as select 'x' as rejection_reason")
    report = ex.validate_data(raw_dir=None, database=database, docs_dir=None, now=NOW)
    detail = failures(report, "warning")["quarantine readable"]
    assert detail.startswith("IO Error: No files found") and "web_events.parquet" in detail
    assert detail.endswith("run from the directory dbt ran in)")
    assert report.outcome(ex.QUARANTINE_SUITE).failures == [
        f for f in report.failures if f.suite == ex.QUARANTINE_SUITE
    ]


def test_missing_mart_column_is_critical_and_named(tmp_path: Path) -> None:
    database = fake_warehouse(tmp_path / "wh.duckdb")
    with duckdb.connect(str(database)) as connection:
        connection.execute("alter table marts.fct_lead_scores drop column tier")
        connection.execute("alter table marts.dim_leads drop column seniority")

    report = ex.validate_data(raw_dir=None, database=database, docs_dir=None, now=NOW)

    critical = {(f.suite, f.expectation): f.detail for f in report.failures if f.severity == "critical"}
    assert critical == {
        ("marts.fct_lead_scores", "expect_column_to_exist(tier)"): "column not in the file(s)",
        ("marts.dim_leads", "expect_column_to_exist(seniority)"): "column not in the file(s)",
        ("marts.dim_leads", "1 expectation(s) not evaluated"): "column(s) missing: seniority",
        (ex.KPI_SUITE, "per-model KPIs computed"): "missing column(s) marts.fct_lead_scores.tier",
    }
    assert report.exit_code() == 1


def test_unreadable_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ex.WarehouseError, match="no warehouse at"):
        ex.validate_data(raw_dir=None, database=tmp_path / "missing.duckdb", docs_dir=None, now=NOW)


def test_quarantine_models_and_reasons_match_the_dbt_project() -> None:
    """STAGING_MODELS names, per raw table, the base view and the quarantine model whose rows_reconcile
    test reads that raw table; the reasons that are not faults exist."""
    import yaml

    reconciled: dict[str, str] = {}
    for path in (PROJECT_ROOT / "models" / "staging").rglob("_*__rejected_models.yml"):
        for model in yaml.safe_load(path.read_text())["models"]:
            for test in model.get("data_tests", []):
                if isinstance(test, dict) and "rows_reconcile" in test:
                    raw = test["rows_reconcile"]["arguments"]["raw"]
                    reconciled[raw.split("'")[-2]] = model["name"]
    assert reconciled == {entity: f"stg_{stem}_rejected" for entity, stem in ex.STAGING_MODELS.items()}
    assert set(ex.STAGING_MODELS) == set(ex.RAW_ENTITIES)
    for stem in ex.STAGING_MODELS.values():
        assert len(list((PROJECT_ROOT / "models" / "staging").rglob(f"base_{stem}.sql"))) == 1
    with (PROJECT_ROOT / "seeds" / "rejection_reasons.csv").open() as handle:
        reasons = {row["rejection_reason"] for row in csv.DictReader(handle)}
    assert set(ex.NOT_FAULT_REASONS) <= reasons


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
