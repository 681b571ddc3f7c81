"""Bring your own data: lead-scoring import-crm on hand-made CRM exports, one real build, Olist counts."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from lead_scoring import byod, raw_files

OLIST_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "olist_marketing_funnel"
OLIST_MAPPING = Path(__file__).resolve().parents[2] / "examples" / "olist" / "mapping.yml"


def write_export(folder: Path, rows: list[dict[str, object]], name: str = "leads.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def write_mapping(folder: Path, text: str) -> Path:
    path = folder / "mapping.yml"
    path.write_text(text, encoding="utf-8")
    return path


def import_from(folder: Path, mapping_text: str) -> tuple[byod.ImportReport, Path]:
    out = folder / "raw"
    report = byod.import_export(byod.load_mapping(write_mapping(folder, mapping_text)), out)
    return report, out


def read(raw_dir: Path, entity: str) -> pd.DataFrame:
    return pd.read_parquet(raw_dir / f"{entity}.parquet")


LEADS = [
    {"id": "a1", "mail": "Ann@Example.com", "created": "2024-01-10", "won": "yes", "won_on": "2024-02-01",
     "sector": "software", "staff": "250", "plan": "pro", "opens": "3", "last_open": "2024-01-20",
     "met": "2024-01-25"},
    {"id": "a2", "mail": "bob@example.org", "created": "2024-01-12 08:30:00", "won": "no", "won_on": "",
     "sector": "retail", "staff": "12", "plan": "", "opens": "0", "last_open": "", "met": ""},
    {"id": "a3", "mail": "", "created": "2024-02-03", "won": "YES", "won_on": "2024-03-15T10:00:00Z",
     "sector": "", "staff": "many", "plan": "basic", "opens": "1", "last_open": "", "met": "2024-02-10"},
]  # fmt: skip


def test_flag_and_date_conversion_attributes_and_activities(tmp_path: Path) -> None:
    write_export(tmp_path, LEADS)
    report, raw = import_from(
        tmp_path,
        """
file: leads.csv
lead_id: id
email: mail
created_at: created
conversion: {flag: won, date: won_on}
attributes: {industry: sector, employee_count: staff, product_interest: plan}
activity_counts:
  - {column: opens, event_type: email_open, date: last_open}
activity_dates:
  - {column: met, event_type: meeting}
""",
    )
    leads = read(raw, "crm_leads").set_index("lead_id")
    assert list(leads.index) == ["a1", "a2", "a3"]
    assert leads.loc["a1", "email"] == "Ann@Example.com" and pd.isna(leads.loc["a3", "email"])
    assert leads.loc["a1", "industry"] == "software" and leads.loc["a1", "employee_count"] == 250
    assert pd.isna(leads.loc["a3", "employee_count"])  # 'many' is not a number: counted, not quarantined
    assert report.problems["employee_count_not_a_number"] == 1
    assert leads.loc["a2", "created_at"] == pd.Timestamp("2024-01-12 08:30:00")
    assert not leads["is_deleted"].any()

    opportunities = read(raw, "opportunities").set_index("lead_id")
    assert sorted(opportunities.index) == ["a1", "a3"]
    assert opportunities.loc["a3", "created_at"] == pd.Timestamp("2024-03-15 10:00:00")  # UTC
    assert opportunities["stage"].eq("closed_won").all() and opportunities["is_won"].all()

    attributes = read(raw, "crm_lead_attributes")
    assert attributes[["lead_id", "attribute_name", "attribute_value"]].values.tolist() == [
        ["a1", "product_interest", "pro"],
        ["a3", "product_interest", "basic"],
    ]
    emails = read(raw, "email_events")
    assert emails.groupby("lead_id").size().to_dict() == {"a1": 3, "a3": 1}
    assert set(emails["event_type"]) == {"open"} and emails["event_id"].is_unique
    # Counts happen at their date column when set, else at the lead's creation.
    assert set(emails.loc[emails["lead_id"] == "a1", "occurred_at"]) == {pd.Timestamp("2024-01-20")}
    assert set(emails.loc[emails["lead_id"] == "a3", "occurred_at"]) == {pd.Timestamp("2024-02-03")}
    activities = read(raw, "crm_activities")
    assert activities[["lead_id", "activity_type"]].values.tolist() == [["a1", "meeting"], ["a3", "meeting"]]
    assert read(raw, "web_events").empty and read(raw, "sales_feedback").empty

    manifest = json.loads((raw / byod.MANIFEST_FILE).read_text())
    assert manifest["timeline"] == "dated" and manifest["evaluation_holdout"] == "out_of_time"
    assert manifest["absent_feeds"] == ["web_events"]
    # As of the last created day + 90 days, unless the data end earlier (here the 2024-03-15 win).
    assert manifest["dbt_vars"]["as_of_date"] == "2024-03-15"
    assert json.loads((raw / byod.DBT_VARS_FILE).read_text()) == manifest["dbt_vars"]
    assert manifest["counts"]["leads"] == 3 and manifest["counts"]["conversions"] == 2


def test_date_column_is_the_conversion(tmp_path: Path) -> None:
    write_export(tmp_path, LEADS)
    report, raw = import_from(
        tmp_path, "file: leads.csv\nlead_id: id\ncreated_at: created\nconversion: {date: won_on}\n"
    )
    assert sorted(read(raw, "opportunities")["lead_id"]) == ["a1", "a3"]
    assert report.timeline == "dated"
    # No email column: a stable placeholder per lead.
    emails = read(raw, "crm_leads")["email"]
    assert emails.tolist() == [byod._placeholder_email(lead_id) for lead_id in ("a1", "a2", "a3")]
    assert emails.str.endswith("@placeholder.invalid").all() and emails.is_unique


def test_conversions_file_joined_on_the_id(tmp_path: Path) -> None:
    write_export(tmp_path, LEADS)
    write_export(
        tmp_path,
        [
            {"lead": "a2", "closed": "2024-03-01", "value": "1200.5"},
            {"lead": "a2", "closed": "2024-02-20", "value": "900"},  # a second deal: the earliest counts
            {"lead": "zz", "closed": "2024-02-20", "value": "10"},  # not a lead of the export
        ],
        "deals.csv",
    )
    report, raw = import_from(
        tmp_path,
        "file: leads.csv\nlead_id: id\ncreated_at: created\n"
        "conversion: {file: deals.csv, lead_id: lead, date: closed, amount: value}\n",
    )
    opportunities = read(raw, "opportunities")
    assert opportunities[["lead_id", "created_at", "amount"]].values.tolist() == [
        ["a2", pd.Timestamp("2024-02-20"), 900.0]
    ]
    assert report.problems["conversions_of_unknown_leads"] == 1
    assert report.examples["conversions_of_unknown_leads"] == ["zz"]
    assert report.problems["repeated_conversions_earliest_kept"] == 1


def test_web_counts_go_to_web_events_with_their_page(tmp_path: Path) -> None:
    write_export(tmp_path, [{"id": "w1", "created": "2024-05-01", "pricing": "2", "won": ""}])
    _, raw = import_from(
        tmp_path,
        "file: leads.csv\nlead_id: id\ncreated_at: created\nconversion: {date: won}\n"
        "activity_counts: [{column: pricing, event_type: pricing_page_view, url_path: /pricing}]\n",
    )
    web = read(raw, "web_events")
    assert web[["event_id", "lead_id", "anonymous_id", "event_type", "url_path"]].values.tolist() == [
        ["w1:pricing:1", "w1", "byod:w1", "pricing_page_view", "/pricing"],
        ["w1:pricing:2", "w1", "byod:w1", "pricing_page_view", "/pricing"],
    ]


def test_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    write_export(tmp_path, LEADS)
    with pytest.raises(
        byod.MappingError, match=r"column\(s\) not found: attribute industry 'segment'.*the file has: id"
    ):
        import_from(
            tmp_path,
            "file: leads.csv\nlead_id: id\nconversion: {flag: won}\nattributes: {industry: segment}\n",
        )
    with pytest.raises(byod.MappingError, match="unknown event_type 'webinar'"):
        import_from(
            tmp_path,
            "file: leads.csv\nlead_id: id\nconversion: {flag: won}\n"
            "activity_counts: [{column: opens, event_type: webinar}]\n",
        )
    with pytest.raises(byod.MappingError, match="'conversion' is required"):
        import_from(tmp_path, "file: leads.csv\nlead_id: id\n")


def test_duplicate_ids_are_counted_and_the_first_kept(tmp_path: Path) -> None:
    rows = [*LEADS, {**LEADS[0], "sector": "retail"}, {**LEADS[1]}, {**LEADS[1], "id": ""}]
    write_export(tmp_path, rows)
    report, raw = import_from(
        tmp_path, "file: leads.csv\nlead_id: id\nconversion: {flag: won}\nattributes: {industry: sector}\n"
    )
    leads = read(raw, "crm_leads")
    assert leads["lead_id"].tolist() == ["a1", "a2", "a3"]
    assert leads.loc[leads["lead_id"] == "a1", "industry"].item() == "software"
    assert report.problems["duplicate_lead_ids"] == 2 and report.examples["duplicate_lead_ids"] == [
        "a1",
        "a2",
    ]
    assert report.problems["rows_without_id"] == 1
    assert report.manifest["problems"]["duplicate_lead_ids"] == 2


def test_unparseable_dates_are_counted_or_refused(tmp_path: Path) -> None:
    write_export(tmp_path, [{**LEADS[0], "created": "31/01/2024"}, *LEADS[1:]])
    report, raw = import_from(
        tmp_path, "file: leads.csv\nlead_id: id\ncreated_at: created\nconversion: {date: won_on}\n"
    )
    assert report.problems["created_dates_unparseable"] == 1
    assert report.examples["created_dates_unparseable"] == ["31/01/2024"]
    # Left empty: dbt quarantines the lead (stg_crm__leads_rejected, missing_timestamp).
    assert read(raw, "crm_leads")["created_at"].isna().sum() == 1
    write_export(tmp_path, [{**row, "created": "31/01/2024"} for row in LEADS])
    with pytest.raises(byod.MappingError, match=r"3 of 3 values are not dates.*set date_format"):
        import_from(
            tmp_path, "file: leads.csv\nlead_id: id\ncreated_at: created\nconversion: {date: won_on}\n"
        )
    report, raw = import_from(
        tmp_path,
        "file: leads.csv\nlead_id: id\ncreated_at: created\ndate_format: '%d/%m/%Y'\n"
        "conversion: {date: won_on}\n",
    )
    assert "created_dates_unparseable" not in report.problems
    assert read(raw, "crm_leads")["created_at"].eq(pd.Timestamp("2024-01-31")).all()


def test_export_without_dates_asks_for_a_seeded_random_split(tmp_path: Path) -> None:
    write_export(tmp_path, LEADS)
    report, raw = import_from(
        tmp_path,
        "file: leads.csv\nlead_id: id\nconversion: {flag: won}\nevaluation: {random_seed: 7}\n"
        "activity_counts: [{column: opens, event_type: open}]\n",
    )
    manifest = json.loads((raw / byod.MANIFEST_FILE).read_text())
    assert manifest["has_dates"] is False and manifest["timeline"] == "dateless"
    assert manifest["evaluation_holdout"] == "random_split" and manifest["evaluation_random_seed"] == 7
    assert manifest["dbt_vars"] == {
        "as_of_date": "2020-01-02",
        "evaluation_holdout": "random_split",
        "evaluation_random_seed": 7,
        "prediction_label_window_days": 1,
    }
    leads = read(raw, "crm_leads")
    assert leads["created_at"].eq(pd.Timestamp("2020-01-01")).all()
    assert read(raw, "opportunities")["created_at"].eq(pd.Timestamp("2020-01-02")).all()
    assert read(raw, "email_events")["occurred_at"].eq(pd.Timestamp("2020-01-01")).all()
    assert any("seeded random split" in note for note in manifest["notes"])
    # A created date without conversion dates cannot be judged out of time either.
    report, _ = import_from(
        tmp_path, "file: leads.csv\nlead_id: id\ncreated_at: created\nconversion: {flag: won}\n"
    )
    assert report.timeline == "dateless" and report.manifest["evaluation_holdout"] == "random_split"


def test_check_raw_accepts_declared_absent_feeds_only(tmp_path: Path) -> None:
    write_export(tmp_path, LEADS)
    _, raw = import_from(
        tmp_path, "file: leads.csv\nlead_id: id\ncreated_at: created\nconversion: {date: won_on}\n"
    )
    report = raw_files.inspect_raw_dir(raw)
    assert report.errors == []
    absent = {problem.entity for problem in report.warnings if "declares" in problem.problem}
    assert absent == {"web_events", "email_events"}
    (raw / byod.MANIFEST_FILE).unlink()
    assert {problem.entity for problem in raw_files.inspect_raw_dir(raw).errors} == {
        "web_events",
        "email_events",
    }


def test_seed_rows_of_the_export_are_appended_to_a_project_copy(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    header = (byod.PROJECT_ROOT / "seeds" / "fit_rules.csv").read_text().splitlines()[0]
    (seeds / "fit_rules.csv").write_text(f"{header}\ndefault,fit_x,industry,industry,equals,x,1,X\n")
    project = byod.prepare_project(tmp_path / "work", seeds)
    assert (project / "seeds" / "fit_rules.csv").read_text().splitlines()[
        -1
    ] == "default,fit_x,industry,industry,equals,x,1,X"
    assert (project / "dbt_project.yml").is_file() and not (project / "tests" / "python").exists()
    (seeds / "fit_rules.csv").write_text("rule_id,points\nfit_x,1\n")
    with pytest.raises(byod.MappingError, match=r"the header must be the one of seeds/fit_rules\.csv"):
        byod.prepare_project(tmp_path / "work", seeds)


def small_export(folder: Path, leads: int = 300, seed: int = 5) -> None:
    """A few hundred leads over ten months; engaged, well-sized leads convert more, weeks after creation."""
    generator = random.Random(seed)
    start = dt.date(2025, 1, 1)
    rows = []
    for number in range(leads):
        created = start + dt.timedelta(days=generator.randrange(300))
        engaged = generator.random() < 0.4
        opens = generator.randrange(3, 9) if engaged else generator.randrange(0, 2)
        demo = (
            created + dt.timedelta(days=generator.randrange(1, 20))
            if engaged and generator.random() < 0.5
            else None
        )
        probability = 0.08 + 0.35 * engaged + 0.2 * (demo is not None)
        won = (
            created + dt.timedelta(days=generator.randrange(5, 60))
            if generator.random() < probability
            else None
        )
        rows.append(
            {
                "Lead ID": f"S{number:04d}",
                "E-mail": f"person{number}@company{number % 97}.com",
                "Created": created.isoformat(),
                "Closed won": won.isoformat() if won else "",
                "Industry": generator.choice(["software", "retail", "healthcare"]),
                "Employees": str(generator.choice([5, 40, 300, 1500])),
                "Plan": generator.choice(["pro", "basic", ""]),
                "Email opens": str(opens),
                "Demo requested on": demo.isoformat() if demo else "",
            }
        )
    write_export(folder, rows, "export.csv")


def test_small_export_builds_and_is_scored(tmp_path: Path) -> None:
    """A real dbt build of an imported export: raw contract met (nothing quarantined), leads scored."""
    small_export(tmp_path)
    seeds = tmp_path / "extra_seeds"
    seeds.mkdir()
    header = (byod.PROJECT_ROOT / "seeds" / "fit_rules.csv").read_text().splitlines()[0]
    (seeds / "fit_rules.csv").write_text(
        f"{header}\ndefault,fit_byod_pro,declared_intent,product_interest,equals,pro,10,Pro plan\n"
    )
    mapping = write_mapping(
        tmp_path,
        f"""
file: export.csv
lead_id: Lead ID
email: E-mail
created_at: Created
conversion: {{date: Closed won}}
attributes: {{industry: Industry, employee_count: Employees, product_interest: Plan}}
activity_counts: [{{column: Email opens, event_type: email_open}}]
activity_dates: [{{column: Demo requested on, event_type: demo_request}}]
seeds_dir: {seeds}
""",
    )
    raw = tmp_path / "byod" / "raw"
    report = byod.import_export(byod.load_mapping(mapping), raw)
    assert report.counts["leads"] == 300 and report.problems == {}
    # Fewer score-history checkpoints and backtest cohorts than the default: the same models, less work.
    arguments = argparse.Namespace(
        raw_dir=raw,
        work_dir=None,
        seeds_dir=None,
        extra_vars="{score_history_checkpoints: 4, backtest_cohorts: 2}",
    )
    code = byod.run_build_command(arguments)
    assert code == 0
    with duckdb.connect(str(tmp_path / "byod" / "lead_scoring.duckdb"), read_only=True) as connection:
        rejected = {
            name: connection.execute(f"select count(*) from staging.{name}").fetchone()[0]
            for name in ("stg_crm__leads_rejected", "stg_crm__lead_attributes_rejected",
                         "stg_email__events_rejected", "stg_web__events_rejected",
                         "stg_crm__opportunities_rejected")
        }  # fmt: skip
        assert rejected == dict.fromkeys(rejected, 0)
        scored = connection.execute(
            "select count(*), count(distinct lead_id), sum(case when engagement_score > 0 then 1 else 0 end) "
            "from marts.fct_lead_scores where scoring_model_id = 'default'"
        ).fetchone()
        pro_points = connection.execute(
            "select count(*) from marts.fct_lead_score_points "
            "where rule_id = 'fit_byod_pro' and counted_points > 0"
        ).fetchone()[0]
        predictions = connection.execute(
            "select count(*) from marts.fct_lead_conversion_predictions"
        ).fetchone()[0]
        evaluation = connection.execute(
            "select scoring_model_id, holdout_method, lead_count, conversion_count, roc_auc "
            "from marts.rpt_scoring_model_evaluation order by scoring_model_id"
        ).df()
    # Scored as of the recommended as-of date (the last created day + 90 days, or the end of the data):
    # every lead, every one with a score; engaged leads have engagement points.
    assert scored[0] == scored[1] == 300 and scored[2] > 0
    assert pro_points > 0  # the export's own seed row scored its own attribute
    assert predictions == 300
    # The out-of-time evaluation judged the rules and the predictive score on leads open on the
    # evaluation date; engagement drives conversion in this export, so both rank better than chance.
    assert {"default", "predictive"} <= set(evaluation["scoring_model_id"])
    assert set(evaluation["holdout_method"]) == {"out_of_time"}
    judged = evaluation.set_index("scoring_model_id").loc[["default", "predictive"]]
    assert (judged["lead_count"] > 0).all() and (judged["conversion_count"] > 0).all()
    assert (judged["roc_auc"] > 0.5).all()


@pytest.mark.skipif(
    not OLIST_DIR.is_dir(), reason="Olist data absent: ../shared/data/olist_marketing_funnel not found"
)
def test_olist_import(tmp_path: Path) -> None:
    """All 8,000 Olist MQLs and their 842 won deals; closed-deal attributes are not used (leakage)."""
    restored = OLIST_DIR / "restored_to_kaggle_original"
    data_dir = restored if any(restored.glob("*.csv")) else OLIST_DIR
    report = byod.import_export(byod.load_mapping(OLIST_MAPPING, data_dir), tmp_path / "raw")
    assert report.counts["leads"] == 8000 and report.counts["conversions"] == 842
    assert report.counts["crm_lead_attributes"] == 8000  # the landing page of every MQL
    manifest = report.manifest
    assert manifest["timeline"] == "dated" and manifest["absent_feeds"] == ["web_events", "email_events"]
    assert (
        manifest["dates"]["created_from"] == "2017-06-14" and manifest["dates"]["created_to"] == "2018-05-31"
    )
    assert manifest["dbt_vars"]["as_of_date"] == "2018-08-29"  # evaluation date = the last MQL day
    leads = read(tmp_path / "raw", "crm_leads")
    assert leads["lead_id"].is_unique and leads["lead_source"].notna().sum() == 8000 - 60
    attributes = read(tmp_path / "raw", "crm_lead_attributes")
    assert set(attributes["attribute_name"]) == {"landing_page"}
    assert raw_files.inspect_raw_dir(tmp_path / "raw").errors == []


def test_cli_reports_a_bad_mapping_on_stderr_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from lead_scoring.cli import main

    write_export(tmp_path, LEADS)
    mapping = write_mapping(tmp_path, "file: leads.csv\nlead_id: ident\nconversion: {flag: won}\n")
    assert main(["import-crm", "--mapping", str(mapping), "--out", str(tmp_path / "raw")]) == 1
    error = capsys.readouterr().err
    assert (
        error.startswith("import-crm: ") and "lead_id 'ident'" in error and "the file has: id, mail" in error
    )
    assert not (tmp_path / "raw").exists()
    mapping.write_text("file: leads.csv\nlead_id: id\nconversion: {flag: won}\n")
    assert main(["import-crm", "--mapping", str(mapping), "--out", str(tmp_path / "raw")]) == 0
    printed = capsys.readouterr().out
    assert "Imported 3 rows -> 3 leads, 2 conversions (dateless; evaluation: random_split)" in printed
    assert '\'{"as_of_date": "2020-01-02", "evaluation_holdout": "random_split"' in printed
