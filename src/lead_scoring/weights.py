"""`lead-scoring suggest-weights`: data-driven rule weights for a candidate scoring model.

From a built warehouse (DuckDB, opened read-only) the command

1. builds a point-in-time training frame with SQL run in DuckDB: at each training cutoff, the leads that
   existed, were neither deleted nor converted, their attributes valid that day
   (``intermediate.int_lead_attribute_versions``), their unfiltered events per event type in windows up
   to the cutoff (``intermediate.int_lead_events_resolved``, as the engagement rules count them; an
   anonymous visit once its visitor had identified by the cutoff), the days since their last
   engagement (``intermediate.int_lead_engagement_days``, as the inactivity rules count them) and the
   label: an opportunity opened in the label window after the cutoff
   (``intermediate.int_lead_conversions``). Only outcomes known at the evaluation date
   E = as-of date - label window count: the latest cutoff is E - label window, then every 30 days before;
2. bins numeric attributes and event counts into a few monotone-ish bins, computes the weight of
   evidence (WoE = ln(share of converters / share of non-converters)) and information value (IV) of
   every attribute value, bin and count bin, and drops weak features (IV below a threshold);
3. fits an L2-regularised logistic regression on the WoE-encoded features (dropping features whose
   coefficient comes out non-positive, as a WoE coefficient must be positive);
4. turns coefficient x WoE into points with points-to-double-odds scaling (``factor = PDO / ln 2``),
   PDO chosen so that no score can exceed the engine's 0..100 range: fit points are shifted so each
   attribute's weakest value scores 0, count points are relative to "no such event" (and may be
   negative), and the recency of engagement becomes inactivity rules (plus one capped group for a lead
   that engaged on the scoring day, which no inactivity rule reaches) whose points include an offset
   as large as the most any training lead lost on count features, so engagement stays >= 0;
5. writes the candidate scoring model into the seed files (its earlier rows replaced, every other row
   kept byte for byte) with ``is_active = false``: evaluated beside the current weights, never in the
   public marts; promote it by setting ``is_active`` to true in ``seeds/scoring_models.csv``.

Engagement rules count events without decay in a fixed window; a count feature's step function of
bins becomes a piecewise-linear function of the count written as a few rules on the same event type
(points per event, ``max_total`` = the knot), so the engine adds up exactly the points computed here.
Same warehouse, same options: byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from lead_scoring.summary import default_database

DEFAULT_MODEL_ID = "data_driven"
LABEL_WINDOW_DAYS = 90
TRAINING_CUTOFFS = 4
CUTOFF_INTERVAL_DAYS = 30
IV_THRESHOLD = 0.02
WOE_SMOOTHING = 0.5
SCORE_CEILING = 100.0

# Attributes the fit rules may read (all declared in seeds/lead_attributes.csv). Identifiers, names and
# domains are per lead or per company and carry no population-level evidence.
CATEGORICAL_ATTRIBUTES = (
    "seniority",
    "job_title",
    "industry",
    "country",
    "lead_source",
    "email_domain_class",
    "timeline",
    "budget_confirmed",
    "product_interest",
    "tech_stack",
    "preferred_language",
    "newsletter_opt_in",
)
NUMERIC_ATTRIBUTES = ("employee_count", "annual_revenue")
ATTRIBUTE_LABELS = {
    "seniority": "Seniority",
    "job_title": "Job title",
    "industry": "Industry",
    "country": "Country",
    "lead_source": "Lead source",
    "email_domain_class": "Email domain",
    "timeline": "Buying timeline",
    "budget_confirmed": "Budget confirmed",
    "product_interest": "Product interest",
    "tech_stack": "Tech stack",
    "preferred_language": "Preferred language",
    "newsletter_opt_in": "Newsletter opt-in",
    "employee_count": "Employees",
    "annual_revenue": "Annual revenue",
}


@dataclass(frozen=True)
class EventFeature:
    """Events of one type (optionally filtered on a property) in the `window_days` up to the cutoff."""

    feature_id: str
    event_type: str
    window_days: int
    label: str
    property_name: str | None = None
    property_operator: str | None = None
    property_value: str | None = None


def _event_features() -> tuple[EventFeature, ...]:
    kinds = (
        ("demo_request", "demo_request", "Demo requests", None),
        ("pricing_view", "pricing_page_view", "Pricing page views", None),
        ("form_submit", "form_submit", "Form submissions", None),
        ("content_download", "content_download", "Content downloads", None),
        ("page_view", "page_view", "Page views", None),
        ("docs_view", "page_view", "API documentation views", ("url_path", "starts_with", "/docs")),
        ("product_view", "page_view", "Product page views", ("url_path", "starts_with", "/product")),
        ("customers_view", "page_view", "Customer story views", ("url_path", "starts_with", "/customers")),
        ("webinar_page", "webinar_page_view", "Webinar page views", None),
        ("careers_view", "careers_page_view", "Careers page views", None),
        ("email_delivered", "email_delivered", "Emails delivered", None),
        ("email_open", "email_open", "Email opens", None),
        ("email_click", "email_click", "Email clicks", None),
        ("email_unsubscribe", "email_unsubscribe", "Unsubscribes", None),
        ("email_bounce", "email_bounce", "Email bounces", None),
        ("email_spam_report", "email_spam_report", "Spam reports", None),
        ("meeting", "meeting", "Meetings with sales", None),
        ("call", "call", "Calls with sales", None),
        ("webinar_registered", "webinar_registered", "Webinar registrations", None),
        ("webinar_attended", "webinar_attended", "Webinars attended", None),
        ("event_attended", "event_attended", "Events attended", None),
        ("rating_high", "sales_rating", "Sales ratings of 4 or 5", ("rating", "gte", "4")),
        ("rating_low", "sales_rating", "Sales ratings of 1 or 2", ("rating", "lte", "2")),
        ("disqualified", "sales_disqualification", "Sales disqualifications", None),
    )
    features = []
    for name, event_type, label, condition in kinds:
        for window in (7, 30, 90, 180):
            prop = condition or (None, None, None)
            features.append(
                EventFeature(f"{name}_{window}d", event_type, window, label, prop[0], prop[1], prop[2])
            )
    return tuple(features)


EVENT_FEATURES = _event_features()
RECENCY_FEATURE = "days_inactive"
RECENCY_EDGES = (0, 7, 14, 30, 60, 90, 180)


# ---------------------------------------------------------------------------------------------------
# Training frame (SQL in DuckDB)
# ---------------------------------------------------------------------------------------------------
def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _property_condition(feature: EventFeature) -> str:
    """The rule engine's property filter (macros/rules/rule_condition.sql) for the operators used here."""
    if feature.property_name is None:
        return "true"
    column = {"url_path": "url_path", "rating": "rating"}[feature.property_name]
    value = feature.property_value or ""
    if feature.property_operator == "starts_with":
        return f"coalesce(starts_with(lower(trim({column})), {_sql_text(value.lower())}), false)"
    comparison = {"gte": ">=", "lte": "<=", "gt": ">", "lt": "<"}[feature.property_operator or ""]
    return f"coalesce(try_cast(trim({column}) as double) {comparison} {float(value)}, false)"


def training_frame_sql(
    features: Sequence[EventFeature] = EVENT_FEATURES, point_in_time_identity: bool = True
) -> str:
    """One row per cutoff and lead that existed, was not deleted and had not converted by the cutoff.

    With `point_in_time_identity`, an anonymous web event counts only if its visitor had identified by
    the cutoff (as in int_lead_features_as_of): the engine stitches a visitor's earlier anonymous events
    to the lead with today's knowledge, and a visitor identifying after a cutoff (a form submitted in
    the label window) would otherwise leak the outcome into the training counts.
    """
    identity_join = ""
    identity_condition = ""
    if point_in_time_identity:
        identity_join = """inner join intermediate.int_events_unioned as source_events
        on resolved.event_id = source_events.event_id
    left join intermediate.int_web_visitors_identified as visitors
        on source_events.anonymous_id = visitors.anonymous_id"""
        identity_condition = """
        and (
            source_events.lead_id is not null
            or cast(visitors.identified_at as date) <= population.cutoff_date
        )"""
    attributes = (*CATEGORICAL_ATTRIBUTES, *NUMERIC_ATTRIBUTES)
    attribute_columns = ",\n        ".join(
        f"max(case when versions.attribute_name = '{name}' then versions.attribute_value end) as {name}"
        for name in attributes
    )
    event_columns = ",\n        ".join(
        f"count(*) filter (where events.event_type = {_sql_text(feature.event_type)}"
        f" and events.age_days < {feature.window_days} and {_property_condition(feature)})"
        f" as {feature.feature_id}"
        for feature in features
    )
    event_types = ", ".join(sorted({_sql_text(feature.event_type) for feature in features}))
    max_window = max(feature.window_days for feature in features)
    feature_columns = ",\n    ".join(
        [f"attributes.{name}" for name in attributes]
        + [f"coalesce(event_counts.{feature.feature_id}, 0) as {feature.feature_id}" for feature in features]
    )
    return f"""
with

cutoffs as (
    select cast(unnest(?) as date) as cutoff_date
),

leads as (
    select
        lead_id,
        cast(created_at as date) as created_date,
        cast(deleted_at as date) as deleted_date
    from marts.dim_leads
),

conversions as (
    select
        lead_id,
        cast(first_converted_at as date) as converted_date
    from intermediate.int_lead_conversions
),

population as (
    select
        cutoffs.cutoff_date,
        leads.lead_id,
        leads.created_date,
        conversions.converted_date
    from cutoffs
    inner join leads
        on leads.created_date <= cutoffs.cutoff_date
    left join conversions
        on leads.lead_id = conversions.lead_id
    where
        (leads.deleted_date is null or leads.deleted_date > cutoffs.cutoff_date)
        and (conversions.converted_date is null or conversions.converted_date > cutoffs.cutoff_date)
),

attributes as (
    select
        population.cutoff_date,
        population.lead_id,
        {attribute_columns}
    from population
    inner join intermediate.int_lead_attribute_versions as versions
        on
            population.lead_id = versions.lead_id
            and population.cutoff_date >= versions.valid_from_date
            and (versions.valid_to_date is null or population.cutoff_date < versions.valid_to_date)
    group by population.cutoff_date, population.lead_id
),

events as (
    select
        population.cutoff_date,
        population.lead_id,
        resolved.event_type,
        resolved.url_path,
        resolved.rating,
        date_diff('day', resolved.event_date, population.cutoff_date) as age_days
    from population
    inner join intermediate.int_lead_events_resolved as resolved
        on
            population.lead_id = resolved.lead_id
            and resolved.event_date <= population.cutoff_date
            and resolved.event_date > population.cutoff_date - {max_window}
    {identity_join}
    where not resolved.is_filtered and resolved.event_type in ({event_types}){identity_condition}
),

event_counts as (
    select
        cutoff_date,
        lead_id,
        {event_columns}
    from events
    group by cutoff_date, lead_id
),

last_engagement as (
    select
        population.cutoff_date,
        population.lead_id,
        max(engagement_days.event_date) as last_engagement_date
    from population
    inner join intermediate.int_lead_engagement_days as engagement_days
        on
            population.lead_id = engagement_days.lead_id
            and engagement_days.event_date <= population.cutoff_date
    group by population.cutoff_date, population.lead_id
)

select
    population.cutoff_date,
    population.lead_id,
    coalesce(
        population.converted_date <= population.cutoff_date + ?, false
    ) as is_converted_in_window,
    date_diff(
        'day',
        coalesce(last_engagement.last_engagement_date, population.created_date),
        population.cutoff_date
    ) as {RECENCY_FEATURE},
    {feature_columns}
from population
left join attributes
    on population.cutoff_date = attributes.cutoff_date and population.lead_id = attributes.lead_id
left join event_counts
    on population.cutoff_date = event_counts.cutoff_date and population.lead_id = event_counts.lead_id
left join last_engagement
    on population.cutoff_date = last_engagement.cutoff_date and population.lead_id = last_engagement.lead_id
order by population.cutoff_date, population.lead_id
"""


def warehouse_as_of_date(connection) -> date:
    """The date the warehouse was scored as of (int_scoring_dates' current row)."""
    row = connection.execute(
        "select as_of_date from intermediate.int_scoring_dates where is_current"
    ).fetchone()
    if row is None or row[0] is None:
        raise SystemExit("suggest-weights: the warehouse has no as-of date (intermediate.int_scoring_dates)")
    return row[0]


def warehouse_evaluation_date(connection, label_window_days: int) -> date:
    """The evaluation date of the warehouse's reports (backtest cohort 0: the calendar date on or
    before the as-of date minus the label window) when it is at most a month before that; else the
    as-of date minus `label_window_days`. Either way every outcome in the window after it is known."""
    latest = warehouse_as_of_date(connection) - timedelta(days=label_window_days)
    row = connection.execute(
        "select as_of_date from intermediate.int_scoring_dates where backtest_cohort_number = 0"
    ).fetchone()
    if row is not None and row[0] is not None and latest - timedelta(days=31) < row[0] <= latest:
        return row[0]
    return latest


def training_cutoffs(
    evaluation_date: date, label_window_days: int, count: int, interval_days: int
) -> list[date]:
    """Cutoffs whose label window ends by the evaluation date: E - window, then every interval before."""
    latest = evaluation_date - timedelta(days=label_window_days)
    return [latest - timedelta(days=interval_days * number) for number in range(count)]


def engagement_event_types(database: Path) -> list[str]:
    """Event types that count as engagement (reset inactivity), from the warehouse's event_types seed."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select event_type from scoring_config.event_types where is_engagement order by event_type"
        ).fetchall()
    return [event_type for (event_type,) in rows]


def load_training_frame(
    database: Path, cutoffs: Sequence[date], label_window_days: int, point_in_time_identity: bool = True
) -> pd.DataFrame:
    import duckdb

    sql = training_frame_sql(point_in_time_identity=point_in_time_identity)
    with duckdb.connect(str(database), read_only=True) as connection:
        frame = connection.execute(sql, [list(cutoffs), timedelta(days=label_window_days)]).df()
    return frame


# ---------------------------------------------------------------------------------------------------
# Weight of evidence and information value
# ---------------------------------------------------------------------------------------------------
def woe_table(bins: pd.Series, label: pd.Series, smoothing: float = WOE_SMOOTHING) -> pd.DataFrame:
    """Per bin: rows, converters, non-converters, their shares, WoE and the bin's IV contribution.

    WoE = ln((converters_b + s) / (converters + s B) / ((non-converters_b + s) / (non-converters + s B)))
    for B bins and smoothing s (s = 0: the textbook formula); positive WoE = converts more than average.
    IV = sum over bins of (converter share - non-converter share) x WoE.
    """
    y = label.astype(bool).to_numpy()
    keys = bins.astype(object).where(bins.notna(), None)
    table = (
        pd.DataFrame({"bin": keys.to_numpy(), "positive": y, "negative": ~y})
        .groupby("bin", dropna=False, sort=True)[["positive", "negative"]]
        .sum()
    )
    table["rows"] = table["positive"] + table["negative"]
    count = len(table)
    positive_total, negative_total = float(y.sum()), float((~y).sum())
    table["positive_share"] = (table["positive"] + smoothing) / (positive_total + smoothing * count)
    table["negative_share"] = (table["negative"] + smoothing) / (negative_total + smoothing * count)
    table["woe"] = np.log(table["positive_share"] / table["negative_share"])
    table["iv"] = (table["positive_share"] - table["negative_share"]) * table["woe"]
    return table


def information_value(bins: pd.Series, label: pd.Series, smoothing: float = WOE_SMOOTHING) -> float:
    return float(woe_table(bins, label, smoothing)["iv"].sum())


# ---------------------------------------------------------------------------------------------------
# Binning
# ---------------------------------------------------------------------------------------------------
@dataclass
class Bin:
    """One bin of a feature: how the engine recognises it and what it is worth."""

    key: str
    description: str
    operator: str = ""
    rule_value: str = ""
    low: float = 0.0  # count features: lowest count of the bin
    woe: float = 0.0
    rows: int = 0
    positives: int = 0
    points: float = 0.0
    knot: float = 0.0  # count features: count at which the bin's points are reached


@dataclass
class Feature:
    name: str
    kind: str  # 'categorical', 'numeric', 'count', 'recency'
    label: str
    bins: list[Bin]
    encoded: pd.Series  # bin key per training row
    iv: float = 0.0
    coefficient: float = 0.0
    event: EventFeature | None = None
    extra: dict = field(default_factory=dict)


def _merge_small(
    groups: list[list[float]], positives: list[int], rows: list[int], min_positives: int
) -> list[int]:
    """Indices of group starts after merging groups with too few converters into their neighbour."""
    starts = list(range(len(groups)))
    merged = True
    while merged and len(starts) > 1:
        merged = False
        sizes = [sum(positives[s:e]) for s, e in zip(starts, [*starts[1:], len(groups)], strict=True)]
        for index, size in enumerate(sizes):
            if size < min_positives:
                # merge with the smaller neighbour
                if index == 0:
                    starts.pop(1)
                elif index == len(starts) - 1:
                    starts.pop(index)
                else:
                    left, right = sizes[index - 1], sizes[index + 1]
                    starts.pop(index if left <= right else index + 1)
                merged = True
                break
    return starts


def _format_number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _short_number(value: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return _format_number(round(value / size, 2)) + suffix
    return _format_number(value)


def _round_edge(value: float) -> float:
    """Two significant digits: bin edges people can read (1,200 employees, 35M revenue)."""
    if value <= 0:
        return 0.0
    magnitude = 10 ** (math.floor(math.log10(value)) - 1)
    return float(round(value / magnitude) * magnitude)


def _woe_merge_monotone(keys: list, label: pd.Series, encoded: pd.Series, direction: int) -> list[int]:
    """Group starts after pooling adjacent bins whose WoE breaks the direction (pool adjacent violators)."""
    starts = list(range(len(keys)))
    changed = True
    while changed and len(starts) > 1:
        changed = False
        ends = [*starts[1:], len(keys)]
        woes = []
        for start, end in zip(starts, ends, strict=True):
            members = encoded.isin(keys[start:end])
            positives = int(label[members].sum())
            negatives = int(members.sum()) - positives
            total_positive = int(label.sum())
            total_negative = len(label) - total_positive
            woes.append(
                math.log(
                    ((positives + 0.5) / (total_positive + 1)) / ((negatives + 0.5) / (total_negative + 1))
                )
            )
        for index in range(1, len(woes)):
            if direction * (woes[index] - woes[index - 1]) < 0:
                starts.pop(index)
                changed = True
                break
    return starts


def categorical_feature(frame: pd.DataFrame, name: str, label: pd.Series, min_rows: int) -> Feature:
    """One bin per value (lower-cased, trimmed as the engine compares), rare values pooled, nulls apart."""
    values = frame[name].astype("string").str.strip().str.lower()
    values = values.where(values != "", pd.NA)
    counts = values.value_counts(dropna=True)
    rare = sorted(str(value) for value, count in counts.items() if count < min_rows or "|" in str(value))
    frequent = sorted(
        str(value) for value, count in counts.items() if count >= min_rows and "|" not in str(value)
    )
    encoded = values.astype(object).where(values.notna(), "__null__")
    encoded = encoded.where(~encoded.isin(rare), "__other__")
    label_text = ATTRIBUTE_LABELS[name]
    bins = [
        Bin(key=value, description=f"{label_text} is {value}", operator="equals", rule_value=value)
        for value in frequent
    ]
    if rare:
        bins.append(
            Bin(
                key="__other__",
                description=f"{label_text} is one of {len(rare)} rare values",
                operator="in",
                rule_value="|".join(rare),
            )
        )
    if (encoded == "__null__").any():
        bins.append(Bin(key="__null__", description=f"{label_text} unknown", operator="is_null"))
    return Feature(
        name=name,
        kind="categorical",
        label=label_text,
        bins=bins,
        encoded=encoded.astype(str),
        extra={"rare": set(rare)},
    )


def numeric_feature(
    frame: pd.DataFrame, name: str, label: pd.Series, bin_count: int, min_positives: int
) -> Feature:
    """Quantile bins on readable edges, small bins merged; `lt` / `between` / `gte` rules and a null bin."""
    values = pd.to_numeric(frame[name], errors="coerce")
    present = values.dropna()
    quantiles = np.quantile(present, np.linspace(0, 1, bin_count + 1)[1:-1]) if len(present) else []
    edges = sorted({_round_edge(q) for q in quantiles if q > 0})
    # candidate groups: (-inf, e1), [e1, e2), ..., [ek, inf)
    lows = [-math.inf, *edges]
    group_index = np.searchsorted(np.array(edges), values.fillna(-1).to_numpy(), side="right")
    positives = [int(label[(group_index == i) & values.notna()].sum()) for i in range(len(lows))]
    rows = [int(((group_index == i) & values.notna()).sum()) for i in range(len(lows))]
    starts = _merge_small([[low] for low in lows], positives, rows, min_positives)
    lows = [lows[start] for start in starts]
    highs = [*lows[1:], math.inf]
    label_text = ATTRIBUTE_LABELS[name]
    bins = []
    keys = pd.Series(["__null__"] * len(values), index=values.index, dtype=object)
    for number, (low, high) in enumerate(zip(lows, highs, strict=True)):
        key = f"bin{number}"
        inside = values.notna() & (values >= low) & (values < high)
        keys[inside] = key
        if low == -math.inf and high == math.inf:
            bins.append(Bin(key, f"{label_text} known", "is_not_null", ""))
        elif low == -math.inf:
            bins.append(Bin(key, f"{label_text} under {_short_number(high)}", "lt", _format_number(high)))
        elif high == math.inf:
            bins.append(Bin(key, f"{label_text} {_short_number(low)} or more", "gte", _format_number(low)))
        else:
            top = high - 1 if name == "employee_count" else high - 0.01
            bins.append(
                Bin(
                    key,
                    f"{label_text} {_short_number(low)} to under {_short_number(high)}",
                    "between",
                    f"{_format_number(low)}|{_format_number(top)}",
                )
            )
    if values.isna().any():
        bins.append(Bin("__null__", f"{label_text} unknown", "is_null", ""))
    return Feature(
        name=name, kind="numeric", label=label_text, bins=bins, encoded=keys.astype(str), extra={"lows": lows}
    )


def count_feature(
    frame: pd.DataFrame, event: EventFeature, label: pd.Series, min_positives: int, min_rows: int
) -> Feature:
    """Bins {0}, then up to four bins of positive counts (quantiles), merged until monotone and supported
    (at least `min_positives` converters, or `min_rows` leads, per bin; a feature with fewer than
    `min_rows` leads having the event keeps one bin and drops out)."""
    counts = frame[event.feature_id].astype(int)
    positive = counts[counts > 0]
    candidate_lows = [0, 1]
    if len(positive):
        for q in (0.5, 0.75, 0.9):
            candidate_lows.append(math.ceil(np.quantile(positive, q)))
    lows = sorted(set(candidate_lows))
    index = np.searchsorted(np.array(lows), counts.to_numpy(), side="right") - 1
    rows = [int((index == i).sum()) for i in range(len(lows))]
    # drop empty bins, merge bins with few converters (never into the zero bin)
    keep = [0] + [i for i in range(1, len(lows)) if rows[i] > 0]
    lows = [lows[i] for i in keep]
    if len(lows) > 1:
        index = np.searchsorted(np.array(lows), counts.to_numpy(), side="right") - 1
        positives_nonzero = [int(label[index == i].sum()) for i in range(1, len(lows))]
        rows_nonzero = [int((index == i).sum()) for i in range(1, len(lows))]
        starts = _merge_small([[low] for low in lows[1:]], positives_nonzero, rows_nonzero, min_positives)
        lows = [0] + [lows[1 + start] for start in starts]
        index = np.searchsorted(np.array(lows), counts.to_numpy(), side="right") - 1
        rows_nonzero = [int((index == i).sum()) for i in range(1, len(lows))]
        starts = _merge_small([[low] for low in lows[1:]], rows_nonzero, rows_nonzero, min_rows)
        lows = [0] + [lows[1 + start] for start in starts]
        if int((counts > 0).sum()) < min_rows:
            lows = [0]
    if len(lows) > 1:
        index = np.searchsorted(np.array(lows), counts.to_numpy(), side="right") - 1
        encoded = pd.Series([f"n{lows[i]}" for i in index], index=counts.index)
        # monotone in the direction of "any such event" vs none
        any_event = counts > 0
        direction = (
            1 if (label[any_event].mean() if any_event.any() else 0) >= label[~any_event].mean() else -1
        )
        keys = [f"n{low}" for low in lows]
        starts = _woe_merge_monotone(keys, label, encoded, direction)
        lows = [lows[start] for start in starts]
    index = np.searchsorted(np.array(lows), counts.to_numpy(), side="right") - 1
    encoded = pd.Series([f"n{lows[i]}" for i in index], index=counts.index)
    highs = [*lows[1:], None]
    bins = []
    for low, high in zip(lows, highs, strict=True):
        if low == 0:
            text = f"no {event.label.lower()}"
        elif high is None:
            text = f"{low}+ {event.label.lower()}"
        elif high - 1 == low:
            text = f"{low} {event.label.lower()}"
        else:
            text = f"{low}-{high - 1} {event.label.lower()}"
        members = counts[index == lows.index(low)]
        bin_ = Bin(key=f"n{low}", description=f"{text} in {event.window_days} days", low=float(low))
        bin_.knot = float(round(members.mean())) if low > 0 and len(members) else float(low)
        bins.append(bin_)
    # knots strictly increasing
    for number in range(1, len(bins)):
        bins[number].knot = max(bins[number].knot, bins[number].low, bins[number - 1].knot + 1)
    return Feature(
        name=event.feature_id,
        kind="count",
        label=event.label,
        bins=bins,
        encoded=encoded,
        event=event,
        extra={"lows": lows},
    )


def recency_feature(frame: pd.DataFrame, label: pd.Series, min_positives: int) -> Feature:
    days = frame[RECENCY_FEATURE].astype(int)
    lows = list(RECENCY_EDGES)
    index = np.searchsorted(np.array(lows), days.to_numpy(), side="right") - 1
    positives = [int(label[index == i].sum()) for i in range(len(lows))]
    rows = [int((index == i).sum()) for i in range(len(lows))]
    starts = _merge_small([[low] for low in lows], positives, rows, min_positives)
    lows = [lows[start] for start in starts]
    index = np.searchsorted(np.array(lows), days.to_numpy(), side="right") - 1
    encoded = pd.Series([f"d{lows[i]}" for i in index], index=days.index)
    starts = _woe_merge_monotone([f"d{low}" for low in lows], label, encoded, -1)
    lows = [lows[start] for start in starts]
    index = np.searchsorted(np.array(lows), days.to_numpy(), side="right") - 1
    encoded = pd.Series([f"d{lows[i]}" for i in index], index=days.index)
    highs = [*lows[1:], None]
    bins = []
    for low, high in zip(lows, highs, strict=True):
        text = (
            f"No engagement for {low} days or more"
            if high is None
            else f"No engagement for {low}-{high - 1} days"
        )
        bins.append(Bin(key=f"d{low}", description=text, low=float(low)))
    return Feature(
        name=RECENCY_FEATURE,
        kind="recency",
        label="Days since last engagement",
        bins=bins,
        encoded=encoded,
        extra={"lows": lows},
    )


def encode(feature: Feature, frame: pd.DataFrame) -> pd.Series:
    """Bin key of every row of `frame` (training or new leads), as the feature's rules would see it."""
    if feature.kind == "categorical":
        values = frame[feature.name].astype("string").str.strip().str.lower()
        values = values.where(values != "", pd.NA)
        keys = values.astype(object).where(values.notna(), "__null__")
        return keys.where(~keys.isin(feature.extra["rare"]), "__other__").astype(str)
    lows = feature.extra["lows"]
    column = RECENCY_FEATURE if feature.kind == "recency" else feature.name
    values = pd.to_numeric(frame[column], errors="coerce")
    index = (
        np.searchsorted(np.array(lows, dtype=float), values.fillna(0).to_numpy(dtype=float), side="right") - 1
    )
    prefix = {"numeric": "bin", "count": "n", "recency": "d"}[feature.kind]
    if feature.kind == "numeric":
        keys = pd.Series([f"bin{i}" for i in index], index=frame.index, dtype=object)
        return keys.where(values.notna(), "__null__").astype(str)
    return pd.Series([f"{prefix}{int(lows[i])}" for i in index], index=frame.index, dtype=object).astype(str)


def attach_woe(feature: Feature, label: pd.Series, smoothing: float = WOE_SMOOTHING) -> Feature:
    table = woe_table(feature.encoded, label, smoothing)
    for bin_ in feature.bins:
        if bin_.key in table.index:
            row = table.loc[bin_.key]
            bin_.woe, bin_.rows, bin_.positives = float(row["woe"]), int(row["rows"]), int(row["positive"])
    feature.iv = float(table["iv"].sum())
    return feature


def woe_encoded(feature: Feature) -> np.ndarray:
    mapping = {bin_.key: bin_.woe for bin_ in feature.bins}
    return feature.encoded.map(mapping).fillna(0.0).to_numpy(dtype=float)


# ---------------------------------------------------------------------------------------------------
# Logistic regression and points
# ---------------------------------------------------------------------------------------------------
def fit_logistic(
    features: list[Feature], label: pd.Series, regularisation: float
) -> tuple[list[Feature], float]:
    """Fit on WoE-encoded features; drop non-positive coefficients and refit until all are positive.

    One BLAS thread: the matrix is narrow (one column per feature), and a second thread only spins
    (at 10,000 leads the command took 32.2 s with two, 6.8 s with one, the same seed files)."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    y = label.astype(int).to_numpy()
    kept = list(features)
    while True:
        x = np.column_stack([woe_encoded(feature) for feature in kept])
        model = LogisticRegression(C=regularisation, max_iter=5000, tol=1e-8)
        with threadpool_limits(limits=1, user_api="blas"):
            model.fit(x, y)
        coefficients = model.coef_[0]
        worst = int(np.argmin(coefficients))
        if coefficients[worst] > 0 or len(kept) == 1:
            for feature, coefficient in zip(kept, coefficients, strict=True):
                feature.coefficient = float(coefficient)
            return kept, float(model.intercept_[0])
        kept.pop(worst)


def _piecewise_rules(bins: list[Bin]) -> list[tuple[float, int]]:
    """(points per event, max_total) pairs whose sum of points x min(count, max_total) passes through
    (0, 0) and (knot_k, points_k) for every bin, linear in between and flat after the last knot."""
    knots = [0.0] + [bin_.knot for bin_ in bins[1:]]
    values = [0.0] + [bin_.points for bin_ in bins[1:]]
    slopes = [(values[k] - values[k - 1]) / (knots[k] - knots[k - 1]) for k in range(1, len(knots))]
    rules = []
    for k in range(len(slopes)):
        per_event = slopes[k] - (slopes[k + 1] if k + 1 < len(slopes) else 0.0)
        rules.append((round(per_event, 2), int(knots[k + 1])))
    return rules


def piecewise_points(counts: np.ndarray, rules: list[tuple[float, int]]) -> np.ndarray:
    total = np.zeros(len(counts), dtype=float)
    for per_event, cap in rules:
        total += per_event * np.minimum(counts, cap)
    return total


@dataclass
class Scorecard:
    model_id: str
    features: list[Feature]
    intercept: float
    factor: float
    pdo: float
    fit_weight: float = 0.5
    engagement_weight: float = 0.5
    thresholds: dict = field(default_factory=dict)
    bands: dict = field(default_factory=dict)
    training_auc: float = 0.0
    training_rows: int = 0
    training_conversions: int = 0
    cutoffs: list[date] = field(default_factory=list)
    evaluation_date: date | None = None
    dropped: list[tuple[str, float]] = field(default_factory=list)
    clipped_share: float = 0.0
    regression_auc: float = 0.0
    recency_offset: float = 0.0
    engagement_event_types: list[str] = field(default_factory=list)


def assign_points(features: list[Feature], factor: float) -> None:
    """points = factor x coefficient x WoE, shifted: fit and recency bins to a minimum of 0, counts to 0
    at "no such event" (the recency offset is added by `recency_offset`)."""
    for feature in features:
        raw = {bin_.key: factor * feature.coefficient * bin_.woe for bin_ in feature.bins}
        base = min(raw.values()) if feature.kind != "count" else raw[feature.bins[0].key]
        for bin_ in feature.bins:
            bin_.points = raw[bin_.key] - base


def recency_offset(features: list[Feature], frame: pd.DataFrame) -> float:
    """Points every recency bin gets on top, so that no training row's engagement points (count features
    can take points away) fall below 0: the largest such loss, rounded up to 0.1."""
    _, engagement = component_scores(features, frame)
    return math.ceil(max(0.0, -float(engagement.min())) * 10 - 1e-9) / 10


def component_scores(features: list[Feature], frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Fit and engagement points per training row, as the engine adds them up (before the 0..100 bounds)."""
    fit = np.zeros(len(frame))
    engagement = np.zeros(len(frame))
    for feature in features:
        if feature.kind == "count":
            rules = _piecewise_rules(feature.bins)
            engagement += piecewise_points(frame[feature.name].to_numpy(dtype=float), rules)
        else:
            mapping = {bin_.key: bin_.points for bin_ in feature.bins}
            values = encode(feature, frame).map(mapping).fillna(0.0).to_numpy(dtype=float)
            if feature.kind == "recency":
                engagement += values
            else:
                fit += values
    return fit, engagement


def bounded_total(
    fit: np.ndarray, engagement: np.ndarray, fit_weight: float, engagement_weight: float
) -> np.ndarray:
    return fit_weight * np.clip(fit, 0, SCORE_CEILING) + engagement_weight * np.clip(
        engagement, 0, SCORE_CEILING
    )


def choose_factor(features: list[Feature], frame: pd.DataFrame) -> float:
    """Largest points-per-log-odds factor with which neither component can exceed 100: at factor 1, fit can
    reach the sum of each attribute's best bin, engagement the sum of each count feature's best bin plus
    the best recency bin and the recency offset (points scale with the factor)."""
    assign_points(features, 1.0)
    fit_max = sum(max(b.points for b in f.bins) for f in features if f.kind in ("categorical", "numeric"))
    engagement_max = recency_offset(features, frame) + sum(
        max(0.0, *(b.points for b in f.bins)) for f in features if f.kind in ("count", "recency")
    )
    largest = max(fit_max, engagement_max, 1e-9)
    return SCORE_CEILING / largest


def _auc(label: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(label, score))


def _quantile_threshold(values: np.ndarray, top_share: float, floor: float) -> float:
    """Score from which the top `top_share` of rows start, rounded down to a whole point, at least `floor`."""
    value = float(np.quantile(values, 1 - top_share))
    return max(floor, float(math.floor(value)))


def build_scorecard(
    frame: pd.DataFrame,
    model_id: str = DEFAULT_MODEL_ID,
    iv_threshold: float = IV_THRESHOLD,
    regularisation: float = 1.0,
    min_category_rows: int | None = None,
    min_bin_positives: int | None = None,
    mql_share: float = 0.10,
    hot_share: float = 0.05,
    warm_share: float = 0.25,
) -> Scorecard:
    label = frame["is_converted_in_window"].astype(bool).reset_index(drop=True)
    frame = frame.reset_index(drop=True)
    positives = int(label.sum())
    if positives < 5:
        raise SystemExit(
            f"suggest-weights: only {positives} conversions in the training frame; need more data"
        )
    min_rows = min_category_rows or max(30, len(frame) // 200)
    min_pos = min_bin_positives or max(5, positives // 60)
    candidates: list[Feature] = []
    for name in CATEGORICAL_ATTRIBUTES:
        candidates.append(categorical_feature(frame, name, label, min_rows))
    for name in NUMERIC_ATTRIBUTES:
        candidates.append(numeric_feature(frame, name, label, 6, min_pos))
    for event in EVENT_FEATURES:
        candidates.append(count_feature(frame, event, label, min_pos, min_rows))
    candidates.append(recency_feature(frame, label, min_pos))
    for feature in candidates:
        attach_woe(feature, label)
    strong = [f for f in candidates if f.iv >= iv_threshold and len(f.bins) > 1]
    dropped = [(f.name, f.iv) for f in candidates if f not in strong]
    kept, intercept = fit_logistic(strong, label, regularisation)
    dropped += [(f.name, f.iv) for f in strong if f not in kept]
    linear_predictor = intercept + sum(f.coefficient * woe_encoded(f) for f in kept)
    if not any(f.kind == "recency" for f in kept):
        # no recency evidence: the inactivity bins still carry the engagement offset, at 0 weight
        recency = next(f for f in candidates if f.kind == "recency")
        recency.coefficient = 0.0
        kept.append(recency)
    factor = choose_factor(kept, frame)
    # round the factor down to a readable PDO (points to double the odds), 0.1 steps
    pdo = math.floor(factor * math.log(2) * 10) / 10
    factor = pdo / math.log(2)
    assign_points(kept, factor)
    for feature in kept:
        for bin_ in feature.bins:
            bin_.points = round(bin_.points, 1)
    # a feature whose points all round to 0 adds nothing but rules
    kept = [f for f in kept if f.kind == "recency" or any(b.points != 0 for b in f.bins)]
    dropped += [(f.name, f.iv) for f in strong if f not in kept and f.name not in {n for n, _ in dropped}]
    # after rounding: every recency bin gets the offset that keeps the engagement points of every
    # training row at or above 0 (count features can take points away)
    recency = next(f for f in kept if f.kind == "recency")
    shift = recency_offset(kept, frame)
    for bin_ in recency.bins:
        bin_.points = round(bin_.points + shift, 1)
    offset = shift
    fit, engagement = component_scores(kept, frame)
    total = bounded_total(fit, engagement, 0.5, 0.5)
    card = Scorecard(model_id=model_id, features=kept, intercept=intercept, factor=factor, pdo=pdo)
    card.dropped = sorted(dropped, key=lambda item: -item[1])
    card.training_rows = len(frame)
    card.training_conversions = positives
    card.training_auc = _auc(label.to_numpy(), total)
    card.recency_offset = offset
    card.regression_auc = _auc(label.to_numpy(), linear_predictor)
    fit_bounded, engagement_bounded = np.clip(fit, 0, 100), np.clip(engagement, 0, 100)
    card.clipped_share = float(np.mean((engagement < 0) | (engagement > 100) | (fit > 100) | (fit < 0)))
    warm = _quantile_threshold(total, warm_share, 1.0)
    hot = max(_quantile_threshold(total, hot_share, warm + 1), warm + 1)
    mql = max(_quantile_threshold(total, mql_share, 1.0), 1.0)
    mql_fit = float(math.floor(np.quantile(fit_bounded, 0.25)))
    card.thresholds = {"hot": min(hot, 100.0), "warm": warm, "mql": min(mql, 100.0), "mql_fit": mql_fit}
    card.bands = {
        "fit_grade": _bands(fit_bounded, (("A", 0.10), ("B", 0.30), ("C", 0.60))),
        "engagement_level": _bands(engagement_bounded, (("1", 0.10), ("2", 0.40))),
    }
    return card


def _bands(values: np.ndarray, cuts: Sequence[tuple[str, float]]) -> list[tuple[str, float, float]]:
    """(band, min score, share of training rows at or above it) from the top shares; lowest band at 0."""
    bands = []
    previous = math.inf
    for band, share in cuts:
        value = float(math.floor(np.quantile(values, 1 - share)))
        value = min(value, previous - 1)
        if value <= 0:
            continue
        bands.append((band, value, float(np.mean(values >= value))))
        previous = value
    lowest = "D" if cuts[0][0] == "A" else "3"
    bands.append((lowest, 0.0, -1.0))
    return bands


# ---------------------------------------------------------------------------------------------------
# Seed rows
# ---------------------------------------------------------------------------------------------------
SEED_COLUMNS = {
    "scoring_models.csv": [
        "scoring_model_id",
        "scoring_model_name",
        "description",
        "segment_attribute",
        "segment_operator",
        "segment_value",
        "fit_weight",
        "engagement_weight",
        "is_active",
        "predictive_weight",
    ],
    "fit_rules.csv": [
        "scoring_model_id",
        "rule_id",
        "score_group",
        "attribute_name",
        "operator",
        "rule_value",
        "points",
        "description",
    ],
    "engagement_rules.csv": [
        "scoring_model_id",
        "rule_id",
        "score_group",
        "event_type",
        "property_name",
        "property_operator",
        "property_value",
        "points",
        "half_life_days",
        "window_days",
        "max_per_day",
        "max_total",
        "description",
    ],
    "inactivity_rules.csv": [
        "scoring_model_id",
        "rule_id",
        "score_group",
        "inactive_days_min",
        "points",
        "description",
    ],
    "score_groups.csv": [
        "scoring_model_id",
        "score_group",
        "score_component",
        "min_points",
        "max_points",
        "description",
    ],
    "score_thresholds.csv": [
        "scoring_model_id",
        "hot_min_score",
        "warm_min_score",
        "mql_min_score",
        "mql_min_fit_score",
        "sql_event_types",
        "description",
    ],
    "score_bands.csv": ["scoring_model_id", "band_type", "band", "min_score", "description"],
}


def _number(value: float, decimals: int = 2) -> str:
    text = f"{round(value, decimals):.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _woe_text(woe: float) -> str:
    return f"WoE {woe:+.2f}"


def _rule_id(prefix: str, name: str, number: int) -> str:
    return f"{prefix}_{name}_{number}"


def seed_rows(card: Scorecard, is_active: bool = False) -> dict[str, list[dict[str, str]]]:
    """The candidate model's rows for every seed file, in a fixed order."""
    model = card.model_id
    rows: dict[str, list[dict[str, str]]] = {name: [] for name in SEED_COLUMNS}
    for feature in card.features:
        group = feature.name
        if feature.kind in ("categorical", "numeric"):
            points = [b.points for b in feature.bins]
            rows["score_groups.csv"].append(
                {
                    "score_group": group,
                    "score_component": "fit",
                    "min_points": "0",
                    "max_points": _number(max(points), 1),
                    "description": f"{feature.label} (IV {feature.iv:.3f}, "
                    f"coefficient {feature.coefficient:.2f})",
                }
            )
            for number, bin_ in enumerate(feature.bins, start=1):
                if bin_.points == 0:
                    continue  # the reference value: no rule, 0 points
                rows["fit_rules.csv"].append(
                    {
                        "rule_id": _rule_id("fit", feature.name, number),
                        "score_group": group,
                        "attribute_name": feature.name,
                        "operator": bin_.operator,
                        "rule_value": bin_.rule_value,
                        "points": _number(bin_.points, 1),
                        "description": f"{bin_.description} ({_woe_text(bin_.woe)})",
                    }
                )
        elif feature.kind == "count":
            event = feature.event
            assert event is not None
            rules = _piecewise_rules(feature.bins)
            top = max(b.points for b in feature.bins)
            bottom = min(b.points for b in feature.bins)
            rows["score_groups.csv"].append(
                {
                    "score_group": group,
                    "score_component": "engagement",
                    "min_points": _number(min(bottom, 0.0) - 0.5, 1),
                    "max_points": _number(max(top, 0.0) + 0.5, 1),
                    "description": f"{event.label} in the last {event.window_days} days "
                    f"(IV {feature.iv:.3f}, coefficient {feature.coefficient:.2f})",
                }
            )
            steps = ", ".join(
                f"{b.description.split(' in ')[0]}: {_number(b.points, 1)} ({_woe_text(b.woe)})"
                for b in feature.bins[1:]
            )
            for number, (per_event, cap) in enumerate(rules, start=1):
                rows["engagement_rules.csv"].append(
                    {
                        "rule_id": _rule_id("eng", feature.name, number),
                        "score_group": group,
                        "event_type": event.event_type,
                        "property_name": event.property_name or "",
                        "property_operator": event.property_operator or "",
                        "property_value": event.property_value or "",
                        "points": _number(per_event, 2),
                        "half_life_days": "",
                        "window_days": str(event.window_days),
                        "max_per_day": "",
                        "max_total": str(cap),
                        "description": f"{event.label} in the last {event.window_days} days, "
                        f"step {number} of {len(rules)} (up to {cap}); {steps}",
                    }
                )
        else:  # recency: inactivity rules, the most recent bin's points from day 1 and, for day 0, below
            points = [b.points for b in feature.bins]
            rows["score_groups.csv"].append(
                {
                    "score_group": group,
                    "score_component": "engagement",
                    "min_points": _number(min(0.0, *points), 1),
                    "max_points": _number(max(0.0, *points), 1),
                    "description": f"{feature.label} (IV {feature.iv:.3f}, "
                    f"coefficient {feature.coefficient:.2f}); every bin includes an offset of "
                    f"{card.recency_offset:g} points, the most that count features took away from a "
                    "training lead",
                }
            )
            for bin_ in feature.bins:
                days = max(int(bin_.low), 1)
                rows["inactivity_rules.csv"].append(
                    {
                        "rule_id": f"inactive_{days}d",
                        "score_group": group,
                        "inactive_days_min": str(days),
                        "points": _number(bin_.points, 1),
                        "description": f"{bin_.description} ({_woe_text(bin_.woe)})",
                    }
                )
            # Inactivity rules start at 1 day: a lead that engaged on the scoring day gets the most
            # recent bin's points from one rule per engagement event type, capped once by its group.
            today = feature.bins[0]
            rows["score_groups.csv"].append(
                {
                    "score_group": "engaged_today",
                    "score_component": "engagement",
                    "min_points": "0",
                    "max_points": _number(today.points, 1),
                    "description": "Engaged on the scoring day: most recent inactivity bin's points, once",
                }
            )
            for event_type in card.engagement_event_types:
                rows["engagement_rules.csv"].append(
                    {
                        "rule_id": f"eng_today_{event_type}",
                        "score_group": "engaged_today",
                        "event_type": event_type,
                        "property_name": "",
                        "property_operator": "",
                        "property_value": "",
                        "points": _number(today.points, 1),
                        "half_life_days": "",
                        "window_days": "1",
                        "max_per_day": "1",
                        "max_total": "1",
                        "description": f"Engaged on the scoring day ({event_type}); "
                        f"{today.description.lower()} ({_woe_text(today.woe)})",
                    }
                )
    thresholds = card.thresholds
    cutoffs = ", ".join(cutoff.isoformat() for cutoff in sorted(card.cutoffs))
    rows["score_thresholds.csv"].append(
        {
            "hot_min_score": _number(thresholds["hot"], 1),
            "warm_min_score": _number(thresholds["warm"], 1),
            "mql_min_score": _number(thresholds["mql"], 1),
            "mql_min_fit_score": _number(thresholds["mql_fit"], 1),
            "sql_event_types": "opportunity_created",
            "description": "From training score quantiles: hot = top 5 %, warm = top 25 %, MQL = top 10 % "
            "of total scores with a fit above the lowest quarter",
        }
    )
    for band_type, bands in card.bands.items():
        for band, minimum, share in bands:
            rows["score_bands.csv"].append(
                {
                    "band_type": band_type,
                    "band": band,
                    "min_score": _number(minimum, 1),
                    "description": (
                        f"{'Fit' if band_type == 'fit_grade' else 'Engagement'} score in the top "
                        f"{share * 100:.0f} % of training leads"
                        if share >= 0
                        else "Every other lead"
                    ),
                }
            )
    rows["scoring_models.csv"].append(
        {
            "scoring_model_name": "Data-driven weights (candidate)",
            "description": "Generated by lead-scoring suggest-weights: WoE / IV per attribute value and "
            f"event count, logistic regression, points at PDO {card.pdo:g} (points to double the odds); "
            "trained on "
            f"{card.training_rows} lead-cutoffs ({card.training_conversions} conversions) at cutoffs "
            f"{cutoffs} with outcomes known by {card.evaluation_date}; training AUC {card.training_auc:.3f}.",
            "segment_attribute": "",
            "segment_operator": "",
            "segment_value": "",
            "fit_weight": _number(card.fit_weight),
            "engagement_weight": _number(card.engagement_weight),
            "is_active": "true" if is_active else "false",
            "predictive_weight": "0",
        }
    )
    for name, table in rows.items():
        rows[name] = [{"scoring_model_id": model, **row} for row in table]
    return rows


def _raw_records(text: str) -> Iterator[tuple[list[str], str]]:
    """Each CSV record with the exact text it was read from (a quoted line break joins lines)."""
    chunk = ""
    for line in text.splitlines(keepends=True):
        chunk += line
        if chunk.count('"') % 2 == 0:  # every quote closed: the record is complete
            yield (next(csv.reader(io.StringIO(chunk))) if chunk.strip() else []), chunk
            chunk = ""
    if chunk:
        yield next(csv.reader(io.StringIO(chunk))), chunk


def _format_row(columns: list[str], row: dict[str, str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([row.get(column, "") for column in columns])
    return buffer.getvalue()


def existing_is_active(seeds_dir: Path, model_id: str) -> bool | None:
    path = seeds_dir / "scoring_models.csv"
    if not path.exists():
        return None
    for record, _ in list(_raw_records(path.read_text(encoding="utf-8")))[1:]:
        if record and record[0] == model_id:
            return record[8].strip().lower() == "true"
    return None


def write_seeds(seeds_dir: Path, model_id: str, rows: dict[str, list[dict[str, str]]]) -> list[Path]:
    """Replace the model's rows in each seed file (appended at the end); every other line stays as it was."""
    written = []
    for name, columns in SEED_COLUMNS.items():
        path = seeds_dir / name
        if path.exists():
            text = path.read_text(encoding="utf-8")
            records = list(_raw_records(text))
            header_record, header_text = records[0]
            if header_record != columns:
                raise SystemExit(f"suggest-weights: {path} has columns {header_record}, expected {columns}")
            kept = [header_text] + [raw for record, raw in records[1:] if not record or record[0] != model_id]
            if kept and not kept[-1].endswith("\n"):
                kept[-1] += "\n"
        elif rows.get(name):
            kept = [_format_row(columns, dict(zip(columns, columns, strict=True)))]
        else:
            continue
        new = "".join(kept) + "".join(_format_row(columns, row) for row in rows.get(name, []))
        path.write_text(new, encoding="utf-8")
        written.append(path)
    return written


# ---------------------------------------------------------------------------------------------------
# Evaluation helper: out-of-time holdout AUC of the scored models against the generator's truth
# ---------------------------------------------------------------------------------------------------
def holdout_auc(
    database: Path, truth_file: Path, model_ids: Sequence[str], label_window_days: int = LABEL_WINDOW_DAYS
) -> dict[str, float | int | str]:
    """Out-of-time holdout AUC against the generator's truth: the leads scored on the evaluation date E
    (the warehouse's evaluation date, on or before its as-of date - label window; candidates are scored
    there too) that had not converted
    by E; outcome = `has_converted` in the truth file, i.e. converted after E. AUC of the true
    probability (the best any lead-level model can rank) and of each model's total_score."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        evaluation_date = warehouse_evaluation_date(connection, label_window_days)
        scores = connection.execute(
            """
            select scores.lead_id, scores.scoring_model_id, scores.total_score
            from intermediate.int_lead_scores_as_of as scores
            left join intermediate.int_lead_conversions as conversions
                on scores.lead_id = conversions.lead_id
            where
                scores.as_of_date = ?
                and coalesce(cast(conversions.first_converted_at as date) > ?, true)
            """,
            [evaluation_date, evaluation_date],
        ).df()
    truth = pd.read_parquet(truth_file, columns=["lead_id", "true_conversion_probability", "has_converted"])
    wide = scores.pivot(index="lead_id", columns="scoring_model_id", values="total_score").reset_index()
    frame = wide.merge(truth, on="lead_id", how="inner")
    outcome = frame["has_converted"].astype(bool).to_numpy()
    result: dict[str, float | int | str] = {
        "evaluation_date": evaluation_date.isoformat(),
        "leads": len(frame),
        "conversions": int(outcome.sum()),
        "true_probability": _auc(outcome, frame["true_conversion_probability"].to_numpy()),
    }
    for model_id in model_ids:
        if model_id in frame:
            result[model_id] = _auc(outcome, frame[model_id].fillna(0.0).to_numpy())
    return result


# ---------------------------------------------------------------------------------------------------
# Command
# ---------------------------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", type=Path, default=None, help="DuckDB warehouse (default: the published file)"
    )
    parser.add_argument(
        "--seeds-dir", type=Path, default=Path("seeds"), help="seed directory to write (default seeds/)"
    )
    parser.add_argument("--model-id", default=DEFAULT_MODEL_ID, help="scoring model id of the candidate")
    parser.add_argument(
        "--evaluation-date",
        type=date.fromisoformat,
        default=None,
        help="train only on outcomes known by this date (default: the warehouse's as-of date - label window)",
    )
    parser.add_argument(
        "--cutoffs",
        type=lambda text: [date.fromisoformat(part) for part in text.split(",")],
        default=None,
        help="comma-separated training cutoffs (default: evaluation date - label window, then every "
        "--cutoff-interval-days before, --cutoff-count of them)",
    )
    parser.add_argument("--cutoff-count", type=int, default=TRAINING_CUTOFFS)
    parser.add_argument("--cutoff-interval-days", type=int, default=CUTOFF_INTERVAL_DAYS)
    parser.add_argument("--label-window-days", type=int, default=LABEL_WINDOW_DAYS)
    parser.add_argument(
        "--iv-threshold", type=float, default=IV_THRESHOLD, help="drop features below this IV"
    )
    parser.add_argument("--regularisation", type=float, default=1.0, help="inverse L2 strength C")
    parser.add_argument("--active", action="store_true", help="write is_active=true (promote at once)")


def print_summary(card: Scorecard) -> None:
    print(
        f"Training frame: {card.training_rows} lead-cutoffs, {card.training_conversions} conversions; "
        f"cutoffs {', '.join(c.isoformat() for c in sorted(card.cutoffs))}; "
        f"outcomes known by {card.evaluation_date}"
    )
    print(f"{'feature':28}{'IV':>8}{'coef':>8}  points by bin")
    for feature in sorted(card.features, key=lambda f: -f.iv):
        bins = "; ".join(
            f"{b.key}: {b.points:g}" for b in feature.bins if b.points != 0 or feature.kind == "count"
        )
        print(f"{feature.name:28}{feature.iv:8.3f}{feature.coefficient:8.2f}  {bins[:140]}")
    print(
        "dropped (IV under the threshold, coefficient not positive, or no points): "
        + ", ".join(f"{n} {iv:.3f}" for n, iv in card.dropped)
    )
    print(
        f"PDO {card.pdo:g} (factor {card.factor:.2f} points per log-odds); thresholds hot "
        f"{card.thresholds['hot']:g}, warm {card.thresholds['warm']:g}, MQL {card.thresholds['mql']:g} "
        f"(fit >= {card.thresholds['mql_fit']:g}); training AUC of the points {card.training_auc:.3f} "
        f"(of the regression {card.regression_auc:.3f}); scores out of 0..100 before the bounds: "
        f"{card.clipped_share:.1%} of training rows"
    )


def run(args: argparse.Namespace) -> int:
    import duckdb

    database = args.database or default_database()
    if not database.exists():
        print(f"error: no warehouse at {database}; run `make build` first")
        return 1
    with duckdb.connect(str(database), read_only=True) as connection:
        window = args.label_window_days
        evaluation_date = args.evaluation_date or warehouse_evaluation_date(connection, window)
    cutoffs = args.cutoffs or training_cutoffs(
        evaluation_date, args.label_window_days, args.cutoff_count, args.cutoff_interval_days
    )
    late = [c for c in cutoffs if c + timedelta(days=args.label_window_days) > evaluation_date]
    if late:
        print(f"error: cutoffs {late} see outcomes after the evaluation date {evaluation_date}")
        return 1
    frame = load_training_frame(database, cutoffs, args.label_window_days)
    card = build_scorecard(
        frame, model_id=args.model_id, iv_threshold=args.iv_threshold, regularisation=args.regularisation
    )
    card.cutoffs, card.evaluation_date = list(cutoffs), evaluation_date
    card.engagement_event_types = engagement_event_types(database)
    previous = existing_is_active(args.seeds_dir, args.model_id)
    is_active = args.active or bool(previous)
    paths = write_seeds(args.seeds_dir, args.model_id, seed_rows(card, is_active=is_active))
    print_summary(card)
    print(
        f"Wrote scoring model {args.model_id} (is_active={'true' if is_active else 'false'}) into "
        + ", ".join(str(p) for p in paths)
    )
    return 0
