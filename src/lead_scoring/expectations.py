"""Great Expectations suites on the raw inputs, dbt's quarantine and the marts: `lead-scoring validate-data`.

Division of labour with dbt
    dbt owns every row. Its staging layer reads each raw row once (the `staging.base_*` views), keeps the
    usable ones and quarantines the rest in `staging.stg_*_rejected` with a `rejection_reason`
    (seeds/rejection_reasons.csv): missing ids, lead ids or timestamps, values that do not parse, timestamps
    in the future or before 2000, invalid emails, negative numbers, ratings outside 1..5, empty feedback,
    event types missing from seeds/event_types.csv, repeated ids, superseded lead versions, lead ids the CRM
    does not hold. dbt tests check the model invariants: raw rows = clean + rejected rows (rows_reconcile),
    keys unique and not null, relationships, accepted values, 0..100 score ranges, ledger sums = scores,
    hot > warm > cold conversion, and the mart contracts (column names and types).

    Whole-file faults (files missing, unreadable or of the wrong CSV dialect, columns missing or of a type
    staging cannot cast, entities empty) are found before the build by `lead-scoring check-raw`
    (raw_files.py, reading footers and headers only).

    Great Expectations checks schemas and distributions, never a single row:
    - the schema of the raw files: every contract column exists, leads and web and email events are not empty
      (the other entities may be: a warning). These restate check-raw's verdicts as the preconditions of the
      suites, so that a suite says why its expectations cannot run;
    - distributions of the raw values: for each kind of row-level fault dbt quarantines (values that do not
      cast to the contract type, event and activity types outside the contract, timestamps outside the
      plausible window, negative counts and amounts, ratings outside 1..5) the share of rows that have it, at
      most `max_bad_row_share`; null, duplicate, anonymous and unknown-lead shares; stale feeds. These run on
      an export before any build (`--skip-marts`), name the column and show offending values;
    - the size of the quarantine after the build (suite `staging.quarantine`): per raw table, the share of raw
      rows dbt set aside for a fault, whatever the reason (also those only dbt can judge: rows of leads that
      are quarantined themselves, conflicting attribute values, empty feedback), at most `max_rejected_share`.
      Superseded lead versions are history, not faults: counted, not bounded (their rate is the raw
      `crm_leads` share of distinct lead ids);
    - distributions of the marts (per scoring model: tier and MQL shares, mean scores, ...), and that the mart
      columns those read exist.
    Which row is used and which is quarantined is dbt's decision alone: no row-level rule is evaluated twice,
    and one bad raw row fails nothing in GX. A broken export does show twice, on purpose: as a per-column
    share before the build and as a per-table quarantine share after it.

Severity (GX 1.24 expectations carry a `severity`: critical, warning or info)
    critical  dbt cannot build or everything would be wrong: a missing raw file or contract column, no leads
              or no web or email events, an empty mart or a missing mart column. Any critical failure makes
              the command exit 1.
    warning   a distribution outside a plausible band (row-fault shares, quarantine shares, null, duplicate
              and anonymous shares, stale feeds, tier and MQL shares, mean scores), or a quarantine that
              cannot be read (a warehouse built before the quarantine models, or the raw files its views read
              are gone). Real data drifts, so these are reported (console and Data Docs) but exit 0, unless
              `--strict`: `make test` runs strict on the generated data, where every band must hold.

All bounds live in one place, :class:`Bounds`; override any subset with a JSON file (`--bounds`).

How it runs (see TOOLCHAIN.md): GX's SQL route on DuckDB silently fails, so every table is read into
pandas first (raw files through an in-memory DuckDB connection with the same `read_parquet` /
`read_csv(..., union_by_name = true)` call as the dbt sources; marts and quarantine counts through a read-only
connection, closed as soon as they are read: while dbt holds the file the open fails with a clear message, and
dbt cannot write while it is held) and validated with a pandas dataframe asset. The quarantine counts go
through dbt's staging views, which read the raw files at the path dbt was given (a relative one from the
directory dbt ran in: run the validation there too). The GX context is ephemeral (nothing is written into the
project) and Data Docs go to one folder, `reports/data_docs/index.html` by default, rebuilt on every run.
Analytics and progress bars are off.

The raw frames carry two kinds of helper columns computed in DuckDB, so that GX can check them:
`<column>__cast_failures` holds the raw value (as text) wherever DuckDB cannot cast it to the contract type
(what dbt's staging quarantines, or for booleans reads as false), null elsewhere; `lead_id_in_crm_leads` says
whether an entity's lead id appears in the CRM lead export (null when the lead id is null).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

# No network: GX's usage statistics are off before great_expectations is first imported.
os.environ["GX_ANALYTICS_ENABLED"] = "false"

if TYPE_CHECKING:  # pragma: no cover - imported lazily: importing GX takes ~3-4 s
    import duckdb
    import pandas as pd
    from great_expectations.core import ExpectationSuite
    from great_expectations.data_context import AbstractDataContext

DEFAULT_RAW_DIR = Path("data/raw")
DEFAULT_DATABASE = Path("warehouse/lead_scoring.duckdb")
DEFAULT_DOCS_DIR = Path("reports/data_docs")
DOCS_SITE_NAME = "lead_scoring"
MARTS_SCHEMA = "marts"
CONFIG_SCHEMA = "scoring_config"
NO_RULE_REASON = "No scoring rule applies"
CAST_SUFFIX = "__cast_failures"
PANDAS_TIMESTAMP_RANGE = ("1677-09-22 00:00:00", "2262-04-11 00:00:00")
KNOWN_LEAD_COLUMN = "lead_id_in_crm_leads"

# --------------------------------------------------------------------------------------------------------
# The raw contract (docs/raw_contract.md): entity -> (column, DuckDB type). Keep in step with the document.
# --------------------------------------------------------------------------------------------------------
RAW_CONTRACT: dict[str, tuple[tuple[str, str], ...]] = {
    "crm_leads": (
        ("lead_id", "VARCHAR"), ("email", "VARCHAR"), ("first_name", "VARCHAR"), ("last_name", "VARCHAR"),
        ("job_title", "VARCHAR"), ("company_name", "VARCHAR"), ("company_domain", "VARCHAR"),
        ("industry", "VARCHAR"), ("employee_count", "BIGINT"), ("annual_revenue", "DOUBLE"),
        ("country", "VARCHAR"), ("lead_source", "VARCHAR"), ("owner_id", "VARCHAR"),
        ("created_at", "TIMESTAMP"), ("updated_at", "TIMESTAMP"), ("is_deleted", "BOOLEAN"),
        ("deleted_at", "TIMESTAMP"),
    ),
    "crm_lead_attributes": (
        ("lead_id", "VARCHAR"), ("attribute_name", "VARCHAR"), ("attribute_value", "VARCHAR"),
        ("updated_at", "TIMESTAMP"),
    ),
    "web_events": (
        ("event_id", "VARCHAR"), ("lead_id", "VARCHAR"), ("anonymous_id", "VARCHAR"),
        ("event_type", "VARCHAR"), ("url_path", "VARCHAR"), ("referrer", "VARCHAR"),
        ("user_agent", "VARCHAR"), ("ip_address", "VARCHAR"), ("occurred_at", "TIMESTAMP"),
    ),
    "email_events": (
        ("event_id", "VARCHAR"), ("lead_id", "VARCHAR"), ("campaign_id", "VARCHAR"),
        ("event_type", "VARCHAR"), ("url", "VARCHAR"), ("user_agent", "VARCHAR"),
        ("occurred_at", "TIMESTAMP"),
    ),
    "crm_activities": (
        ("activity_id", "VARCHAR"), ("lead_id", "VARCHAR"), ("activity_type", "VARCHAR"),
        ("subject", "VARCHAR"), ("occurred_at", "TIMESTAMP"),
    ),
    "opportunities": (
        ("opportunity_id", "VARCHAR"), ("lead_id", "VARCHAR"), ("created_at", "TIMESTAMP"),
        ("stage", "VARCHAR"), ("is_closed", "BOOLEAN"), ("is_won", "BOOLEAN"), ("closed_at", "TIMESTAMP"),
        ("amount", "DOUBLE"),
    ),
    "sales_feedback": (
        ("feedback_id", "VARCHAR"), ("lead_id", "VARCHAR"), ("rep_id", "VARCHAR"), ("rating", "INTEGER"),
        ("disqualification_reason", "VARCHAR"), ("created_at", "TIMESTAMP"),
    ),
}  # fmt: skip
RAW_ENTITIES: tuple[str, ...] = tuple(RAW_CONTRACT)

# Value sets of the contract, compared as staging does (trimmed, any case). Event types must equal the
# source_event_type values of seeds/event_types.csv (a unit test checks it).
RAW_VALUE_SETS: dict[tuple[str, str], tuple[str, ...]] = {
    ("web_events", "event_type"): (
        "page_view", "form_submit", "content_download", "pricing_page_view", "demo_request",
        "careers_page_view", "webinar_page_view",
    ),
    ("email_events", "event_type"): ("delivered", "open", "click", "bounce", "unsubscribe", "spam_report"),
    ("crm_activities", "activity_type"): (
        "meeting", "call", "webinar_registered", "webinar_attended", "event_attended",
    ),
    ("opportunities", "stage"): ("qualification", "proposal", "negotiation", "closed_won", "closed_lost"),
}  # fmt: skip
# Value sets outside which dbt quarantines a row (unknown_event_type); the others are descriptive.
QUARANTINED_VALUE_SETS = {
    ("web_events", "event_type"),
    ("email_events", "event_type"),
    ("crm_activities", "activity_type"),
}

# The timestamp that makes a row an event (and so can move the default as-of date: the latest event).
EVENT_TIME_COLUMNS: dict[str, str] = {
    "web_events": "occurred_at",
    "email_events": "occurred_at",
    "crm_activities": "occurred_at",
    "opportunities": "created_at",
    "sales_feedback": "created_at",
}
# Record-keeping timestamps: plausible, and not after the newest event.
RECORD_TIME_COLUMNS: dict[str, tuple[str, ...]] = {
    "crm_leads": ("created_at", "updated_at", "deleted_at"),
    "crm_lead_attributes": ("updated_at",),
    "opportunities": ("closed_at",),
}
ID_COLUMNS: dict[str, str] = {
    "web_events": "event_id",
    "email_events": "event_id",
    "crm_activities": "activity_id",
    "opportunities": "opportunity_id",
    "sales_feedback": "feedback_id",
}
# Number ranges: (column, minimum, maximum or the name of the Bounds field that holds it).
NUMBER_RANGES: dict[str, tuple[tuple[str, float, float | str], ...]] = {
    "crm_leads": (("employee_count", 0, "max_employee_count"), ("annual_revenue", 0, "max_annual_revenue")),
    "opportunities": (("amount", 0, "max_opportunity_amount"),),
    "sales_feedback": (("rating", 1, 5),),
}
# Columns that should (almost) always be set, beyond the ids.
REQUIRED_SHARE_COLUMNS: dict[str, tuple[str, ...]] = {
    "crm_leads": ("lead_id",),
    "crm_lead_attributes": ("lead_id", "attribute_name"),
    "web_events": ("event_id", "anonymous_id", "event_type", "occurred_at"),
    "email_events": ("event_id", "lead_id", "event_type", "occurred_at"),
    "crm_activities": ("activity_id", "lead_id", "activity_type", "occurred_at"),
    "opportunities": ("opportunity_id", "lead_id", "created_at"),
    "sales_feedback": ("feedback_id", "lead_id", "created_at"),
}
EMAIL_REGEX = r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$"
ISO2_REGEX = r"^\s*[A-Za-z]{2}\s*$"
NEGATIVE_EMAIL_EVENTS = ("bounce", "unsubscribe", "spam_report")

# dbt's staging models of each raw entity: `staging.base_<stem>` (one row per raw row, every file) and the
# quarantine `staging.stg_<stem>_rejected` (one row per raw row the clean model does not hold).
STAGING_SCHEMA = "staging"
STAGING_MODELS: dict[str, str] = {
    "crm_leads": "crm__leads",
    "crm_lead_attributes": "crm__lead_attributes",
    "web_events": "web__events",
    "email_events": "email__events",
    "crm_activities": "crm__activities",
    "opportunities": "crm__opportunities",
    "sales_feedback": "crm__sales_feedback",
}
# Quarantine reasons that are not faults: an earlier version of a re-exported lead (the latest is kept).
NOT_FAULT_REASONS: tuple[str, ...] = ("superseded_version",)


# --------------------------------------------------------------------------------------------------------
# Bounds: every threshold in one place
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bounds:
    """Thresholds of the suites. Defaults hold for the generated demo data at any scale and are loose
    enough for real B2B data; override any subset with a JSON object of the same names (`--bounds`).

    Shares are fractions (0.05 = 5 %); `(low, high)` pairs are inclusive bands.
    """

    # -- raw: critical ----------------------------------------------------------------------------------
    min_rows: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(RAW_ENTITIES, 1))
    """Minimum rows per raw entity (all files of the entity together)."""
    # -- raw: warning, shares of row-level faults that dbt quarantines ---------------------------------
    max_bad_row_share: float = 0.001
    """Share of an entity's rows (of its non-null values, for value checks) with one kind of row-level fault
    that dbt quarantines: a value that does not cast to the contract type, an event or activity type outside
    the contract, a timestamp outside the plausible window, a negative count or amount, a rating outside 1..5.
    A few such rows are the quarantine's business; more mean a broken export or a changed feed."""
    max_future_days: float = 1.0
    """Timestamps may lead the validation clock by this much (clock skew; dbt's var of the same name)."""
    earliest_plausible: str = "2000-01-01"
    """Timestamps from this day on (epoch-zero and placeholder dates are not; dbt's var `min_valid_date`)."""
    max_record_days_after_newest_event: float = 7.0
    """Record timestamps (created, updated, deleted, closed) at most this long after the newest event."""
    # -- raw: warning, other distributions --------------------------------------------------------------
    max_feed_lag_days: Mapping[str, float] = field(
        default_factory=lambda: {"web_events": 3.0, "email_events": 3.0, "crm_activities": 14.0}
    )
    """Each event feed's newest row at most this long before the newest event of all feeds (stale feed)."""
    min_required_share: float = 0.99
    """Share of non-null values of ids, lead ids of non-web entities, event types and event times."""
    min_unique_id_share: float = 0.99
    """Share of rows whose event / activity / opportunity / feedback id is not repeated (staging dedups)."""
    min_unique_lead_id_share: float = 0.90
    """Distinct lead ids / rows in crm_leads (re-exports repeat a lead id)."""
    max_email_null_share: float = 0.20
    min_email_valid_share: float = 0.90
    min_country_iso2_share: float = 0.95
    max_job_title_null_share: float = 0.30
    max_employee_count_null_share: float = 0.50
    max_employee_count: int = 5_000_000
    max_annual_revenue: float = 1e12
    max_deleted_share: float = 0.20
    max_anonymous_web_share: float = 0.95
    """Share of web events without a lead id (visitors not yet identified)."""
    min_known_lead_share: float = 0.95
    """Share of (non-null) lead ids of an entity that appear in crm_leads."""
    max_negative_email_share: float = 0.10
    """Bounces, unsubscribes and spam reports among email events."""
    max_opportunity_amount: float = 1e9
    # -- quarantine (staging.stg_*_rejected, after the build): warning ----------------------------------
    max_rejected_share: Mapping[str, float] = field(default_factory=lambda: dict.fromkeys(RAW_ENTITIES, 0.01))
    """Per raw entity, the share of its raw rows dbt quarantined for a fault (any reason but a superseded
    lead version)."""
    # -- marts: warning, per scoring model (marts.scoring_model_kpis) -----------------------------------
    min_scored_leads: int = 1
    hot_share: tuple[float, float] = (0.005, 0.25)
    mql_share: tuple[float, float] = (0.005, 0.35)
    max_sql_share: float = 0.50
    max_disqualified_share: float = 0.50
    mean_fit_score: tuple[float, float] = (5.0, 80.0)
    mean_engagement_score: tuple[float, float] = (1.0, 70.0)
    mean_total_score: tuple[float, float] = (5.0, 70.0)
    min_total_score_stdev: float = 3.0
    """Scores must spread: a near-constant total score means the rules stopped matching."""
    max_no_rule_share: float = 0.50
    """Share of scored leads whose top_reasons is 'No scoring rule applies'."""
    max_zero_engagement_share: float = 0.90
    ledger_rows_per_lead: tuple[float, float] = (2.0, 60.0)
    leads_per_account: tuple[float, float] = (1.0, 50.0)
    # -- marts: warning, whole tables -------------------------------------------------------------------
    min_matrix_cells: int = 4
    """Distinct fit x engagement matrix cells in use (of 12)."""
    max_leads_per_account: int = 1_000
    """A bigger account usually means a free-mail or placeholder domain was rolled up as a company."""
    min_rules_fired: int = 5
    """Distinct rule ids in the points ledger (all models)."""
    min_business_email_share: float = 0.30
    max_unknown_seniority_share: float = 0.50
    min_email_hash_share: float = 0.50
    max_recycled_share: float = 0.60
    max_score_age_days: float | None = None
    """If set, the as-of date of the scores must be at most this many days old (off for the historic demo)."""

    @classmethod
    def from_json(cls, path: Path) -> Bounds:
        """Defaults overridden by the keys of a JSON object; unknown keys are an error."""
        overrides = json.loads(Path(path).read_text())
        if not isinstance(overrides, dict):
            raise ValueError(f"{path}: expected a JSON object of bound names")
        names = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(overrides) - set(names))
        if unknown:
            raise ValueError(f"{path}: unknown bounds {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for key, value in overrides.items():
            default = getattr(cls(), key)
            if isinstance(default, tuple):
                value = tuple(value)
            elif isinstance(default, Mapping):
                value = {**default, **value}
            values[key] = value
        return dataclasses.replace(cls(), **values)


# --------------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Failure:
    """One failed expectation (or a suite that could not run), as printed."""

    suite: str
    severity: str  # "critical" or "warning"
    expectation: str  # e.g. "expect_column_to_exist(email)"
    detail: str  # observed value, unexpected values or the error


@dataclass
class SuiteOutcome:
    """How one suite went."""

    suite: str
    rows: int | None = None
    evaluated: int = 0
    passed: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, severity: str) -> int:
        return sum(1 for failure in self.failures if failure.severity == severity)


@dataclass
class ValidationReport:
    """Outcome of a `validate-data` run."""

    outcomes: list[SuiteOutcome] = field(default_factory=list)
    docs_index: Path | None = None
    seconds: float = 0.0

    @property
    def failures(self) -> list[Failure]:
        return [failure for outcome in self.outcomes for failure in outcome.failures]

    @property
    def critical_count(self) -> int:
        return sum(outcome.count("critical") for outcome in self.outcomes)

    @property
    def warning_count(self) -> int:
        return sum(outcome.count("warning") for outcome in self.outcomes)

    def outcome(self, suite: str) -> SuiteOutcome:
        return next(outcome for outcome in self.outcomes if outcome.suite == suite)

    def exit_code(self, strict: bool = False) -> int:
        """1 on a critical failure (or on any failure when strict), else 0."""
        return int(self.critical_count > 0 or (strict and self.warning_count > 0))


# --------------------------------------------------------------------------------------------------------
# Suites, built in code
# --------------------------------------------------------------------------------------------------------
def _critical() -> dict[str, Any]:
    from great_expectations.expectations.metadata_types import FailureSeverity

    return {"severity": FailureSeverity.CRITICAL}


def _warning() -> dict[str, Any]:
    from great_expectations.expectations.metadata_types import FailureSeverity

    return {"severity": FailureSeverity.WARNING}


def _suite(name: str, expectations: Sequence[Any]) -> ExpectationSuite:
    """A suite of the expectations (no data context needed), each note starting with its severity: Data
    Docs show notes, not the severity."""
    import great_expectations as gx

    for expectation in expectations:
        severity = str(getattr(expectation.severity, "value", expectation.severity))
        expectation.notes = f"**{severity}**" + (f": {expectation.notes}" if expectation.notes else "")
    return gx.ExpectationSuite(name=name, expectations=list(expectations))


def _complement(share: float) -> float:
    """1 - share, without float noise in the Data Docs (0.05, not 0.050000000000000044)."""
    return round(1 - share, 9)


def _values_regex(values: Iterable[str]) -> str:
    """Case-insensitive, whitespace-tolerant full match of any of the values (as staging normalises)."""
    return r"(?i)^\s*(?:" + "|".join(values) + r")\s*$"


def raw_suite(
    entity: str, bounds: Bounds, now: datetime, newest_event: datetime | None = None
) -> ExpectationSuite:
    """The expectation suite `raw.<entity>`.

    `now` is the validation clock (naive UTC); `newest_event` the latest (not future-dated) event timestamp
    over all event feeds, the reference for feed freshness and record timestamps.
    """
    import great_expectations.expectations as gxe

    crit, warn = _critical(), _warning()
    expectations: list[Any] = []
    add = expectations.append
    columns = dict(RAW_CONTRACT[entity])

    # Schema (critical): dbt cannot build without every contract column; nothing scores without leads, web or
    # email events. The other entities may legitimately be empty (as `lead-scoring check-raw` decides too).
    from lead_scoring.raw_files import REQUIRED_ROWS

    add(
        gxe.ExpectTableRowCountToBeBetween(
            min_value=bounds.min_rows.get(entity, 1),
            notes=f"All `{entity}*` files together.",
            **(crit if entity in REQUIRED_ROWS else warn),
        )
    )
    for column, sql_type in columns.items():
        add(gxe.ExpectColumnToExist(column=column, notes=f"Contract column ({sql_type.lower()}).", **crit))

    # Row-level faults: dbt quarantines each such row (staging.stg_*_rejected), so a few are no error here;
    # their share is bounded (warning): a broken export or a changed feed has many.
    mostly = _complement(bounds.max_bad_row_share)
    for column, sql_type in columns.items():
        if sql_type != "VARCHAR":
            fate = (
                "dbt reads anything but true / t / 1 / yes as false"
                if sql_type == "BOOLEAN"
                else "dbt quarantines such rows"
            )
            add(
                gxe.ExpectColumnValuesToBeNull(
                    column=column + CAST_SUFFIX,
                    mostly=mostly,
                    notes=(
                        f"Share of rows whose `{column}` does not cast to {sql_type.lower()} ({fate}). The "
                        "helper column holds the offending raw value."
                    ),
                    **warn,
                )
            )
    for (value_entity, column), values in RAW_VALUE_SETS.items():
        if value_entity == entity:
            quarantined = (entity, column) in QUARANTINED_VALUE_SETS
            add(
                gxe.ExpectColumnValuesToMatchRegex(
                    column=column,
                    regex=_values_regex(values),
                    mostly=mostly,
                    notes=(
                        f"Values of the raw contract ({', '.join(values)}), any case."
                        + (" dbt quarantines other values (unknown_event_type)." if quarantined else "")
                    ),
                    **warn,
                )
            )
    latest_allowed = now + timedelta(days=bounds.max_future_days)
    earliest = datetime.fromisoformat(bounds.earliest_plausible)
    event_column = EVENT_TIME_COLUMNS.get(entity)
    for column in (event_column, *RECORD_TIME_COLUMNS.get(entity, ())):
        if column is None:
            continue
        latest, why = latest_allowed, f"the validation clock + {bounds.max_future_days:g} day(s)"
        if column != event_column and newest_event is not None:
            after_newest = newest_event + timedelta(days=bounds.max_record_days_after_newest_event)
            if after_newest < latest:
                latest, why = after_newest, "the newest event + max_record_days_after_newest_event"
        add(
            gxe.ExpectColumnValuesToBeBetween(
                column=column,
                min_value=earliest,
                max_value=latest,
                mostly=mostly,
                notes=(
                    f"Plausible timestamps: from {bounds.earliest_plausible} to {why}. dbt quarantines "
                    "timestamps before its min_valid_date or after its run start + max_future_days."
                ),
                **warn,
            )
        )
    lag = bounds.max_feed_lag_days.get(entity)
    if event_column is not None and newest_event is not None and lag is not None:
        add(
            gxe.ExpectColumnMaxToBeBetween(
                column=event_column,
                min_value=newest_event - timedelta(days=lag),
                notes=f"Fresh feed: newest row at most {lag:g} days older than the newest event.",
                **warn,
            )
        )
    for column, low, high in NUMBER_RANGES.get(entity, ()):
        add(
            gxe.ExpectColumnValuesToBeBetween(
                column=column,
                min_value=low,
                max_value=getattr(bounds, high) if isinstance(high, str) else high,
                mostly=mostly,
                notes="Plausible range. dbt quarantines negative counts and amounts, ratings outside 1..5.",
                **warn,
            )
        )

    # Distributions (warning).
    for column in REQUIRED_SHARE_COLUMNS.get(entity, ()):
        add(
            gxe.ExpectColumnProportionOfNonNullValuesToBeBetween(
                column=column, min_value=bounds.min_required_share, **warn
            )
        )
    if entity in ID_COLUMNS:
        add(
            gxe.ExpectColumnValuesToBeUnique(
                column=ID_COLUMNS[entity],
                mostly=bounds.min_unique_id_share,
                notes="Staging keeps the first row of a repeated id; many repeats mean a doubled load.",
                **warn,
            )
        )
    if entity != "crm_leads" and "lead_id" in columns:
        add(
            gxe.ExpectColumnValuesToBeInSet(
                column=KNOWN_LEAD_COLUMN,
                value_set=[True],
                mostly=bounds.min_known_lead_share,
                notes="Lead ids (when set) that appear in crm_leads: a different id scheme scores nothing.",
                **warn,
            )
        )
    if entity == "crm_leads":
        add(
            gxe.ExpectColumnProportionOfUniqueValuesToBeBetween(
                column="lead_id",
                min_value=bounds.min_unique_lead_id_share,
                notes="Re-exports repeat ids.",
                **warn,
            )
        )
        add(
            gxe.ExpectColumnProportionOfNonNullValuesToBeBetween(
                column="email", min_value=_complement(bounds.max_email_null_share), **warn
            )
        )
        add(
            gxe.ExpectColumnValuesToMatchRegex(
                column="email", regex=EMAIL_REGEX, mostly=bounds.min_email_valid_share, **warn
            )
        )
        add(
            gxe.ExpectColumnValuesToMatchRegex(
                column="country", regex=ISO2_REGEX, mostly=bounds.min_country_iso2_share, **warn
            )
        )
        add(
            gxe.ExpectColumnProportionOfNonNullValuesToBeBetween(
                column="job_title", min_value=_complement(bounds.max_job_title_null_share), **warn
            )
        )
        add(
            gxe.ExpectColumnProportionOfNonNullValuesToBeBetween(
                column="employee_count", min_value=_complement(bounds.max_employee_count_null_share), **warn
            )
        )
        add(
            gxe.ExpectColumnValuesToBeInSet(
                column="is_deleted", value_set=[False], mostly=_complement(bounds.max_deleted_share), **warn
            )
        )
    if entity == "web_events":
        add(
            gxe.ExpectColumnProportionOfNonNullValuesToBeBetween(
                column="lead_id",
                min_value=_complement(bounds.max_anonymous_web_share),
                notes="Anonymous visits carry no lead id. Almost none identified: identification broke.",
                **warn,
            )
        )
        add(gxe.ExpectColumnMostCommonValueToBeInSet(column="event_type", value_set=["page_view"], **warn))
    if entity == "email_events":
        add(
            gxe.ExpectColumnMostCommonValueToBeInSet(
                column="event_type",
                value_set=["delivered", "open"],
                notes="Deliveries are needed to spot security-scanner clicks (seconds after delivery).",
                **warn,
            )
        )
        add(
            gxe.ExpectColumnValuesToNotBeInSet(
                column="event_type",
                value_set=list(NEGATIVE_EMAIL_EVENTS),
                mostly=_complement(bounds.max_negative_email_share),
                notes="Share of bounces, unsubscribes and spam reports.",
                **warn,
            )
        )
    return _suite(f"raw.{entity}", expectations)


KPI_SUITE = "marts.scoring_model_kpis"
QUARANTINE_SUITE = "staging.quarantine"
# Mart columns the per-model KPIs (KPI_SQL) read.
KPI_COLUMNS: dict[str, tuple[str, ...]] = {
    "fct_lead_scores": (
        "scoring_model_id", "tier", "is_mql", "is_sql", "is_disqualified", "fit_score", "engagement_score",
        "total_score", "top_reasons",
    ),
    "fct_lead_score_points": ("scoring_model_id",),
    "fct_account_scores": ("scoring_model_id",),
}  # fmt: skip
# Failed rows of these suites are shown by these columns (the first names the row).
INDEX_COLUMNS: dict[str, list[str]] = {
    KPI_SUITE: ["scoring_model_id"],
    QUARANTINE_SUITE: ["source_table", "reasons"],
}
MART_TABLES: tuple[str, ...] = (
    "fct_lead_scores",
    "fct_lead_score_points",
    "dim_leads",
    "fct_account_scores",
    "fct_lead_mql_history",
    "fct_lead_score_history",
)


def mart_suites(bounds: Bounds, now: datetime) -> dict[str, ExpectationSuite]:
    """The suites on the marts: one per table (`marts.<table>`) and `marts.scoring_model_kpis`, one row
    per active scoring model with the shares and means a marketing lead watches."""
    import great_expectations.expectations as gxe

    crit, warn = _critical(), _warning()
    expectations: dict[str, list[Any]] = {
        name: [] for name in (KPI_SUITE, *(f"marts.{t}" for t in MART_TABLES))
    }

    kpi = expectations[KPI_SUITE].append
    kpi(gxe.ExpectTableRowCountToBeBetween(min_value=1, notes="At least one active scoring model.", **crit))

    def band(column: str, low: float | None, high: float | None, notes: str) -> None:
        kpi(
            gxe.ExpectColumnValuesToBeBetween(
                column=column, min_value=low, max_value=high, notes=notes, **warn
            )
        )

    band(
        "scored_leads", bounds.min_scored_leads, None, "Every active model scores somebody (segment matches)."
    )
    band("hot_share", *bounds.hot_share, "Share of scored leads in tier hot.")
    band("mql_share", *bounds.mql_share, "Share of scored leads that are MQLs.")
    band("sql_share", None, bounds.max_sql_share, "Share of SQLs.")
    band("disqualified_share", None, bounds.max_disqualified_share, "Share disqualified by sales.")
    band("mean_fit_score", *bounds.mean_fit_score, "Mean fit score.")
    band("mean_engagement_score", *bounds.mean_engagement_score, "Mean engagement score.")
    band("mean_total_score", *bounds.mean_total_score, "Mean total score.")
    band("total_score_stdev", bounds.min_total_score_stdev, None, "Scores spread out (not collapsed).")
    band(
        "no_rule_share",
        None,
        bounds.max_no_rule_share,
        f"Share of leads whose top reason is '{NO_RULE_REASON}'.",
    )
    band("zero_engagement_share", None, bounds.max_zero_engagement_share, "Share with no engagement points.")
    band("ledger_rows_per_lead", *bounds.ledger_rows_per_lead, "Points-ledger rows per scored lead.")
    band(
        "leads_per_account", *bounds.leads_per_account, "Scored leads per scored account (accounts present)."
    )

    scores = expectations["marts.fct_lead_scores"].append
    scores(
        gxe.ExpectTableRowCountToBeBetween(min_value=1, notes="Nothing to publish without scores.", **crit)
    )
    # Score levels, tier / MQL shares, spread and the 'No scoring rule applies' share are per model (KPIs).
    scores(
        gxe.ExpectColumnUniqueValueCountToBeBetween(
            column="score_matrix_cell",
            min_value=bounds.min_matrix_cells,
            notes="Leads spread over the fit grade x engagement level matrix (A1..D3).",
            **warn,
        )
    )
    if bounds.max_score_age_days is not None:
        scores(
            gxe.ExpectColumnMaxToBeBetween(
                column="as_of_date",
                min_value=(now - timedelta(days=bounds.max_score_age_days)).date(),
                notes="Scores are fresh.",
                **warn,
            )
        )

    points = expectations["marts.fct_lead_score_points"].append
    points(gxe.ExpectTableRowCountToBeBetween(min_value=1, **crit))
    points(
        gxe.ExpectColumnUniqueValueCountToBeBetween(
            column="rule_id",
            min_value=bounds.min_rules_fired,
            notes="Rules that fired at least once.",
            **warn,
        )
    )
    points(
        gxe.ExpectColumnDistinctValuesToContainSet(
            column="rule_type",
            value_set=["fit", "engagement"],
            notes="Both fit and engagement rules fire somewhere (raw attributes and events are mapped).",
            **warn,
        )
    )

    leads = expectations["marts.dim_leads"].append
    leads(gxe.ExpectTableRowCountToBeBetween(min_value=1, **crit))
    leads(
        gxe.ExpectColumnValuesToBeInSet(
            column="email_domain_class",
            value_set=["business"],
            mostly=bounds.min_business_email_share,
            **warn,
        )
    )
    leads(
        gxe.ExpectColumnValuesToNotBeInSet(
            column="seniority",
            value_set=["unknown"],
            mostly=_complement(bounds.max_unknown_seniority_share),
            **warn,
        )
    )
    leads(
        gxe.ExpectColumnProportionOfNonNullValuesToBeBetween(
            column="email_hash", min_value=bounds.min_email_hash_share, **warn
        )
    )

    accounts = expectations["marts.fct_account_scores"].append
    accounts(gxe.ExpectTableRowCountToBeBetween(min_value=1, notes="Account scores present.", **warn))
    accounts(
        gxe.ExpectColumnMaxToBeBetween(
            column="lead_count",
            max_value=bounds.max_leads_per_account,
            notes="A huge account is usually a free-mail or placeholder domain rolled up as a company.",
            **warn,
        )
    )

    mql = expectations["marts.fct_lead_mql_history"].append
    mql(gxe.ExpectTableRowCountToBeBetween(min_value=1, notes="Somebody became an MQL.", **warn))
    mql(
        gxe.ExpectColumnValuesToBeInSet(
            column="is_recycled", value_set=[False], mostly=_complement(bounds.max_recycled_share), **warn
        )
    )

    history = expectations["marts.fct_lead_score_history"].append
    history(
        gxe.ExpectColumnUniqueValueCountToBeBetween(
            column="as_of_date", min_value=2, notes="Past checkpoints exist (trends, MQL hand-off).", **warn
        )
    )
    history(gxe.ExpectColumnMeanToBeBetween(column="total_score", min_value=bounds.mean_total_score[0],
                                            max_value=bounds.mean_total_score[1], **warn))  # fmt: skip

    # Schema (critical): the mart columns read here (by the KPIs too) exist. dbt enforces the full contracts
    # when it builds; this catches a warehouse file that is not what this project version builds.
    for table in MART_TABLES:
        items = expectations[f"marts.{table}"]
        read = [*KPI_COLUMNS.get(table, ()), *(getattr(e, "column", None) for e in items)]
        items[:0] = [
            gxe.ExpectColumnToExist(column=column, notes="Column the validation reads.", **crit)
            for column in dict.fromkeys(c for c in read if c)
        ]
    return {name: _suite(name, items) for name, items in expectations.items()}


def quarantine_suite(bounds: Bounds) -> ExpectationSuite:
    """The suite `staging.quarantine` on one row per raw entity (`source_table`): raw rows, rows dbt
    quarantined for a fault, superseded versions, the fault share and the reasons with their counts."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    expectations = [
        gxe.ExpectColumnValuesToBeBetween(
            column="rejected_share",
            max_value=bounds.max_rejected_share.get(entity, 0.01),
            row_condition=Column("source_table") == entity,
            meta={"scope": entity},
            notes=(
                f"Share of the raw `{entity}` rows that dbt quarantined in "
                f"{STAGING_SCHEMA}.stg_{STAGING_MODELS[entity]}_rejected for a fault (any reason but "
                f"{', '.join(NOT_FAULT_REASONS)})."
            ),
            **_warning(),
        )
        for entity in RAW_ENTITIES
    ]
    return _suite(QUARANTINE_SUITE, expectations)


# --------------------------------------------------------------------------------------------------------
# Reading the data
# --------------------------------------------------------------------------------------------------------
def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def raw_files(raw_dir: Path, entity: str, raw_format: str = "parquet") -> list[Path]:
    """Every `<entity>*.<format>` file, as the dbt sources read them."""
    return sorted(Path(raw_dir).glob(f"{entity}*.{raw_format}"))


def _reader(files: Sequence[Path], raw_format: str) -> str:
    function = "read_csv" if raw_format == "csv" else "read_parquet"
    return f"{function}([{', '.join(_literal(str(f)) for f in files)}], union_by_name = true)"


def _present_columns(connection: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    return {row[0] for row in connection.execute(f"describe select * from {relation}").fetchall()}


@dataclass
class RawData:
    """The raw entities as dataframes (contract columns typed, plus helper columns)."""

    frames: dict[str, pd.DataFrame]
    files: dict[str, list[Path]]
    newest_event: datetime | None


def load_raw(
    raw_dir: Path,
    raw_format: str = "parquet",
    entities: Sequence[str] = RAW_ENTITIES,
    latest_allowed: datetime | None = None,
) -> RawData:
    """Read every raw entity into pandas through an in-memory DuckDB connection.

    Contract columns are `try_cast` to their type (extra columns are dropped); for each non-text column a
    `<column>__cast_failures` helper holds the raw value wherever the cast fails. Entities with a lead id get
    `lead_id_in_crm_leads`. `newest_event` is the latest event over all event feeds, ignoring events after
    `latest_allowed` (future-dated rows fail their own check and must not shift the reference).
    """
    import duckdb

    latest_allowed = latest_allowed or utc_now()
    frames: dict[str, pd.DataFrame] = {}
    files = {entity: raw_files(raw_dir, entity, raw_format) for entity in RAW_ENTITIES}
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        lead_files = files["crm_leads"]
        has_known_leads = False
        if lead_files and "lead_id" in _present_columns(connection, _reader(lead_files, raw_format)):
            connection.execute(
                "create temp table known_leads as select distinct trim(cast(lead_id as varchar)) as lead_id "
                f"from {_reader(lead_files, raw_format)} where lead_id is not null"
            )
            has_known_leads = True

        newest: datetime | None = None
        for entity, column in EVENT_TIME_COLUMNS.items():
            if files[entity]:
                relation = _reader(files[entity], raw_format)
                if column in _present_columns(connection, relation):
                    typed = f"try_cast({_quote(column)} as timestamp)"
                    (value,) = connection.execute(
                        f"select max(case when {typed} <= ? then {typed} end) from {relation}",
                        [latest_allowed],
                    ).fetchone()
                    if value is not None and (newest is None or value > newest):
                        newest = value

        for entity in entities:
            if not files[entity]:
                continue
            relation = _reader(files[entity], raw_format)
            present = _present_columns(connection, relation)
            select: list[str] = []
            for column, sql_type in RAW_CONTRACT[entity]:
                if column not in present:
                    continue
                quoted = _quote(column)
                typed = f"try_cast({quoted} as {sql_type})"
                if sql_type == "TIMESTAMP":
                    # Nanosecond timestamps (GX compares only those vectorised, ~10x faster): the years
                    # pandas can hold; placeholders such as 9999-12-31 stay far outside any window.
                    low, high = (f"timestamp '{bound}'" for bound in PANDAS_TIMESTAMP_RANGE)
                    typed = (
                        f"case when {typed} < {low} then {low} when {typed} > {high} then {high} "
                        f"else {typed} end"
                    )
                select.append(f"{typed} as {quoted}")
                if sql_type != "VARCHAR":
                    select.append(
                        f"case when {quoted} is not null and try_cast({quoted} as {sql_type}) is null "
                        f"then cast({quoted} as varchar) end as {_quote(column + CAST_SUFFIX)}"
                    )
            if entity != "crm_leads" and "lead_id" in present:
                # Without usable crm_leads ids (a critical failure there) the helper stays null.
                known = (
                    "case when lead_id is null then null else trim(cast(lead_id as varchar)) in "
                    "(select lead_id from known_leads) end"
                    if has_known_leads
                    else "cast(null as boolean)"
                )
                select.append(f"{known} as {KNOWN_LEAD_COLUMN}")
            frame = connection.execute(f"select {', '.join(select) or '1 as _'} from {relation}").df()
            for column, sql_type in RAW_CONTRACT[entity]:
                if sql_type == "TIMESTAMP" and column in frame.columns:
                    frame[column] = frame[column].astype("datetime64[ns]")
            frames[entity] = frame
            if not select:
                frames[entity] = frames[entity].iloc[:, :0]
    return RawData(frames=frames, files=files, newest_event=newest)


KPI_SQL = """
with models as (
    {models}
),
scores as (
    select
        scoring_model_id,
        count(*) as scored_leads,
        avg(case when tier = 'hot' then 1.0 else 0.0 end) as hot_share,
        avg(case when is_mql then 1.0 else 0.0 end) as mql_share,
        avg(case when is_sql then 1.0 else 0.0 end) as sql_share,
        avg(case when is_disqualified then 1.0 else 0.0 end) as disqualified_share,
        avg(fit_score) as mean_fit_score,
        avg(engagement_score) as mean_engagement_score,
        avg(total_score) as mean_total_score,
        coalesce(stddev_samp(total_score), 0) as total_score_stdev,
        avg(case when top_reasons = '{no_rule}' then 1.0 else 0.0 end) as no_rule_share,
        avg(case when engagement_score = 0 then 1.0 else 0.0 end) as zero_engagement_share
    from marts.fct_lead_scores
    group by scoring_model_id
),
ledger as (
    select scoring_model_id, count(*) as ledger_rows
    from marts.fct_lead_score_points
    group by scoring_model_id
),
accounts as (
    select scoring_model_id, count(*) as accounts
    from marts.fct_account_scores
    group by scoring_model_id
)
select
    models.scoring_model_id,
    cast(coalesce(scores.scored_leads, 0) as bigint) as scored_leads,
    scores.hot_share,
    scores.mql_share,
    scores.sql_share,
    scores.disqualified_share,
    scores.mean_fit_score,
    scores.mean_engagement_score,
    scores.mean_total_score,
    scores.total_score_stdev,
    scores.no_rule_share,
    scores.zero_engagement_share,
    cast(coalesce(ledger.ledger_rows, 0) as double) / nullif(scores.scored_leads, 0) as ledger_rows_per_lead,
    cast(scores.scored_leads as double) / nullif(coalesce(accounts.accounts, 0), 0) as leads_per_account
from models
left join scores on models.scoring_model_id = scores.scoring_model_id
left join ledger on models.scoring_model_id = ledger.scoring_model_id
left join accounts on models.scoring_model_id = accounts.scoring_model_id
order by models.scoring_model_id
"""


def _suite_columns(suite: ExpectationSuite) -> list[str]:
    """Columns an expectation suite refers to (to read only those from a mart)."""
    columns: list[str] = []
    for expectation in suite.expectations:
        column = getattr(expectation, "column", None)
        if column and column not in columns:
            columns.append(column)
    return columns


class WarehouseError(RuntimeError):
    """The warehouse cannot be read (missing, locked by a running build, no marts)."""


@dataclass(frozen=True)
class Unavailable:
    """Why a suite's data could not be read (a failure of that suite; the others still run)."""

    expectation: str
    detail: str
    severity: str = "critical"


QUARANTINE_SQL = """
with raw as (
    {raw}
),
rejected as (
    {rejected}
),
counted as (
    select
        raw.position,
        raw.source_table,
        raw.raw_rows,
        cast(coalesce(sum(rejected.row_count) filter (where not rejected.is_history), 0) as bigint)
            as rejected_rows,
        cast(coalesce(sum(rejected.row_count) filter (where rejected.is_history), 0) as bigint)
            as superseded_rows,
        string_agg(
            rejected.rejection_reason || ' ' || rejected.row_count, ', '
            order by rejected.row_count desc, rejected.rejection_reason
        ) as reasons
    from raw
    left join rejected on raw.source_table = rejected.source_table
    group by raw.position, raw.source_table, raw.raw_rows
)
select
    source_table,
    raw_rows,
    rejected_rows,
    superseded_rows,
    cast(rejected_rows as double) / nullif(raw_rows, 0) as rejected_share,
    reasons
from counted
order by position
"""


def _read_quarantine(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame | Unavailable:
    """One row per raw entity: raw rows (`staging.base_*`, one row per raw row), rows quarantined for a fault
    and superseded versions (`staging.stg_*_rejected`), the fault share and the reasons with counts."""
    import duckdb

    relations = {
        row[0]
        for row in connection.execute(
            "select table_name from information_schema.tables where table_schema = ?", [STAGING_SCHEMA]
        ).fetchall()
    }
    needed = [
        name
        for stem in STAGING_MODELS.values()
        for name in (f"base_{stem}", f"stg_{stem}_rejected")
        if name not in relations
    ]
    if needed:
        return Unavailable(
            "quarantine models present",
            f"missing {', '.join(f'{STAGING_SCHEMA}.{n}' for n in needed)}; run `make build`",
            "warning",
        )
    history = ", ".join(_literal(reason) for reason in NOT_FAULT_REASONS)
    raw = "\n    union all\n    ".join(
        f"select {position} as position, {_literal(entity)} as source_table, "
        f"(select count(*) from {STAGING_SCHEMA}.base_{stem}) as raw_rows"
        for position, (entity, stem) in enumerate(STAGING_MODELS.items())
    )
    rejected = "\n    union all\n    ".join(
        f"select {_literal(entity)} as source_table, rejection_reason, rejection_reason in ({history}) "
        f"as is_history, count(*) as row_count from {STAGING_SCHEMA}.stg_{stem}_rejected group by all"
        for entity, stem in STAGING_MODELS.items()
    )
    try:
        return connection.execute(QUARANTINE_SQL.format(raw=raw, rejected=rejected)).df()
    except duckdb.Error as error:
        return Unavailable(
            "quarantine readable",
            f"{_short(str(error).strip().splitlines()[0], 300)} (the staging views read the raw files at the "
            "path dbt was given: run from the directory dbt ran in)",
            "warning",
        )


def load_marts(
    database: Path, suites: Mapping[str, ExpectationSuite]
) -> dict[str, pd.DataFrame | Unavailable]:
    """Read the marts (only the columns the suites use), the per-model KPIs and the quarantine counts,
    read-only."""
    import duckdb

    if not Path(database).exists():
        raise WarehouseError(f"no warehouse at {database}; run `make build` first or pass --skip-marts")
    try:
        connection = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as error:
        raise WarehouseError(
            f"cannot open {database} read-only (is a dbt build running?): {error}"
        ) from error
    frames: dict[str, pd.DataFrame | Unavailable] = {}
    try:
        tables = {
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = ?", [MARTS_SCHEMA]
            ).fetchall()
        }
        missing = [table for table in MART_TABLES if table not in tables]
        if missing:
            raise WarehouseError(f"{database}: missing marts {', '.join(missing)}; run `make build`")
        present: dict[str, set[str]] = {}
        for table, column in connection.execute(
            "select table_name, column_name from information_schema.columns where table_schema = ?",
            [MARTS_SCHEMA],
        ).fetchall():
            present.setdefault(table, set()).add(column)
        for table in MART_TABLES:
            # A missing column fails its expect_column_to_exist; read the others.
            columns = [c for c in _suite_columns(suites[f"marts.{table}"]) if c in present[table]]
            select = ", ".join(_quote(c) for c in columns) or "1 as _"
            frames[f"marts.{table}"] = connection.execute(f"select {select} from marts.{_quote(table)}").df()
        has_models = connection.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [CONFIG_SCHEMA, "scoring_models"],
        ).fetchone()[0]
        models = (
            f"select scoring_model_id from {CONFIG_SCHEMA}.scoring_models where is_active"
            if has_models
            else "select distinct scoring_model_id from marts.fct_lead_scores"
        )
        lacking = [
            f"marts.{table}.{column}"
            for table, columns in KPI_COLUMNS.items()
            for column in columns
            if column not in present[table]
        ]
        frames[KPI_SUITE] = (
            Unavailable("per-model KPIs computed", f"missing column(s) {', '.join(lacking)}")
            if lacking
            else connection.execute(KPI_SQL.format(models=models, no_rule=NO_RULE_REASON)).df()
        )
        if QUARANTINE_SUITE in suites:
            frames[QUARANTINE_SUITE] = _read_quarantine(connection)
    finally:
        connection.close()
    return frames


# --------------------------------------------------------------------------------------------------------
# Validating
# --------------------------------------------------------------------------------------------------------
def utc_now() -> datetime:
    """The validation clock: now, naive UTC (raw timestamps are naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _context(docs_dir: Path | None) -> AbstractDataContext:
    """An ephemeral GX context (nothing written to the project) with progress bars off and, when asked,
    one local Data Docs site in `docs_dir`."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if docs_dir is not None:
        context.add_data_docs_site(
            site_name=DOCS_SITE_NAME,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(Path(docs_dir).resolve()),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "show_cta_footer": False},
            },
        )
    return context


def _clear_docs(docs_dir: Path) -> None:
    """Remove what a previous run's Data Docs wrote (only GX's own entries), so old results go away."""
    for name in ("index.html", "validations", "expectations", "static"):
        target = Path(docs_dir) / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def _short(value: Any, limit: int = 160) -> str:
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _expected(kwargs: Mapping[str, Any]) -> str:
    """The expectation's bounds in a few words, e.g. "expected 0.005..0.25" or "expected <= 2026-07-02"."""
    parts: list[str] = []
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if low is not None and high is not None:
        parts.append(f"expected {_short(low)}..{_short(high)}")
    elif low is not None:
        parts.append(f"expected >= {_short(low)}")
    elif high is not None:
        parts.append(f"expected <= {_short(high)}")
    if kwargs.get("mostly") is not None:
        parts.append(f"mostly {_short(kwargs['mostly'])}")
    return ", ".join(parts)


def _exception_message(info: Mapping[str, Any] | None) -> str | None:
    """The first exception message in a (possibly nested) GX exception_info."""
    if not info:
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, Mapping) and value.get("raised_exception"):
            return str(value.get("exception_message"))
    return None


def _detail(result: Any) -> str:
    """Observed value, unexpected values or error of a failed expectation result, in one line."""
    error = _exception_message(result.exception_info)
    if error:
        return "error: " + _short(error)
    config = result.expectation_config
    if config.type == "expect_column_to_exist":
        return "column not in the file(s)"
    expected = _expected(config.kwargs)
    suffix = f" ({expected})" if expected else ""
    details = result.result or {}
    if "unexpected_index_list" in details and details.get("unexpected_index_list"):
        column = result.expectation_config.kwargs.get("column")
        shown: list[str] = []
        for row in details["unexpected_index_list"][:5]:
            if isinstance(row, dict):
                # The first index column names the row; further ones (e.g. the reasons) follow in brackets.
                names = [value for name, value in row.items() if name != column] or ["row"]
                extra = "; ".join(str(value) for value in names[1:] if value is not None and value == value)
                shown.append(f"{names[0]}={_short(row.get(column), 40)}" + (f" [{extra}]" if extra else ""))
        return f"{details.get('unexpected_count')} unexpected: {', '.join(shown)}{suffix}"
    if "unexpected_count" in details:
        count, total = details.get("unexpected_count") or 0, details.get("element_count") or 0
        distinct = list(dict.fromkeys(_short(v, 40) for v in details.get("partial_unexpected_list") or []))
        examples = ", ".join(repr(v) for v in distinct[:3])
        share = (
            f" ({details.get('unexpected_percent', 0):.2f} %)" if details.get("unexpected_percent") else ""
        )
        if "missing_count" in details:  # nulls are not checked
            base = f"{count:,} of {total - details['missing_count']:,} non-null values unexpected{share}"
        else:
            base = f"{count:,} of {total:,} rows unexpected{share}"
        return base + (f", e.g. {examples}" if examples else "") + suffix
    if "observed_value" in details:
        return "observed " + _short(details["observed_value"]) + suffix
    return "failed" + suffix


def _label(config: Any) -> str:
    kwargs = config.kwargs
    target = kwargs.get("column") or kwargs.get("column_list") or ""
    scope = (config.meta or {}).get("scope")  # the row an expectation with a row condition is about
    return f"{config.type}({target}{', ' + scope if scope else ''})"


def _outcome(suite_name: str, rows: int | None, result: Any, seconds: float) -> SuiteOutcome:
    outcome = SuiteOutcome(suite=suite_name, rows=rows, seconds=seconds)
    missing_columns: set[str] = set()
    for item in result.results:
        config = item.expectation_config
        outcome.evaluated += 1
        if item.success:
            outcome.passed += 1
            continue
        severity = str(getattr(config.severity, "value", config.severity))
        severity = "warning" if severity in ("warning", "info") else "critical"
        if config.type == "expect_column_to_exist":
            missing_columns.add(config.kwargs["column"])
        outcome.failures.append(Failure(suite_name, severity, _label(config), _detail(item)))
    if missing_columns:
        # Expectations on a missing column (or on its cast helper) cannot run: one line says why.
        def on_missing(failure: Failure) -> bool:
            column = failure.expectation.rsplit("(", 1)[-1].rstrip(")").removesuffix(CAST_SUFFIX)
            return column in missing_columns and not failure.expectation.startswith("expect_column_to_exist")

        skipped = [f for f in outcome.failures if on_missing(f)]
        if skipped:
            outcome.failures = [f for f in outcome.failures if not on_missing(f)]
            outcome.failures.append(
                Failure(
                    suite_name,
                    "critical",
                    f"{len(skipped)} expectation(s) not evaluated",
                    f"column(s) missing: {', '.join(sorted(missing_columns))}",
                )
            )
    return outcome


def validate_data(
    raw_dir: Path | None = DEFAULT_RAW_DIR,
    database: Path | None = DEFAULT_DATABASE,
    docs_dir: Path | None = DEFAULT_DOCS_DIR,
    bounds: Bounds | None = None,
    now: datetime | None = None,
    raw_format: str = "parquet",
    entities: Sequence[str] = RAW_ENTITIES,
) -> ValidationReport:
    """Validate the raw inputs (`raw_dir`, skipped when None) and the marts (`database`, skipped when
    None); write Data Docs to `docs_dir` (none when None). Raises WarehouseError if the marts cannot be read.
    """
    import great_expectations as gx

    started = time.perf_counter()
    bounds = bounds or Bounds()
    now = now or utc_now()
    report = ValidationReport()
    context = _context(docs_dir)
    runs: list[tuple[str, ExpectationSuite, pd.DataFrame | Unavailable]] = []

    if raw_dir is not None:
        raw = load_raw(Path(raw_dir), raw_format, entities, now + timedelta(days=bounds.max_future_days))
        for entity in entities:
            suite = raw_suite(entity, bounds, now, raw.newest_event)
            pattern = Path(raw_dir) / f"{entity}*.{raw_format}"
            frame = raw.frames.get(entity, Unavailable("raw files present", f"no file {pattern}"))
            runs.append((suite.name, suite, frame))
    if database is not None:
        suites = {**mart_suites(bounds, now), QUARANTINE_SUITE: quarantine_suite(bounds)}
        frames = load_marts(Path(database), suites)
        runs += [(name, suite, frames[name]) for name, suite in suites.items()]

    datasource = context.data_sources.add_pandas("lead_scoring")
    for name, suite, frame in runs:
        suite = context.suites.add(suite)
        if isinstance(frame, Unavailable):
            failure = Failure(name, frame.severity, frame.expectation, frame.detail)
            report.outcomes.append(SuiteOutcome(name, failures=[failure]))
            continue
        result_format: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": 10}
        if name in INDEX_COLUMNS:  # one row per model / raw table: name the rows out of band
            result_format = {
                "result_format": "COMPLETE",
                "unexpected_index_column_names": INDEX_COLUMNS[name],
            }
        batch = datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all rows")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        suite_started = time.perf_counter()
        result = definition.run(batch_parameters={"dataframe": frame}, result_format=result_format)
        report.outcomes.append(_outcome(name, len(frame), result, time.perf_counter() - suite_started))

    if docs_dir is not None:
        _clear_docs(Path(docs_dir))
        context.build_data_docs(site_names=[DOCS_SITE_NAME])
        report.docs_index = Path(docs_dir) / "index.html"
    report.seconds = time.perf_counter() - started
    return report


def format_report(report: ValidationReport, strict: bool = False, max_failures_per_suite: int = 8) -> str:
    """The compact console summary: one line per suite, then each failed expectation."""
    lines = [f"{'suite':<34}{'rows':>10}  {'passed':>9}  {'critical':>8}  {'warning':>7}  {'s':>5}"]
    for outcome in report.outcomes:
        rows = f"{outcome.rows:,}" if outcome.rows is not None else "-"
        passed = f"{outcome.passed}/{outcome.evaluated}"
        lines.append(
            f"{outcome.suite:<34}{rows:>10}  {passed:>9}  {outcome.count('critical'):>8}  "
            f"{outcome.count('warning'):>7}  {outcome.seconds:>5.1f}"
        )
        for failure in outcome.failures[:max_failures_per_suite]:
            lines.append(f"    {failure.severity.upper():<8} {failure.expectation}: {failure.detail}")
        if len(outcome.failures) > max_failures_per_suite:
            lines.append(f"    ... {len(outcome.failures) - max_failures_per_suite} more (see Data Docs)")
    if report.docs_index is not None:
        lines.append(f"Data Docs: {report.docs_index}")
    critical, warning = report.critical_count, report.warning_count
    if report.exit_code(strict):
        verdict = f"FAILED: {critical} critical, {warning} warning failure(s)"
        if not critical:
            verdict += " (--strict fails on warnings)"
    elif warning:
        verdict = f"PASSED with {warning} warning(s) (distribution bands; --strict would fail)"
    else:
        verdict = "PASSED"
    lines.append(f"{verdict} in {report.seconds:.1f} s")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the `validate-data` options."""
    parser.add_argument(
        "--raw-dir",
        type=Path,
        default=Path(os.environ.get("LEAD_SCORING_RAW_DIR", DEFAULT_RAW_DIR)),
        help="directory of the raw files (default: LEAD_SCORING_RAW_DIR or data/raw)",
    )
    parser.add_argument(
        "--raw-format",
        choices=("parquet", "csv"),
        default=os.environ.get("LEAD_SCORING_RAW_FORMAT", "parquet"),
        help="raw file format (default: LEAD_SCORING_RAW_FORMAT or parquet)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=Path(os.environ.get("LEAD_SCORING_DUCKDB_PATH", DEFAULT_DATABASE)),
        help=f"DuckDB warehouse, opened read-only (default: LEAD_SCORING_DUCKDB_PATH or {DEFAULT_DATABASE})",
    )
    parser.add_argument(
        "--docs-dir",
        type=Path,
        default=DEFAULT_DOCS_DIR,
        help=f"Data Docs folder (default {DEFAULT_DOCS_DIR})",
    )
    parser.add_argument("--skip-raw", action="store_true", help="do not validate the raw files")
    parser.add_argument(
        "--skip-marts", action="store_true", help="do not validate the warehouse (marts and quarantine)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="also fail on warning-severity (distribution) expectations"
    )
    parser.add_argument("--bounds", type=Path, default=None, help="JSON file overriding bounds (see Bounds)")


def run(args: argparse.Namespace) -> int:
    """Run `validate-data`; print the summary; return 1 on failure."""
    if args.skip_raw and args.skip_marts:
        print("error: nothing to validate (--skip-raw and --skip-marts)")
        return 1
    try:
        bounds = Bounds.from_json(args.bounds) if args.bounds else Bounds()
        report = validate_data(
            raw_dir=None if args.skip_raw else args.raw_dir,
            database=None if args.skip_marts else args.database,
            docs_dir=args.docs_dir,
            bounds=bounds,
            raw_format=args.raw_format,
        )
    except (WarehouseError, ValueError, OSError) as error:
        print(f"error: {error}")
        return 1
    print(format_report(report, strict=args.strict))
    sys.stdout.flush()
    return report.exit_code(strict=args.strict)


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(_parser)
    raise SystemExit(run(_parser.parse_args()))
