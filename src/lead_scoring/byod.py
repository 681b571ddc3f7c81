"""Bring your own data: turn a generic CRM export (CSV + a small mapping file) into the raw contract.

`lead-scoring import-crm --mapping MAPPING.yml --out DIR` reads one CSV export of leads (one row per
lead), optionally a second CSV of conversions joined on the lead id, and writes the seven raw files of
docs/raw_contract.md as Parquet into DIR, plus `import_manifest.json` (what was imported, what was
dropped and why, which feeds the export did not have, how to evaluate) and `dbt_vars.json` (the vars
the build needs). `lead-scoring build-byod --raw-dir DIR` then builds a separate warehouse beside DIR
and prints the evaluation. The mapping file (YAML) names the columns; see README "Bring your own data"
and examples/olist/mapping.yml.

What becomes what:

- the lead file: one `crm_leads` row per distinct lead id (first occurrence kept; repeats counted);
  email (or a stable placeholder `lead-<hash>@placeholder.invalid`), created date, the attributes
  mapped to a `crm_leads` column; other attributes become `crm_lead_attributes` rows valid from the
  lead's creation;
- the conversion (a flag column, a date column, or a conversions file with an optional date): one
  closed-won `opportunities` row per converted lead at its conversion date;
- activity counts: that many events of the mapped event type (web, email or CRM activity, by type),
  at a mapped date column or else the lead's created date; activity dates: one event at that date.
  Counts in an export are totals at export time and may include activity after the conversion: map
  dates where the export has them;
- files with nothing to hold are written with zero rows and the contract's schema. `web_events` and
  `email_events` must not be empty for `check-raw` unless the manifest declares them absent
  (`absent_feeds`): then the check warns instead, since an export without them is not a broken feed.

Dates. An export is *dated* when the created date and the conversion date are both mapped: the
evaluation is the out-of-time holdout, and the recommended as-of date is the last created day plus the
label window (every lead exists at the evaluation date), or the end of the data if that comes first.
Otherwise it is *dateless*: every lead is created on one synthetic day, activities happen that day,
conversions the next day, the label window is one day and the as-of date that next day; the
evaluation must be a seeded random split (`evaluation_holdout: random_split`, seed in the manifest).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from lead_scoring import predictive_evaluation, raw_files
from lead_scoring.expectations import RAW_VALUE_SETS
from lead_scoring.generate import RAW_FILES, SCHEMAS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PROJECT_ITEMS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "analyses")
MANIFEST_FILE = raw_files.IMPORT_MANIFEST
DBT_VARS_FILE = "dbt_vars.json"
DATA_DIR_ENV = "LEAD_SCORING_BYOD_DATA_DIR"
RAW_ENTITIES = RAW_FILES  # the seven raw files of docs/raw_contract.md
# crm_leads columns an attribute may be mapped to (the others are set by the importer).
LEAD_COLUMNS = (
    "first_name",
    "last_name",
    "job_title",
    "company_name",
    "company_domain",
    "industry",
    "employee_count",
    "annual_revenue",
    "country",
    "lead_source",
    "owner_id",
    "is_deleted",
)
NUMBER_COLUMNS = {"employee_count": "int", "annual_revenue": "float"}
# Event type of the mapping -> (raw file, raw event type). Email types also answer to their scored
# names (email_open = open), as in seeds/event_types.csv.
EVENT_FEEDS = {"web_events": "web_events", "email_events": "email_events", "crm_activities": "crm_activities"}
DEFAULT_TRUE_VALUES = ("1", "true", "t", "yes", "y", "x", "won", "converted")
DEFAULT_LABEL_WINDOW_DAYS = 90
DEFAULT_RANDOM_SEED = 42
SYNTHETIC_CREATED_DATE = dt.date(2020, 1, 1)
PLACEHOLDER_DOMAIN = "placeholder.invalid"
MAX_EVENTS_PER_CELL = 1_000
ATTRIBUTE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class MappingError(ValueError):
    """The mapping file or the export cannot be imported: one sentence per problem."""


def _event_types() -> dict[str, tuple[str, str]]:
    types: dict[str, tuple[str, str]] = {}
    for (entity, column), values in RAW_VALUE_SETS.items():
        if entity in EVENT_FEEDS and column in ("event_type", "activity_type"):
            for value in values:
                types[value] = (entity, value)
                if entity == "email_events":
                    types[f"email_{value}"] = (entity, value)
    return types


EVENT_TYPES = _event_types()


# --------------------------------------------------------------------------------------------------------
# The mapping file
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ActivityMapping:
    column: str
    event_type: str
    kind: str  # "count" or "date"
    date_column: str | None = None  # counts: the date of the events (else the created date)
    url_path: str | None = None  # web events: the page (e.g. /pricing)


@dataclass(frozen=True)
class ConversionMapping:
    flag: str | None = None
    date: str | None = None
    file: Path | None = None
    lead_id: str | None = None  # id column in the conversions file
    amount: str | None = None
    true_values: tuple[str, ...] = DEFAULT_TRUE_VALUES


@dataclass(frozen=True)
class Mapping:
    path: Path
    name: str
    files: tuple[Path, ...]
    lead_id: str
    email: str | None
    created_at: str | None
    conversion: ConversionMapping
    attributes: dict[str, str]  # target name -> source column
    activities: tuple[ActivityMapping, ...]
    date_format: str | None
    delimiter: str
    encoding: str
    label_window_days: int
    random_seed: int
    as_of_date: dt.date | None
    seeds_dir: Path | None = None  # extra seed rows (candidate scoring models) for this export's builds


def _expand(value: str) -> str:
    """${NAME} and ${NAME:-default} from the environment."""

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is not None:
            return default
        raise MappingError(f"the mapping refers to ${{{name}}}, which is not set in the environment")

    return ENV_REFERENCE.sub(replace, value)


def _text(section: MappingType[str, Any], key: str, where: str, required: bool = False) -> str | None:
    value = section.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise MappingError(f"{where}: '{key}' is required")
        return None
    if not isinstance(value, str | int):
        raise MappingError(f"{where}: '{key}' must be a column name, got {value!r}")
    return str(value).strip()


def load_mapping(path: Path, data_dir: Path | None = None) -> Mapping:
    """Read and check the structure of a mapping file (columns are checked against the export later).

    Input files are relative to the data directory: `data_dir` (the --data-dir option), else the
    environment variable LEAD_SCORING_BYOD_DATA_DIR, else the mapping's `data_dir` (relative to the
    mapping file; ${VAR} / ${VAR:-default} expanded), else the mapping file's folder.
    """
    path = Path(path)
    if not path.is_file():
        raise MappingError(f"{path}: mapping file not found")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise MappingError(f"{path}: not valid YAML ({error})") from error
    if not isinstance(document, dict):
        raise MappingError(f"{path}: the mapping must be a YAML mapping of keys (see README)")
    where = str(path)
    known = {
        "name", "data_dir", "file", "files", "lead_id", "email", "created_at", "conversion", "attributes",
        "activity_counts", "activity_dates", "date_format", "delimiter", "encoding", "evaluation",
        "seeds_dir",
    }  # fmt: skip
    unknown = sorted(set(document) - known)
    if unknown:
        raise MappingError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")

    base = path.parent.resolve()
    if data_dir is None and os.environ.get(DATA_DIR_ENV):
        data_dir = Path(os.environ[DATA_DIR_ENV])
    if data_dir is None and document.get("data_dir"):
        data_dir = Path(_expand(str(document["data_dir"])))
        if not data_dir.is_absolute():
            data_dir = base / data_dir
    data_dir = Path(data_dir).resolve() if data_dir is not None else base

    def resolve(name: str) -> Path:
        candidate = Path(_expand(str(name)))
        return candidate if candidate.is_absolute() else data_dir / candidate

    names = document.get("files") or ([document["file"]] if document.get("file") else [])
    if isinstance(names, str):
        names = [names]
    if not names:
        raise MappingError(f"{where}: 'file' (or 'files') is required: the CSV export of the leads")
    files = tuple(resolve(name) for name in names)

    conversion_section = document.get("conversion")
    if not isinstance(conversion_section, dict):
        raise MappingError(
            f"{where}: 'conversion' is required: a flag column (flag:), a date column (date:) "
            "or a conversions file (file:, lead_id:, date:)"
        )
    conversion_where = f"{where}: conversion"
    extra = sorted(set(conversion_section) - {"flag", "date", "file", "lead_id", "amount", "true_values"})
    if extra:
        raise MappingError(f"{conversion_where}: unknown key(s) {', '.join(extra)}")
    conversion_file = conversion_section.get("file")
    true_values = conversion_section.get("true_values") or DEFAULT_TRUE_VALUES
    conversion = ConversionMapping(
        flag=_text(conversion_section, "flag", conversion_where),
        date=_text(conversion_section, "date", conversion_where),
        file=resolve(conversion_file) if conversion_file else None,
        lead_id=_text(conversion_section, "lead_id", conversion_where),
        amount=_text(conversion_section, "amount", conversion_where),
        true_values=tuple(str(value).strip().lower() for value in true_values),
    )
    if conversion.file is None and not (conversion.flag or conversion.date):
        raise MappingError(f"{conversion_where}: give a flag column, a date column or a conversions file")
    if conversion.file is not None and conversion.flag:
        raise MappingError(f"{conversion_where}: a conversions file lists the converted leads; drop 'flag'")

    attributes_section = document.get("attributes") or {}
    if not isinstance(attributes_section, dict):
        raise MappingError(f"{where}: 'attributes' must map attribute names to columns (name: column)")
    attributes: dict[str, str] = {}
    for target, column in attributes_section.items():
        target = str(target).strip().lower()
        if target in ("lead_id", "email", "created_at", "updated_at", "deleted_at"):
            raise MappingError(f"{where}: attributes: '{target}' is set by its own key, not as an attribute")
        if not ATTRIBUTE_NAME.match(target):
            raise MappingError(
                f"{where}: attributes: '{target}' is not a valid attribute name (lower case, digits, _)"
            )
        if not isinstance(column, str | int) or not str(column).strip():
            raise MappingError(f"{where}: attributes: '{target}' needs a column name")
        attributes[target] = str(column).strip()

    activities: list[ActivityMapping] = []
    for key, kind in (("activity_counts", "count"), ("activity_dates", "date")):
        entries = document.get(key) or []
        if not isinstance(entries, list):
            raise MappingError(f"{where}: '{key}' must be a list of {{column:, event_type:}} entries")
        for number, entry in enumerate(entries, start=1):
            entry_where = f"{where}: {key} #{number}"
            if not isinstance(entry, dict):
                raise MappingError(f"{entry_where}: must be a mapping with column: and event_type:")
            extra = sorted(set(entry) - {"column", "event_type", "date", "url_path"})
            if extra:
                raise MappingError(f"{entry_where}: unknown key(s) {', '.join(extra)}")
            event_type = _text(entry, "event_type", entry_where, required=True)
            if event_type not in EVENT_TYPES:
                raise MappingError(
                    f"{entry_where}: unknown event_type '{event_type}'; "
                    f"one of {', '.join(sorted(EVENT_TYPES))}"
                )
            if kind == "date" and entry.get("date"):
                raise MappingError(f"{entry_where}: an activity date column is itself the date; drop 'date'")
            activities.append(
                ActivityMapping(
                    column=_text(entry, "column", entry_where, required=True) or "",
                    event_type=event_type,
                    kind=kind,
                    date_column=_text(entry, "date", entry_where),
                    url_path=_text(entry, "url_path", entry_where),
                )
            )

    evaluation = document.get("evaluation") or {}
    if not isinstance(evaluation, dict):
        raise MappingError(
            f"{where}: 'evaluation' must be a mapping (random_seed, label_window_days, as_of_date)"
        )
    extra = sorted(set(evaluation) - {"random_seed", "label_window_days", "as_of_date"})
    if extra:
        raise MappingError(f"{where}: evaluation: unknown key(s) {', '.join(extra)}")
    as_of = evaluation.get("as_of_date")
    try:
        as_of_date = dt.date.fromisoformat(str(as_of)) if as_of else None
        label_window_days = int(evaluation.get("label_window_days", DEFAULT_LABEL_WINDOW_DAYS))
        random_seed = int(evaluation.get("random_seed", DEFAULT_RANDOM_SEED))
    except ValueError as error:
        raise MappingError(f"{where}: evaluation: {error}") from error
    if label_window_days < 1:
        raise MappingError(f"{where}: evaluation: label_window_days must be 1 or more")

    return Mapping(
        path=path,
        name=str(document.get("name") or path.parent.name),
        files=files,
        lead_id=_text(document, "lead_id", where, required=True) or "",
        email=_text(document, "email", where),
        created_at=_text(document, "created_at", where),
        conversion=conversion,
        attributes=attributes,
        activities=tuple(activities),
        date_format=_text(document, "date_format", where),
        delimiter=str(document.get("delimiter") or ","),
        encoding=str(document.get("encoding") or "utf-8"),
        label_window_days=label_window_days,
        random_seed=random_seed,
        as_of_date=as_of_date,
        seeds_dir=(base / _expand(str(document["seeds_dir"]))).resolve()
        if document.get("seeds_dir")
        else None,
    )


# --------------------------------------------------------------------------------------------------------
# Reading the export
# --------------------------------------------------------------------------------------------------------
def _read_csv(path: Path, mapping: Mapping) -> pd.DataFrame:
    if not path.is_file():
        raise MappingError(f"{path}: input file not found (data directory: --data-dir or {DATA_DIR_ENV})")
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            sep=mapping.delimiter,
            encoding=mapping.encoding,
        )
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise MappingError(f"{path}: cannot be read as CSV ({error})") from error
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame.apply(lambda column: column.str.strip())


def _require_columns(frame: pd.DataFrame, columns: dict[str, str | None], source: Path) -> None:
    missing = [
        f"{role} '{column}'" for role, column in columns.items() if column and column not in frame.columns
    ]
    if missing:
        raise MappingError(
            f"{source}: column(s) not found: {'; '.join(missing)}; the file has: {', '.join(frame.columns)}"
        )


@dataclass
class DateParse:
    values: pd.Series  # timestamps (NaT when empty or unparseable)
    empty: int
    unparseable: int
    examples: list[str]


def _parse_dates(values: pd.Series, date_format: str | None, what: str) -> DateParse:
    text = values.fillna("").astype(str).str.strip()
    present = text != ""
    parsed = pd.to_datetime(text.where(present), format="ISO8601", errors="coerce", utc=True)
    if date_format:  # the mapping's format first, ISO 8601 for what it does not read
        custom = pd.to_datetime(text.where(present), format=date_format, errors="coerce", utc=True)
        parsed = custom.fillna(parsed)
    parsed = parsed.dt.tz_convert(None)
    bad = present & parsed.isna()
    result = DateParse(parsed, int((~present).sum()), int(bad.sum()), sorted(set(text[bad]))[:3])
    if present.sum() and result.unparseable > present.sum() / 2:
        raise MappingError(
            f"{what}: {result.unparseable:,} of {int(present.sum()):,} values are not dates "
            f"(e.g. {', '.join(repr(value) for value in result.examples)}): set date_format "
            "(strftime, e.g. '%d/%m/%Y') in the mapping"
        )
    return result


@dataclass
class ImportReport:
    """What an import wrote and what it could not use (also the manifest's content)."""

    raw_dir: Path
    timeline: str  # "dated" or "dateless"
    counts: dict[str, int] = field(default_factory=dict)
    problems: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)

    def problem(self, key: str, count: int, examples: list[str] | None = None) -> None:
        if count:
            self.problems[key] = self.problems.get(key, 0) + int(count)
            if examples:
                self.examples[key] = (self.examples.get(key, []) + list(examples))[:5]


def _placeholder_email(lead_id: str) -> str:
    return f"lead-{hashlib.sha1(lead_id.encode('utf-8')).hexdigest()[:16]}@{PLACEHOLDER_DOMAIN}"


def _declared_attributes() -> set[str]:
    seed = PROJECT_ROOT / "seeds" / "lead_attributes.csv"
    if not seed.is_file():
        return set()
    return set(pd.read_csv(seed, dtype=str)["attribute_name"].str.strip())


# --------------------------------------------------------------------------------------------------------
# The import
# --------------------------------------------------------------------------------------------------------
def import_export(mapping: Mapping, out_dir: Path) -> ImportReport:
    """Read the export the mapping describes and write the raw files, the manifest and dbt_vars.json."""
    frames = [_read_csv(path, mapping) for path in mapping.files]
    for path, frame in zip(mapping.files, frames, strict=True):
        columns: dict[str, str | None] = {
            "lead_id": mapping.lead_id,
            "email": mapping.email,
            "created_at": mapping.created_at,
            "conversion flag": mapping.conversion.flag,
            "conversion date": None if mapping.conversion.file else mapping.conversion.date,
            "conversion amount": None if mapping.conversion.file else mapping.conversion.amount,
        }
        columns.update({f"attribute {target}": column for target, column in mapping.attributes.items()})
        for activity in mapping.activities:
            columns[f"activity {activity.event_type}"] = activity.column
            columns[f"activity {activity.event_type} date"] = activity.date_column
        _require_columns(frame, columns, path)
    export = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    input_rows = len(export)

    # Leads: one per id, first occurrence kept.
    ids = export[mapping.lead_id]
    missing_ids = ids == ""
    export = export[~missing_ids]
    duplicated = export[mapping.lead_id].duplicated(keep="first")
    duplicate_examples = sorted(set(export.loc[duplicated, mapping.lead_id]))[:5]
    leads = export[~duplicated].reset_index(drop=True)
    lead_ids = leads[mapping.lead_id]
    if leads.empty:
        raise MappingError(f"{mapping.files[0]}: no lead with an id in column '{mapping.lead_id}'")

    conversions = _conversions(mapping, leads)
    has_conversion_dates = mapping.conversion.date is not None
    dated = mapping.created_at is not None and (has_conversion_dates or not conversions.converted.any())
    dated = bool(dated)
    report = ImportReport(Path(out_dir), "dated" if dated else "dateless")
    report.counts["input_rows"] = input_rows
    report.problem("rows_without_id", int(missing_ids.sum()))
    report.problem("duplicate_lead_ids", int(duplicated.sum()), duplicate_examples)
    for key, (count, examples) in conversions.problems.items():
        report.problem(key, count, examples)

    # Dates of the leads.
    if dated:
        created = _parse_dates(
            leads[mapping.created_at], mapping.date_format, f"created_at '{mapping.created_at}'"
        )
        report.problem("created_dates_missing", created.empty)
        report.problem("created_dates_unparseable", created.unparseable, created.examples)
        created_at = created.values
        conversion_at = conversions.dates
    else:
        synthetic = pd.Timestamp(SYNTHETIC_CREATED_DATE)
        created_at = pd.Series(synthetic, index=leads.index)
        conversion_at = pd.Series(synthetic + pd.Timedelta(days=1), index=leads.index).where(
            conversions.converted
        )
        reasons = []
        if mapping.created_at is None:
            reasons.append("no created date is mapped")
        if not has_conversion_dates:
            reasons.append("the conversion has no date")
        report.notes.append(
            "dateless export (" + " and ".join(reasons) + "): every lead is created on "
            f"{SYNTHETIC_CREATED_DATE}, converted leads convert the day after; evaluate with a seeded "
            "random split"
        )

    crm_leads = _crm_leads(mapping, leads, created_at, report)
    attributes = _lead_attributes(mapping, leads, created_at, report)
    events = _events(mapping, leads, created_at, dated, report)
    converted = conversions.converted & conversion_at.notna()
    report.problem(
        "conversions_without_usable_date", int((conversions.converted & conversion_at.isna()).sum())
    )
    early = converted & created_at.notna() & (conversion_at < created_at.dt.normalize())
    report.problem(
        "conversions_dated_before_created_date_kept", int(early.sum()), sorted(lead_ids[early])[:5]
    )
    opportunities = pd.DataFrame(
        {
            "opportunity_id": "opp-" + lead_ids[converted],
            "lead_id": lead_ids[converted],
            "created_at": conversion_at[converted],
            "stage": "closed_won",
            "is_closed": True,
            "is_won": True,
            "closed_at": conversion_at[converted],
            "amount": conversions.amounts[converted],
        }
    )
    tables = {
        "crm_leads": crm_leads,
        "crm_lead_attributes": attributes,
        "web_events": events["web_events"],
        "email_events": events["email_events"],
        "crm_activities": events["crm_activities"],
        "opportunities": opportunities,
        "sales_feedback": pd.DataFrame(),
    }
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in [*out_dir.glob("*.parquet"), *out_dir.glob("*.csv")]:
        stale.unlink()
    for entity, table in tables.items():
        _write(out_dir / f"{entity}.parquet", entity, table)
        report.counts[entity] = len(table)
    report.counts["leads"] = len(crm_leads)
    report.counts["conversions"] = int(converted.sum())

    absent = [entity for entity in ("web_events", "email_events") if tables[entity].empty]
    report.manifest = _manifest(mapping, report, dated, created_at, conversion_at, events, absent)
    (out_dir / MANIFEST_FILE).write_text(json.dumps(report.manifest, indent=2) + "\n", encoding="utf-8")
    (out_dir / DBT_VARS_FILE).write_text(json.dumps(report.manifest["dbt_vars"]) + "\n", encoding="utf-8")
    return report


@dataclass
class _Conversions:
    converted: pd.Series  # bool per lead row
    dates: pd.Series  # timestamp per lead row (NaT: none)
    amounts: pd.Series  # float per lead row
    problems: dict[str, tuple[int, list[str]]]


def _conversions(mapping: Mapping, leads: pd.DataFrame) -> _Conversions:
    conversion = mapping.conversion
    lead_ids = leads[mapping.lead_id]
    problems: dict[str, tuple[int, list[str]]] = {}
    nat = pd.Series(pd.NaT, index=leads.index, dtype="datetime64[us]")
    amounts = pd.Series(float("nan"), index=leads.index)
    if conversion.file is not None:
        table = _read_csv(conversion.file, mapping)
        id_column = conversion.lead_id or mapping.lead_id
        _require_columns(
            table,
            {
                "conversion lead_id": id_column,
                "conversion date": conversion.date,
                "amount": conversion.amount,
            },
            conversion.file,
        )
        table = table[table[id_column] != ""]
        known = table[id_column].isin(set(lead_ids))
        problems["conversions_of_unknown_leads"] = (
            int((~known).sum()),
            sorted(set(table.loc[~known, id_column]))[:5],
        )
        table = table[known].copy()
        if conversion.date:
            parsed = _parse_dates(table[conversion.date], mapping.date_format, f"{conversion.file}: date")
            problems["conversion_dates_unparseable"] = (parsed.unparseable, parsed.examples)
            table["_date"] = parsed.values
            table = table.sort_values([id_column, "_date"], na_position="last", kind="stable")
        repeated = table[id_column].duplicated(keep="first")
        problems["repeated_conversions_earliest_kept"] = (
            int(repeated.sum()),
            sorted(set(table.loc[repeated, id_column]))[:5],
        )
        table = table[~repeated].set_index(id_column)
        converted = lead_ids.isin(set(table.index))
        dates = nat.copy()
        if conversion.date:
            dates = lead_ids.map(table["_date"]).astype("datetime64[us]")
        if conversion.amount:
            amounts = pd.to_numeric(lead_ids.map(table[conversion.amount]), errors="coerce")
        return _Conversions(converted, dates, amounts, problems)

    if conversion.amount:
        amounts = pd.to_numeric(leads[conversion.amount].replace("", None), errors="coerce")
    dates = nat.copy()
    if conversion.date:
        parsed = _parse_dates(
            leads[conversion.date], mapping.date_format, f"conversion date '{conversion.date}'"
        )
        problems["conversion_dates_unparseable"] = (parsed.unparseable, parsed.examples)
        dates = parsed.values.astype("datetime64[us]")
    if conversion.flag:
        converted = leads[conversion.flag].str.lower().isin(conversion.true_values)
    else:
        converted = dates.notna()
    return _Conversions(converted, dates.where(converted), amounts, problems)


def _crm_leads(
    mapping: Mapping, leads: pd.DataFrame, created_at: pd.Series, report: ImportReport
) -> pd.DataFrame:
    lead_ids = leads[mapping.lead_id]
    if mapping.email:
        email = leads[mapping.email].replace("", None)
        report.problem("emails_missing", int(email.isna().sum()))
    else:
        email = lead_ids.map(_placeholder_email)
        report.notes.append(
            f"no email column: each lead gets a stable placeholder lead-<hash>@{PLACEHOLDER_DOMAIN}"
        )
    table = pd.DataFrame({"lead_id": lead_ids, "email": email})
    for column in LEAD_COLUMNS:
        source = next((src for target, src in mapping.attributes.items() if target == column), None)
        if source is None:
            table[column] = None
            continue
        values = leads[source].replace("", None)
        if column in NUMBER_COLUMNS:
            numbers = pd.to_numeric(values, errors="coerce")
            bad = values.notna() & numbers.isna()
            report.problem(f"{column}_not_a_number", int(bad.sum()), sorted(set(values[bad]))[:3])
            if NUMBER_COLUMNS[column] == "int":
                numbers = numbers.round().astype("Int64")
            table[column] = numbers
        elif column == "is_deleted":
            table[column] = values.fillna("").str.lower().isin(DEFAULT_TRUE_VALUES)
        else:
            table[column] = values
    if "is_deleted" not in mapping.attributes:
        table["is_deleted"] = False
    table["created_at"] = created_at
    table["updated_at"] = created_at
    table["deleted_at"] = pd.Series(pd.NaT, index=leads.index, dtype="datetime64[us]").where(
        ~table["is_deleted"], created_at
    )
    return table


def _lead_attributes(
    mapping: Mapping, leads: pd.DataFrame, created_at: pd.Series, report: ImportReport
) -> pd.DataFrame:
    declared = _declared_attributes()
    parts = []
    for target, source in mapping.attributes.items():
        if target in LEAD_COLUMNS:
            continue
        if declared and target not in declared:
            report.notes.append(
                f"attribute '{target}' is not declared in seeds/lead_attributes.csv: dbt warns, and rules "
                "cannot use it until it is declared there"
            )
        values = leads[source]
        present = values != ""
        parts.append(
            pd.DataFrame(
                {
                    "lead_id": leads.loc[present, mapping.lead_id],
                    "attribute_name": target,
                    "attribute_value": values[present],
                    "updated_at": created_at[present],
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _events(
    mapping: Mapping, leads: pd.DataFrame, created_at: pd.Series, dated: bool, report: ImportReport
) -> dict[str, pd.DataFrame]:
    parts: dict[str, list[pd.DataFrame]] = {feed: [] for feed in EVENT_FEEDS}
    lead_ids = leads[mapping.lead_id]
    for activity in mapping.activities:
        feed, raw_type = EVENT_TYPES[activity.event_type]
        values = leads[activity.column]
        if activity.kind == "count":
            counts = pd.to_numeric(values.replace("", "0"), errors="coerce")
            bad = counts.isna() | (counts < 0) | (counts != counts.round())
            report.problem(f"{activity.column}_not_a_count", int(bad.sum()), sorted(set(values[bad]))[:3])
            counts = counts.where(~bad, 0).astype(int)
            capped = counts > MAX_EVENTS_PER_CELL
            report.problem(f"{activity.column}_capped_at_{MAX_EVENTS_PER_CELL}", int(capped.sum()))
            counts = counts.clip(upper=MAX_EVENTS_PER_CELL)
            when = created_at
            if activity.date_column and dated:
                parsed = _parse_dates(leads[activity.date_column], mapping.date_format, activity.date_column)
                report.problem(f"{activity.date_column}_unparseable", parsed.unparseable, parsed.examples)
                when = parsed.values.fillna(created_at)
        else:
            counts = (values != "").astype(int)
            if dated:
                parsed = _parse_dates(values, mapping.date_format, activity.column)
                report.problem(f"{activity.column}_unparseable", parsed.unparseable, parsed.examples)
                counts = parsed.values.notna().astype(int)
                when = parsed.values
            else:
                when = created_at
        repeated = counts.index.repeat(counts.to_numpy())
        if not len(repeated):
            continue
        sequence = pd.Series(1, index=repeated).groupby(level=0).cumsum().astype(str).to_numpy()
        ids = lead_ids.loc[repeated].to_numpy()
        event_ids = (
            pd.Series(ids).str.cat([f"{activity.column}" for _ in ids], sep=":").str.cat(sequence, sep=":")
        )
        frame = pd.DataFrame({"lead_id": ids, "occurred_at": when.loc[repeated].to_numpy()})
        if feed == "web_events":
            frame.insert(0, "event_id", event_ids.to_numpy())
            frame["anonymous_id"] = "byod:" + frame["lead_id"]
            frame["event_type"] = raw_type
            frame["url_path"] = activity.url_path
        elif feed == "email_events":
            frame.insert(0, "event_id", event_ids.to_numpy())
            frame["campaign_id"] = activity.column
            frame["event_type"] = raw_type
        else:
            frame.insert(0, "activity_id", event_ids.to_numpy())
            frame["activity_type"] = raw_type
            frame["subject"] = f"Imported from column {activity.column}"
        parts[feed].append(frame)
    return {
        feed: pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        for feed, frames in parts.items()
    }


def _write(path: Path, entity: str, table: pd.DataFrame) -> None:
    schema = SCHEMAS[entity]
    columns = {}
    for name, kind in zip(schema.names, schema.types, strict=True):
        values = table[name] if name in table.columns else pd.Series([None] * len(table), dtype=object)
        if pa.types.is_timestamp(kind):
            values = pd.to_datetime(values).astype("datetime64[us]")
        columns[name] = pa.array(
            values.tolist() if not pa.types.is_timestamp(kind) else values, type=kind, from_pandas=True
        )
    pq.write_table(pa.table(columns, schema=schema), path)


def _manifest(
    mapping: Mapping,
    report: ImportReport,
    dated: bool,
    created_at: pd.Series,
    conversion_at: pd.Series,
    events: dict[str, pd.DataFrame],
    absent: list[str],
) -> dict[str, Any]:
    if dated:
        window = mapping.label_window_days
        event_dates = [frame["occurred_at"].max() for frame in events.values() if not frame.empty]
        data_end = max([created_at.max(), conversion_at.max(), *event_dates]).date()
        recommended = min(created_at.max().date() + dt.timedelta(days=window), data_end)
        as_of = mapping.as_of_date or recommended
        holdout = "out_of_time"
        dbt_vars: dict[str, Any] = {
            "as_of_date": as_of.isoformat(),
            "evaluation_holdout": holdout,
            "evaluation_random_seed": mapping.random_seed,
            "prediction_label_window_days": window,
            # the scoring calendar (week-end checkpoints, evaluation date) anchored on the evaluation
            # date itself, so it is exactly one label window before the as-of date: every lead takes part
            "scoring_calendar_anchor": (as_of - dt.timedelta(days=window)).isoformat(),
        }
        dates = {
            "created_from": created_at.min().date().isoformat(),
            "created_to": created_at.max().date().isoformat(),
            "data_end": data_end.isoformat(),
            "evaluation_date": (as_of - dt.timedelta(days=window)).isoformat(),
            "as_of_date": as_of.isoformat(),
        }
    else:
        window = 1
        as_of = SYNTHETIC_CREATED_DATE + dt.timedelta(days=1)
        holdout = "random_split"
        dbt_vars = {
            "as_of_date": as_of.isoformat(),
            "evaluation_holdout": holdout,
            "evaluation_random_seed": mapping.random_seed,
            "prediction_label_window_days": window,
        }
        dates = {
            "synthetic_created_date": SYNTHETIC_CREATED_DATE.isoformat(),
            "synthetic_conversion_date": as_of.isoformat(),
            "as_of_date": as_of.isoformat(),
        }
    return {
        "generated_by": "lead-scoring import-crm",
        "name": mapping.name,
        "mapping": str(mapping.path.resolve()),
        "inputs": [str(path) for path in mapping.files]
        + ([str(mapping.conversion.file)] if mapping.conversion.file else []),
        "timeline": report.timeline,
        "has_dates": dated,
        "evaluation_holdout": holdout,
        "evaluation_random_seed": mapping.random_seed,
        "label_window_days": window,
        "dates": dates,
        "absent_feeds": absent,
        "counts": report.counts,
        "problems": report.problems,
        "problem_examples": report.examples,
        "notes": report.notes,
        "seeds_dir": str(mapping.seeds_dir) if mapping.seeds_dir else None,
        "dbt_vars": dbt_vars,
    }


# --------------------------------------------------------------------------------------------------------
# Building and evaluating an imported export
# --------------------------------------------------------------------------------------------------------
def read_manifest(raw_dir: Path) -> dict[str, Any]:
    path = Path(raw_dir) / MANIFEST_FILE
    if not path.is_file():
        raise MappingError(f"{path}: no import manifest: run lead-scoring import-crm first")
    return json.loads(path.read_text(encoding="utf-8"))


def build_environment(raw_dir: Path, work_dir: Path) -> dict[str, str]:
    return {
        "LEAD_SCORING_RAW_DIR": str(Path(raw_dir).resolve()),
        "LEAD_SCORING_RAW_FORMAT": "parquet",
        "LEAD_SCORING_DUCKDB_PATH": str(Path(work_dir).resolve() / "lead_scoring.duckdb"),
    }


def dbt_build_arguments(work_dir: Path, dbt_vars: dict[str, Any]) -> list[str]:
    work_dir = Path(work_dir).resolve()
    return [
        "build",
        "--full-refresh",
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        "--vars",
        json.dumps(dbt_vars),
        # The shipped rules' own quality test (hot converts better than warm, warm than cold) holds for
        # the world they were written for; on another export their quality is what the evaluation
        # measures, not a build failure.
        "--exclude",
        "assert_conversion_rate_falls_from_hot_to_cold",
    ]


def dbt_command_line(raw_dir: Path, work_dir: Path, dbt_vars: dict[str, Any]) -> str:
    """The exact shell line that builds an imported export into its own warehouse."""
    environment = " ".join(
        f"{key}={shlex.quote(value)}" for key, value in build_environment(raw_dir, work_dir).items()
    )
    arguments = " ".join(shlex.quote(argument) for argument in dbt_build_arguments(work_dir, dbt_vars))
    return f"{environment} {shlex.quote(_dbt_executable())} {arguments}"


def _dbt_executable() -> str:
    """The dbt next to the running Python (the project's virtualenv), else the one on PATH."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def prepare_project(work_dir: Path, seeds_dir: Path | None = None, project_dir: Path = PROJECT_ROOT) -> Path:
    """A copy of the dbt project in work_dir/project, with the rows of seeds_dir's CSV files appended.

    The place for an export's own scoring models: a folder of CSV files named like the project's
    seeds (scoring_models.csv, fit_rules.csv, score_groups.csv, ...) with the same header, holding
    extra rows, e.g. a candidate model (scoring_models.is_active = false) that `lead-scoring
    suggest-weights` fitted on the export. They take part in this export's builds only.
    """
    project = Path(work_dir).resolve() / "project"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    for item in PROJECT_ITEMS:
        source = Path(project_dir) / item
        if source.is_dir():
            shutil.copytree(source, project / item, ignore=shutil.ignore_patterns("python", "__pycache__"))
        elif source.is_file():
            shutil.copy2(source, project / item)
    for extra in sorted(Path(seeds_dir).glob("*.csv")) if seeds_dir else []:
        seed = project / "seeds" / extra.name
        if not seed.is_file():
            raise MappingError(f"{extra}: not a seed of the project (seeds/{extra.name} does not exist)")
        header, *rows = extra.read_text(encoding="utf-8").splitlines()
        expected = seed.read_text(encoding="utf-8").splitlines()[0]
        if header.strip() != expected.strip():
            raise MappingError(f"{extra}: the header must be the one of seeds/{extra.name}: {expected}")
        text = seed.read_text(encoding="utf-8")
        seed.write_text(
            text + ("" if text.endswith("\n") else "\n") + "".join(f"{row}\n" for row in rows if row.strip()),
            encoding="utf-8",
        )
    return project


def run_build(
    raw_dir: Path, work_dir: Path, dbt_vars: dict[str, Any], project_dir: Path = PROJECT_ROOT
) -> tuple[bool, str, float]:
    """`dbt build --full-refresh` of an imported export into work_dir; (ok, output, seconds)."""
    environment = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(project_dir),
        **build_environment(raw_dir, work_dir),
    }
    started = time.monotonic()
    result = subprocess.run(
        [_dbt_executable(), *dbt_build_arguments(work_dir, dbt_vars)],
        cwd=project_dir,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0, result.stdout + result.stderr, time.monotonic() - started


# --------------------------------------------------------------------------------------------------------
# Command line: lead-scoring import-crm, lead-scoring build-byod
# --------------------------------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mapping", type=Path, required=True, help="mapping file (YAML), see README")
    parser.add_argument(
        "--out", type=Path, required=True, help="raw directory to write (e.g. build/byod/x/raw)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"folder of the input files (default: {DATA_DIR_ENV}, else the mapping's data_dir, "
        "else the mapping's folder)",
    )


def _print_import(report: ImportReport) -> None:
    manifest = report.manifest
    counts = report.counts
    print(
        f"Imported {counts['input_rows']:,} rows -> {counts['leads']:,} leads, "
        f"{counts['conversions']:,} conversions "
        f"({report.timeline}; evaluation: {manifest['evaluation_holdout']}) into {report.raw_dir}"
    )
    print(
        "  "
        + ", ".join(f"{entity} {counts[entity]:,}" for entity in RAW_ENTITIES)
        + f"; manifest {report.raw_dir / MANIFEST_FILE}"
    )
    for key, count in report.problems.items():
        examples = report.examples.get(key)
        print(
            f"  {key.replace('_', ' ')}: {count:,}" + (f" (e.g. {', '.join(examples)})" if examples else "")
        )
    for note in report.notes:
        print(f"  note: {note}")
    for feed in manifest["absent_feeds"]:
        print(f"  note: {feed} has no rows: the export has no such activity (declared in the manifest)")


def run(args: argparse.Namespace) -> int:
    try:
        mapping = load_mapping(args.mapping, args.data_dir)
        report = import_export(mapping, args.out)
    except MappingError as error:
        print(f"import-crm: {error}", file=sys.stderr)
        return 1
    _print_import(report)
    print("Build it into a warehouse of its own beside the raw directory (lead-scoring build-byod does it,")
    print("in a project copy with the mapping's seeds_dir rows), or from the project directory:")
    print(f"  {dbt_command_line(args.out, Path(args.out).resolve().parent, report.manifest['dbt_vars'])}")
    return 0


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw-dir", type=Path, required=True, help="raw directory written by import-crm")
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="warehouse, target and logs (default: the raw dir's parent)",
    )
    parser.add_argument(
        "--seeds-dir",
        type=Path,
        default=None,
        help="extra seed rows for this build (default: the mapping's seeds_dir), e.g. candidate models",
    )
    parser.add_argument(
        "--vars",
        dest="extra_vars",
        default=None,
        help="more dbt vars (YAML / JSON) over the manifest's, e.g. '{backtest_cohorts: 2}'",
    )


def run_build_command(args: argparse.Namespace) -> int:
    raw_dir = Path(args.raw_dir).resolve()
    work_dir = Path(args.work_dir).resolve() if args.work_dir else raw_dir.parent
    try:
        manifest = read_manifest(raw_dir)
    except MappingError as error:
        print(f"build-byod: {error}", file=sys.stderr)
        return 1
    if not raw_files.preflight(raw_dir, "parquet"):
        return 1
    dbt_vars = dict(manifest["dbt_vars"])
    extra_vars = yaml.safe_load(args.extra_vars) if getattr(args, "extra_vars", None) else {}
    if not isinstance(extra_vars, dict):
        print(f"build-byod: --vars must be a YAML mapping, got {args.extra_vars!r}", file=sys.stderr)
        return 1
    dbt_vars.update(extra_vars)
    seeds_dir = args.seeds_dir or (Path(manifest["seeds_dir"]) if manifest.get("seeds_dir") else None)
    try:
        project = prepare_project(work_dir, seeds_dir)
    except MappingError as error:
        print(f"build-byod: {error}", file=sys.stderr)
        return 1
    print(f"$ cd {project} && {dbt_command_line(raw_dir, work_dir, dbt_vars)}")
    ok, output, seconds = run_build(raw_dir, work_dir, dbt_vars, project)
    summary = [
        line for line in output.splitlines() if "Done. PASS=" in line or " ERROR " in line or " FAIL " in line
    ]
    print("\n".join(summary[-20:]) if summary else output[-3000:])
    print(f"dbt build {'passed' if ok else 'FAILED'} in {seconds:.0f} s")
    if not ok:
        return 1
    database = work_dir / "lead_scoring.duckdb"
    print(
        f"Warehouse: {database}; {manifest['counts']['leads']:,} leads, "
        f"{manifest['counts']['conversions']:,} conversions"
    )
    return predictive_evaluation.run(argparse.Namespace(warehouse=database, truth=None))
