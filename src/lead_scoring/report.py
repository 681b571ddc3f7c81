"""`lead-scoring report`: a static HTML report with charts, for a marketing lead.

Opens the published DuckDB warehouse read-only and renders one self-contained HTML file (inline SVG
charts, inline CSS, a tiny inline script; nothing is fetched from the network): the headline tiers,
score distributions, the out-of-time evaluation of every scoring model (rpt_* marts), lift and
cumulative gains, calibration, conversion by tier, weekly MQL volume against the threshold, the
monthly backtest and the most frequent reasons. Every number is aggregated by a SQL query in the
warehouse (the charts get at most a few hundred rows), so the report renders at a million leads as
it does at a thousand. A mart the warehouse lacks (e.g. one built before the evaluation models
existed) is named in words in its section.

The inline render check (RENDER_CHECK_SCRIPT) runs in the browser on load: it records script errors
and blocked resources, checks that every figure.chart has a data mark of non-zero size, and writes
the outcome into <body data-render-status="ok|empty|error" data-empty-charts="..." data-js-errors="...">
(tests/python/test_report.py reads it from headless Chromium).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import Any

from lead_scoring import charts, summary
from lead_scoring.charts import DASH, DataTable, Series, number, percent

DEFAULT_OUT = Path("reports/lead_scoring_report.html")
MARTS_SCHEMA = "marts"
CONFIG_SCHEMA = "scoring_config"
RULE_TYPE_COLOURS = {"fit": "#0072B2", "engagement": "#E69F00"}
# Bands of the predicted probability (%): the distribution is very skewed, equal bands would put
# nearly every lead in the first.
PROBABILITY_BANDS = (0, 1, 2, 5, 10, 20, 50, 100)
TIER_COLOURS = {"hot": "#D55E00", "warm": "#E69F00", "cold": "#0072B2", "MQL": "#009E73"}
PREDICTIVE_MODEL_ID = "predictive"
REASONS_PER_MODEL = 12
SCORE_BIN_WIDTH = 5

Row = dict[str, Any]


@dataclass(frozen=True)
class ScoringModel:
    scoring_model_id: str
    kind: str  # active | candidate | predictive
    colour: str

    @property
    def label(self) -> str:
        return f"{self.scoring_model_id} (candidate)" if self.kind == "candidate" else self.scoring_model_id

    def series(self, values: Sequence[tuple[float, float]]) -> Series:
        return Series(self.label, values, self.colour, dashed=self.kind == "candidate")


class Warehouse:
    """A read-only connection and the marts it holds."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.tables = {
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = ?", [MARTS_SCHEMA]
            ).fetchall()
        }

    def has_config(self, name: str) -> bool:
        """A seed table in schema scoring_config (the scoring configuration the build used)."""
        return bool(
            self.connection.execute(
                "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                [CONFIG_SCHEMA, name],
            ).fetchone()[0]
        )

    def has(self, *names: str) -> bool:
        return all(name in self.tables for name in names)

    def rows(self, sql: str, parameters: Sequence[object] = ()) -> list[Row]:
        cursor = self.connection.execute(sql, list(parameters))
        columns = [description[0] for description in cursor.description]
        return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]


def missing(*names: str) -> str:
    tables = ", ".join(f"{MARTS_SCHEMA}.{name}" for name in names)
    return (
        f'<p class="missing">Not available: this warehouse has no {escape(tables)} (it was built before '
        "this mart existed, or on an engine that does not build it). Rebuild it with <code>make build</code> "
        "to see this part of the report.</p>"
    )


def section(section_id: str, title: str, body: str) -> str:
    return f'<section id="{section_id}"><h2>{escape(title)}</h2>{body}</section>'


def long_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "an unknown date"


def short_date(ordinal: float) -> str:
    day = dt.date.fromordinal(round(ordinal))
    return f"{day.day} {day:%b %Y}"


def fraction(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else percent(value, digits)


def decimal(value: float | None, digits: int = 3) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def by_model(rows: Sequence[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row["scoring_model_id"], []).append(row)
    return grouped


def table_of(rows: Sequence[Row], columns: Sequence[str]) -> DataTable:
    return DataTable(columns, [[row.get(column) for column in columns] for row in rows])


class Report:
    """Builds the sections of the report from one warehouse."""

    def __init__(self, warehouse: Warehouse, warehouse_name: str) -> None:
        self.warehouse = warehouse
        self.warehouse_name = warehouse_name
        self.models = self._scoring_models()

    # -- models and their colours ---------------------------------------------------------------

    def _scoring_models(self) -> dict[str, ScoringModel]:
        kinds: dict[str, str] = {}
        if self.warehouse.has("fct_lead_scores"):
            for row in self.warehouse.rows(
                "select distinct scoring_model_id from marts.fct_lead_scores order by 1"
            ):
                kinds[row["scoring_model_id"]] = "active"
        if self.warehouse.has("rpt_scoring_model_evaluation"):
            for row in self.warehouse.rows(
                "select scoring_model_id, model_kind, is_active from marts.rpt_scoring_model_evaluation"
            ):
                if row["model_kind"] == "predictive":
                    kinds[row["scoring_model_id"]] = "predictive"
                else:
                    kinds.setdefault(row["scoring_model_id"], "active" if row["is_active"] else "candidate")
        if self.warehouse.has("fct_lead_conversion_predictions"):
            kinds.setdefault(PREDICTIVE_MODEL_ID, "predictive")
        order = {"active": 0, "candidate": 1, "predictive": 2}
        ordered = sorted(kinds.items(), key=lambda item: (order[item[1]], item[0]))
        return {
            model_id: ScoringModel(model_id, kind, charts.PALETTE[index % len(charts.PALETTE)])
            for index, (model_id, kind) in enumerate(ordered)
        }

    def model(self, model_id: str) -> ScoringModel:
        if model_id not in self.models:
            kind = "predictive" if model_id == PREDICTIVE_MODEL_ID else "candidate"
            colour = charts.PALETTE[len(self.models) % len(charts.PALETTE)]
            self.models[model_id] = ScoringModel(model_id, kind, colour)
        return self.models[model_id]

    def ordered(self, model_ids: Sequence[str]) -> list[ScoringModel]:
        models = [self.model(model_id) for model_id in model_ids]
        position = {model_id: index for index, model_id in enumerate(self.models)}
        return sorted(models, key=lambda model: position[model.scoring_model_id])

    # -- sections --------------------------------------------------------------------------------

    def headline(self) -> str:
        if not self.warehouse.has("fct_lead_scores"):
            return section("headline", "Headline", missing("fct_lead_scores"))
        rows = [
            dict(
                zip(
                    ("model", "leads", "hot", "warm", "cold", "mql", "sql", "average", "as_of"),
                    row,
                    strict=True,
                )
            )
            for row in self.warehouse.connection.execute(summary.TIER_SUMMARY_SQL).fetchall()
        ]
        (totals,) = self.warehouse.rows(
            "select count(distinct lead_id) as lead_count, max(as_of_date) as as_of_date "
            "from marts.fct_lead_scores"
        )
        cards = [
            ("Scores as of", long_date(totals["as_of_date"])),
            ("Leads scored", number(totals["lead_count"])),
        ]
        if self.warehouse.has("fct_lead_conversion_predictions"):
            (predicted,) = self.warehouse.rows(
                "select count(*) as lead_count, sum(conversion_probability) as expected_conversions, "
                "max(label_window_days) as label_window_days "
                "from marts.fct_lead_conversion_predictions"
            )
            cards.append(
                (
                    f"Expected to convert in {predicted['label_window_days'] or 90} days",
                    number(predicted["expected_conversions"] or 0.0),
                )
            )
        cards_html = "".join(
            f'<div class="card"><div class="card-label">{escape(label)}</div>'
            f'<div class="card-value">{escape(value)}</div></div>'
            for label, value in cards
        )
        header = "".join(
            f"<th>{name}</th>"
            for name in ("Scoring model", "Leads", "Hot", "Warm", "Cold", "MQL", "SQL", "Average score")
        )
        body = "".join(
            "<tr>"
            f"<td>{escape(row['model'])}</td><td>{number(row['leads'])}</td>"
            + "".join(
                f"<td>{number(row[key])} "
                f"<span class='share'>({percent(row[key] / row['leads'], 0)})</span></td>"
                for key in ("hot", "warm", "cold", "mql", "sql")
            )
            + f"<td>{row['average']:.1f}</td></tr>"
            for row in rows
        )
        text = (
            "Hot, warm and cold are the tiers by total score; an MQL (marketing-qualified lead) reached the "
            "model's total and fit thresholds; an SQL is a lead sales has opened an opportunity for. A lead "
            "can be scored by several models (the enterprise model only scores leads at large companies)."
        )
        return section(
            "headline",
            "Headline",
            f'<div class="cards">{cards_html}</div><table class="summary"><thead><tr>{header}</tr></thead>'
            f"<tbody>{body}</tbody></table><p>{text}</p>",
        )

    def score_distribution(self) -> str:
        if not self.warehouse.has("fct_lead_scores"):
            return section("score-distribution", "Score distribution", missing("fct_lead_scores"))
        bins = 100 // SCORE_BIN_WIDTH
        rows = self.warehouse.rows(
            f"""
            select
                scoring_model_id,
                least(cast(floor(total_score / {SCORE_BIN_WIDTH}) as integer), {bins - 1}) as score_bin,
                count(*) as lead_count
            from marts.fct_lead_scores
            group by 1, 2
            order by 1, 2
            """
        )
        categories = [str(SCORE_BIN_WIDTH * index) for index in range(bins)]
        thresholds = self._thresholds()
        figures = []
        for model_id, model_rows in by_model(rows).items():
            model = self.model(model_id)
            series = model.series([(row["score_bin"], row["lead_count"]) for row in model_rows])
            markers = [
                (score / SCORE_BIN_WIDTH, f"{name} \u2265 {score:g}")
                for name, score in thresholds.get(model_id, [])
            ]
            figures.append(
                charts.figure(
                    f"score-distribution-{model_id}",
                    f"Total score of the {model_id} model's leads",
                    charts.bar_chart(
                        f"Total score distribution, {model_id}",
                        categories,
                        [series],
                        x_label=f"Total score (bars of {SCORE_BIN_WIDTH} points: 0 = 0 to 4.9, ...)",
                        y_label="Leads",
                        y_format=number,
                        x_markers=markers,
                    ),
                    "Each bar counts the leads whose total score (0\u2013100) falls in a "
                    f"{SCORE_BIN_WIDTH}-point band. Most leads sit on the left: little fit or engagement "
                    "yet. The leads on the right are the ones sales should see first. The dashed lines "
                    "are the model's thresholds (an MQL also needs a minimum fit score). Many leads just "
                    "below the MQL threshold mean that a small change of the threshold moves many leads.",
                    DataTable(
                        ["score band", "leads"],
                        [
                            [
                                f"{SCORE_BIN_WIDTH * row['score_bin']}{DASH}"
                                f"{SCORE_BIN_WIDTH * (row['score_bin'] + 1)}",
                                row["lead_count"],
                            ]
                            for row in model_rows
                        ],
                    ),
                )
            )
        figures.append(self._tier_counts())
        if self.warehouse.has("fct_lead_conversion_predictions"):
            figures.append(self._probability_distribution())
        return section("score-distribution", "Score and tier distribution", "".join(figures))

    def _tier_counts(self) -> str:
        rows = self.warehouse.rows(
            """
            select
                scoring_model_id,
                count(*) as lead_count,
                count(*) filter (where tier = 'hot') as hot,
                count(*) filter (where tier = 'warm') as warm,
                count(*) filter (where tier = 'cold') as cold,
                count(*) filter (where is_mql) as mql,
                count(*) filter (where is_sql) as sql
            from marts.fct_lead_scores
            group by 1
            order by 1
            """
        )
        models = [row["scoring_model_id"] for row in rows]
        series = [
            Series(
                "MQL" if key == "mql" else key,
                [(index, row[key] / row["lead_count"]) for index, row in enumerate(rows)],
                TIER_COLOURS["MQL" if key == "mql" else key],
            )
            for key in ("hot", "warm", "cold", "mql")
        ]
        return charts.figure(
            "tier-counts",
            "Tiers and MQLs per scoring model",
            charts.bar_chart(
                "Share of leads per tier and MQL, per scoring model",
                models,
                series,
                x_label="Scoring model",
                y_label="Share of the model's leads",
                y_format=lambda value: percent(value, 0),
            ),
            "For each scoring model, the share of its leads in the hot, warm and cold tiers (together 100 %) "
            "and the share that are MQLs. The counts are in the data table. A model with more hot leads "
            "than sales can follow up is too generous: raise its thresholds (seeds/score_thresholds.csv).",
            table_of(rows, ["scoring_model_id", "lead_count", "hot", "warm", "cold", "mql", "sql"]),
        )

    def _thresholds(self) -> dict[str, list[tuple[str, float]]]:
        """Per scoring model, the warm / MQL / hot total-score thresholds of the build's seed."""
        if not self.warehouse.has_config("score_thresholds"):
            return {}
        rows = self.warehouse.rows(
            "select scoring_model_id, warm_min_score, hot_min_score, mql_min_score "
            f"from {CONFIG_SCHEMA}.score_thresholds"
        )
        return {
            row["scoring_model_id"]: [
                ("warm", row["warm_min_score"]),
                ("MQL", row["mql_min_score"]),
                ("hot", row["hot_min_score"]),
            ]
            for row in rows
        }

    def _probability_distribution(self) -> str:
        bands = PROBABILITY_BANDS
        band_case = " ".join(
            f"when 100 * conversion_probability < {upper} then {index}"
            for index, upper in enumerate(bands[1:-1])
        )
        rows = self.warehouse.rows(
            f"""
            select
                case {band_case} else {len(bands) - 2} end as probability_band,
                count(*) as lead_count,
                sum(conversion_probability) as expected_conversions
            from marts.fct_lead_conversion_predictions
            group by 1
            order by 1
            """
        )
        categories = [f"{low}{DASH}{high} %" for low, high in pairwise(bands)]
        model = self.model(PREDICTIVE_MODEL_ID)
        return charts.figure(
            "probability-distribution",
            "Predicted probability to convert in the next 90 days (predictive model)",
            charts.bar_chart(
                "Distribution of the predicted conversion probability",
                categories,
                [model.series([(row["probability_band"], row["lead_count"]) for row in rows])],
                x_label="Predicted probability of an opportunity in the next 90 days",
                y_label="Leads",
                y_format=number,
            ),
            "Each bar counts the leads whose predicted probability of an opportunity in the next 90 days "
            "falls in the band (the bands widen to the right). Most leads have a small probability; the "
            "data table shows how many conversions each band is expected to bring (the sum of its "
            "probabilities): the few leads on the right bring a large share of them.",
            DataTable(
                ["probability band", "leads", "expected conversions"],
                [
                    [categories[row["probability_band"]], row["lead_count"], row["expected_conversions"]]
                    for row in rows
                ],
            ),
        )

    def evaluation(self) -> str:
        title = "How well each model predicts conversion"
        if not self.warehouse.has("rpt_scoring_model_evaluation"):
            return section("evaluation", title, missing("rpt_scoring_model_evaluation"))
        rows = self.warehouse.rows(
            """
            select
                scoring_model_id, model_kind, is_active, holdout_method, evaluation_date,
                label_window_end_date, lead_count, conversion_count, conversion_rate, roc_auc, pr_auc,
                top_decile_lift, top_decile_conversion_rate, mql_count, mql_conversion_rate,
                mql_conversion_share, median_days_to_convert, expected_calibration_error
            from marts.rpt_scoring_model_evaluation
            """
        )
        rows.sort(
            key=lambda row: list(self.models).index(self.model(row["scoring_model_id"]).scoring_model_id)
        )
        if not rows:
            return section("evaluation", title, "<p class='missing'>The evaluation mart has no rows.</p>")
        methods = sorted({str(row["holdout_method"]) for row in rows})
        evaluated_on = ", ".join(long_date(day) for day in sorted({row["evaluation_date"] for row in rows}))
        window_end = ", ".join(
            long_date(day) for day in sorted({row["label_window_end_date"] for row in rows})
        )
        window_days = (rows[0]["label_window_end_date"] - rows[0]["evaluation_date"]).days
        if methods == ["out_of_time"]:
            method_text = (
                "<p><strong>Method: out-of-time holdout.</strong> Every model scored the leads as they "
                f"stood on <strong>{evaluated_on}</strong> (the evaluation date: the as-of date minus the "
                f"{window_days}-day label window), using only what was known that day. The leads judged "
                "existed then, were not deleted and had not converted yet. A lead counts as converted when "
                f"an opportunity was opened for it in the {window_days} days after, up to "
                f"<strong>{window_end}</strong>. Nothing that happened after the evaluation date was "
                "used to score, so this is how the models would have done in real life.</p>"
            )
        else:
            method_text = (
                f"<p><strong>Method: {escape(' / '.join(methods).replace('_', ' '))} holdout.</strong> "
                f"The leads were scored as of <strong>{evaluated_on}</strong> and judged on the "
                f"opportunities opened up to <strong>{window_end}</strong> ({window_days}-day label "
                "window); a random split holds out a seeded random share of the leads, for data whose "
                "dates cannot separate past from future.</p>"
            )
        rule_rows = [row for row in rows if row["model_kind"] != "predictive" and row["roc_auc"] is not None]
        sentences = []
        if rule_rows:
            best = max(rule_rows, key=lambda row: row["roc_auc"])
            sentences.append(
                f"Of the rule models, <strong>{escape(self.model(best['scoring_model_id']).label)}</strong> "
                f"ranks converters best (ROC AUC {decimal(best['roc_auc'])}; its top 10 % of leads convert "
                f"{decimal(best['top_decile_lift'], 1)} times as often as the average lead)."
            )
        for row in rows:
            if row["model_kind"] == "predictive" and row["roc_auc"] is not None:
                sentences.append(
                    f"The predictive model reaches ROC AUC {decimal(row['roc_auc'])}, with a calibration "
                    f"error of {fraction(row['expected_calibration_error'])}."
                )
        unmeasured = [self.model(row["scoring_model_id"]).label for row in rows if row["roc_auc"] is None]
        if unmeasured:
            sentences.append(no_conversion_note(unmeasured).strip())
        kinds = {"active": "rules, active", "candidate": "rules, candidate", "predictive": "predictive"}
        header = (
            "Scoring model",
            "Kind",
            "Leads judged",
            "Converted",
            "ROC AUC",
            "PR AUC",
            "Top-decile lift",
            "MQLs",
            "MQL conversion rate",
            "Share of conversions that were MQLs",
            "Calibration error",
        )
        body = "".join(
            "<tr>"
            f"<td>{escape(self.model(row['scoring_model_id']).label)}</td>"
            f"<td>{kinds[self.model(row['scoring_model_id']).kind]}</td>"
            f"<td>{number(row['lead_count'])}</td>"
            f"<td>{number(row['conversion_count'])} ({fraction(row['conversion_rate'])})</td>"
            f"<td>{decimal(row['roc_auc'])}</td><td>{decimal(row['pr_auc'])}</td>"
            f"<td>{decimal(row['top_decile_lift'], 2)}</td>"
            f"<td>{DASH if row['mql_count'] is None else number(row['mql_count'])}</td>"
            f"<td>{fraction(row['mql_conversion_rate'])}</td><td>{fraction(row['mql_conversion_share'])}</td>"
            f"<td>{fraction(row['expected_calibration_error'])}</td>"
            "</tr>"
            for row in rows
        )
        how_to_read = (
            "<p class='how-to-read'><strong>How to read this:</strong> <em>ROC AUC</em> is the chance that "
            "a lead that converted got a higher score than one that did not (0.5 = random order, 1 = "
            "perfect). <em>PR AUC</em> summarises how pure the top of the list is; compare it with the "
            "conversion rate, its value for a random order. <em>Top-decile lift</em>: how many times more "
            "often the 10 % best-scored leads convert than the average. <em>Calibration error</em>: the "
            "average gap between predicted and observed conversion rate (predictive model only; rule "
            "scores are points, not probabilities). Candidates are models in seeds/scoring_models.csv "
            "with is_active = false: evaluated here, never published in the marts.</p>"
        )
        return section(
            "evaluation",
            title,
            method_text
            + (f"<p>{' '.join(sentences)}</p>" if sentences else "")
            + "<table class='summary'><thead><tr>"
            + "".join(f"<th>{escape(name)}</th>" for name in header)
            + f"</tr></thead><tbody>{body}</tbody></table>"
            + how_to_read,
        )

    def lift_and_gains(self) -> str:
        title = "Lift and cumulative gains"
        if not self.warehouse.has("rpt_scoring_model_deciles"):
            return section("lift", title, missing("rpt_scoring_model_deciles"))
        columns = [
            "scoring_model_id",
            "evaluation_date",
            "decile",
            "lead_count",
            "conversion_count",
            "conversion_rate",
            "lift",
            "cumulative_lead_share",
            "cumulative_conversion_share",
            "min_score",
            "max_score",
        ]
        rows = self.warehouse.rows(
            f"select {', '.join(columns)} from marts.rpt_scoring_model_deciles "
            "order by scoring_model_id, decile"
        )
        grouped = by_model(rows)
        # A model none of whose judged leads converted has no lift or gains: named, not drawn.
        undefined = [
            model_id
            for model_id, model_rows in grouped.items()
            if all(row["lift"] is None for row in model_rows)
        ]
        models = self.ordered([model_id for model_id in grouped if model_id not in undefined])
        note = no_conversion_note([self.model(model_id).label for model_id in undefined])
        deciles = sorted({row["decile"] for row in rows}) or list(range(1, 11))
        position = {decile: index for index, decile in enumerate(deciles)}
        lift = charts.figure(
            "lift",
            "Lift per score decile",
            charts.bar_chart(
                "Lift per score decile and scoring model",
                [str(decile) for decile in deciles],
                [
                    model.series(
                        [(position[row["decile"]], row["lift"]) for row in grouped[model.scoring_model_id]]
                    )
                    for model in models
                ],
                x_label="Score decile (1 = the 10 % highest-scored leads)",
                y_label="Lift (\u00d7 average conversion rate)",
                y_format=lambda value: f"{value:g}",
                reference_y=1.0,
                reference_label="lift 1 = no better than random",
            ),
            "The leads are sorted by score and cut into ten groups of equal size; decile 1 holds the 10 % "
            "highest scores. A bar shows how many times more often the leads of that decile converted "
            "than the average lead. A useful model has tall bars on the left, falling towards the right, "
            "and bars under the dashed line (lift 1) on the right." + note,
            table_of(rows, columns),
        )
        gains = charts.figure(
            "gains",
            "Cumulative gains",
            charts.line_chart(
                "Cumulative share of conversions against the share of leads contacted",
                [
                    model.series(
                        [(0.0, 0.0)]
                        + [
                            (row["cumulative_lead_share"], row["cumulative_conversion_share"])
                            for row in grouped[model.scoring_model_id]
                        ]
                    )
                    for model in models
                ],
                x_label="Share of leads contacted, highest scores first",
                y_label="Share of all conversions found",
                x_format=lambda value: percent(value, 0),
                y_format=lambda value: percent(value, 0),
                x_domain=(0.0, 1.0),
                y_domain=(0.0, 1.0),
                diagonal="random order",
            ),
            "Follow a line from left to right: having contacted x % of the leads, highest scores first, "
            "sales would have found y % of all the leads that converted. The dashed diagonal is contacting "
            "leads in random order. The further a line bows above it, the better the model ranks; read off "
            "how many conversions the top 10 % or 20 % of leads hold." + note,
            table_of(rows, columns),
        )
        return section("lift", title, lift + gains)

    def calibration(self) -> str:
        title = "Calibration: predicted against observed conversion"
        if not self.warehouse.has("rpt_scoring_model_calibration"):
            return section("calibration", title, missing("rpt_scoring_model_calibration"))
        columns = [
            "scoring_model_id",
            "evaluation_date",
            "calibration_bin",
            "lead_count",
            "conversion_count",
            "mean_predicted_probability",
            "observed_conversion_rate",
        ]
        rows = self.warehouse.rows(
            f"select {', '.join(columns)} from marts.rpt_scoring_model_calibration "
            "order by scoring_model_id, calibration_bin"
        )
        with_probability = by_model([row for row in rows if row["mean_predicted_probability"] is not None])
        if not with_probability and rows:
            return section(
                "calibration",
                title,
                "<p>No model in this warehouse predicts a probability (the predictive model is built on "
                "DuckDB only); rule scores are points, not probabilities.</p>",
            )
        models = self.ordered(list(with_probability))
        series = [
            model.series(
                [
                    (row["mean_predicted_probability"], row["observed_conversion_rate"])
                    for row in with_probability[model.scoring_model_id]
                ]
            )
            for model in models
        ]
        values = [value for item in series for point in item.values for value in point]
        top = max([*values, 0.01])
        figure = charts.figure(
            "calibration",
            "Calibration curve",
            charts.line_chart(
                "Mean predicted probability against observed conversion rate",
                series,
                x_label="Predicted probability (mean of the bin)",
                y_label="Observed conversion rate",
                x_format=lambda value: percent(value, 0),
                y_format=lambda value: percent(value, 0),
                x_domain=(0.0, charts.nice_ticks(0.0, top)[-1]),
                y_domain=(0.0, top),
                diagonal="perfect calibration",
            ),
            "The leads are grouped into ten bins by predicted probability. Each point compares the "
            "average predicted probability of a bin with the share of its leads that actually converted. "
            "Points on the dashed diagonal mean the probability can be taken literally (a 10 % lead "
            "converts one time in ten); points below it mean the model promised too much, above it too "
            "little. Rule models have no probability: their score deciles are in the data table.",
            table_of(rows, columns),
        )
        return section("calibration", title, figure)

    def conversion_by_tier(self) -> str:
        title = "Conversion rate by tier and MQL"
        if not self.warehouse.has("rpt_scoring_model_tiers"):
            return section("conversion-by-tier", title, missing("rpt_scoring_model_tiers"))
        columns = [
            "scoring_model_id",
            "evaluation_date",
            "tier_type",
            "tier",
            "lead_count",
            "conversion_count",
            "conversion_rate",
            "lift",
            "median_days_to_convert",
        ]
        rows = self.warehouse.rows(
            f"select {', '.join(columns)} from marts.rpt_scoring_model_tiers "
            "order by scoring_model_id, tier_type, tier"
        )
        charted = [row for row in rows if row["tier_type"] in ("tier", "mql")]
        order = {"hot": 0, "warm": 1, "cold": 2}
        labels: dict[tuple[str, str], str] = {}
        for row in charted:
            key = (row["tier_type"], str(row["tier"]))
            labels[key] = tier_label(*key)
        keys = sorted(labels, key=lambda key: (key[0] != "tier", order.get(key[1], 9), labels[key]))
        position = {key: index for index, key in enumerate(keys)}
        grouped = by_model(charted)
        models = self.ordered(list(grouped))
        figure = charts.figure(
            "conversion-by-tier",
            "Conversion rate by tier and MQL",
            charts.bar_chart(
                "Conversion rate by tier and MQL, per scoring model",
                [labels[key] for key in keys],
                [
                    model.series(
                        [
                            (position[(row["tier_type"], str(row["tier"]))], row["conversion_rate"])
                            for row in grouped[model.scoring_model_id]
                        ]
                    )
                    for model in models
                ],
                x_label="Tier and MQL status at the evaluation date",
                y_label="Converted within the label window",
                y_format=lambda value: percent(value, 0),
            ),
            "The share of the leads in each tier at the evaluation date that had an opportunity opened "
            "for them within the label window. Hot should convert clearly more often than warm, warm more "
            "than cold, and MQLs more than the other leads; if not, the thresholds do not separate buyers "
            "from the rest. The data table also has the fit \u00d7 engagement matrix cells (A1\u2013D3).",
            table_of(rows, columns),
        )
        return section("conversion-by-tier", title, figure)

    def mql_volume(self) -> str:
        title = "Weekly MQL volume against the threshold"
        if not self.warehouse.has("rpt_mql_volume_weekly"):
            return section("mql-volume", title, missing("rpt_mql_volume_weekly"))
        columns = [
            "scoring_model_id",
            "week_end_date",
            "threshold_offset",
            "mql_min_score",
            "mql_count",
            "new_mql_count",
        ]
        rows = self.warehouse.rows(
            f"select {', '.join(columns)} from marts.rpt_mql_volume_weekly "
            "order by scoring_model_id, threshold_offset, week_end_date"
        )
        grouped = by_model(rows)
        figures = []
        for model in self.ordered(list(grouped)):
            model_rows = grouped[model.scoring_model_id]
            dates = sorted({row["week_end_date"] for row in model_rows})
            offsets = sorted({row["threshold_offset"] for row in model_rows})
            # New MQLs need a previous checkpoint; with a single one (no score history) chart the MQLs.
            has_new = any(row["new_mql_count"] is not None for row in model_rows)
            measure = "new_mql_count" if has_new else "mql_count"
            series = []
            for offset in offsets:
                offset_rows = [row for row in model_rows if row["threshold_offset"] == offset]
                minimum = offset_rows[0]["mql_min_score"]
                name = f"threshold {minimum:g}" + (" (current)" if offset == 0 else f" ({offset:+g})")
                series.append(
                    Series(
                        name,
                        [(row["week_end_date"].toordinal(), row[measure]) for row in offset_rows],
                        offset_colour(offset),
                        dashed=offset != 0,
                    )
                )
            step = max(1, len(dates) // 6)
            what = "New MQLs per week" if has_new else "MQLs at the week's end"
            figures.append(
                charts.figure(
                    f"mql-volume-{model.scoring_model_id}",
                    f"{what}, {model.label}",
                    charts.line_chart(
                        f"{what} at the current MQL threshold and at thresholds a few points either side",
                        series,
                        x_label="Week ending",
                        y_label="New MQLs in the week" if has_new else "MQLs",
                        x_format=short_date,
                        y_format=number,
                        x_ticks=[date.toordinal() for date in dates[::step]],
                        x_domain=(dates[0].toordinal(), dates[-1].toordinal()) if dates else None,
                    ),
                    (
                        "How many leads became MQLs in each week"
                        if has_new
                        else "How many leads were MQLs at the end of the week"
                    )
                    + " with today's threshold (solid black line) and with the threshold moved down or up "
                    "by a few points (dashed lines). Lower thresholds (blue) send more leads to sales, "
                    "higher ones (orange) fewer. Use it to see how many MQLs a week sales would get before "
                    "you change the threshold (seeds/score_thresholds.csv); the data table also has the "
                    "number of MQLs at each week's end.",
                    table_of(model_rows, columns),
                )
            )
        return section("mql-volume", title, "".join(figures))

    def backtest(self) -> str:
        title = "Monthly backtest"
        if not self.warehouse.has("rpt_scoring_model_backtest"):
            return section("backtest", title, missing("rpt_scoring_model_backtest"))
        columns = [
            "scoring_model_id",
            "is_active",
            "cohort_number",
            "cohort_date",
            "lead_count",
            "conversion_count",
            "conversion_rate",
            "roc_auc",
            "pr_auc",
            "top_decile_lift",
            "mql_count",
            "mql_conversion_rate",
            "mql_conversion_share",
        ]
        rows = self.warehouse.rows(
            f"select {', '.join(columns)} from marts.rpt_scoring_model_backtest "
            "order by scoring_model_id, cohort_date"
        )
        grouped = by_model(rows)
        dates = sorted({row["cohort_date"] for row in rows})
        single = [self.model(model_id).label for model_id, cohorts in grouped.items() if len(cohorts) == 1]
        single_cohort_note = (
            f" {escape(', '.join(single))}: evaluated on one cohort only (a single point)." if single else ""
        )
        figure = charts.figure(
            "backtest",
            "ROC AUC per monthly cohort",
            charts.line_chart(
                "ROC AUC of every model per evaluation cohort",
                [
                    model.series(
                        [
                            (row["cohort_date"].toordinal(), row["roc_auc"])
                            for row in grouped[model.scoring_model_id]
                        ]
                    )
                    for model in self.ordered(list(grouped))
                ],
                x_label="Cohort (evaluation date)",
                y_label="ROC AUC",
                x_format=short_date,
                y_format=lambda value: f"{value:.2f}",
                x_ticks=[date.toordinal() for date in dates],
                x_domain=(dates[0].toordinal() - 10, dates[-1].toordinal() + 10) if dates else None,
                y_domain=(0.5, 1.0),
                reference_y=0.5,
                reference_label="0.5 = random order",
            ),
            "The same out-of-time test repeated month by month: each point scores the leads as they stood "
            "on that date and checks who converted in the label window after it. A line that stays high "
            "and flat ranks leads reliably; a line that falls in recent months means buyer behaviour "
            "changed and the weights need a review. Dashed lines are candidate models; a gap is a cohort "
            "in which none of the model's leads converted (no AUC)." + single_cohort_note,
            table_of(rows, columns),
        )
        return section("backtest", title, figure)

    def reasons(self) -> str:
        title = "The most frequent reasons"
        if not self.warehouse.has("fct_lead_score_points", "fct_lead_scores"):
            return section("reasons", title, missing("fct_lead_score_points", "fct_lead_scores"))
        rows = self.warehouse.rows(
            f"""
            with contributions as (
                select
                    scoring_model_id,
                    rule_id,
                    min(rule_description) as rule_description,
                    min(rule_type) as rule_type,
                    count(*) as lead_count  -- one ledger row per lead, model and rule
                from marts.fct_lead_score_points
                where weighted_points > 0 and rule_type in ('fit', 'engagement')
                group by scoring_model_id, rule_id
            ),
            model_leads as (
                select scoring_model_id, count(*) as model_lead_count
                from marts.fct_lead_scores
                group by scoring_model_id
            ),
            ranked as (
                select
                    contributions.*,
                    row_number() over (
                        partition by contributions.scoring_model_id
                        order by contributions.lead_count desc, contributions.rule_id
                    ) as reason_rank,
                    contributions.lead_count / model_leads.model_lead_count as lead_share
                from contributions
                inner join model_leads on contributions.scoring_model_id = model_leads.scoring_model_id
            )
            select scoring_model_id, reason_rank, rule_id, rule_type, rule_description, lead_count, lead_share
            from ranked
            where reason_rank <= {REASONS_PER_MODEL}
            order by scoring_model_id, reason_rank
            """
        )
        grouped = by_model(rows)
        figures = []
        for model in self.ordered(list(grouped)):
            model_rows = grouped[model.scoring_model_id]
            figures.append(
                charts.figure(
                    f"reasons-{model.scoring_model_id}",
                    f"Rules that gave points to the most leads, {model.label}",
                    charts.horizontal_bar_chart(
                        f"Most frequent reasons, {model.label}",
                        [row["rule_description"] for row in model_rows],
                        [row["lead_share"] for row in model_rows],
                        colours=[RULE_TYPE_COLOURS.get(row["rule_type"], "#777777") for row in model_rows],
                        x_label="Share of the model's leads the rule added points to",
                        value_format=lambda value: percent(value, 0),
                        legend=[
                            Series(f"{rule_type} rule", [], colour)
                            for rule_type, colour in RULE_TYPE_COLOURS.items()
                        ],
                    ),
                    "The rules that added points to the most leads of this model as of the as-of date, "
                    "counted from the points ledger (a lead counts once per rule). Fit rules describe who "
                    "your leads are, engagement rules what they did. A rule almost every lead gets does "
                    "not separate good leads from the rest.",
                    table_of(
                        model_rows,
                        [
                            "reason_rank",
                            "rule_id",
                            "rule_type",
                            "rule_description",
                            "lead_count",
                            "lead_share",
                        ],
                    ),
                )
            )
        return section("reasons", title, "".join(figures))

    def render(self) -> str:
        sections = [
            self.headline(),
            self.score_distribution(),
            self.evaluation(),
            self.lift_and_gains(),
            self.calibration(),
            self.conversion_by_tier(),
            self.mql_volume(),
            self.backtest(),
            self.reasons(),
        ]
        return page(self.warehouse_name, "".join(sections))


def no_conversion_note(labels: Sequence[str]) -> str:
    if not labels:
        return ""
    return (
        f" No lead judged for {escape(', '.join(labels))} converted in the label window, so "
        f"{'its' if len(labels) == 1 else 'their'} ranking cannot be measured (shown as {DASH}, not drawn)."
    )


def tier_label(tier_type: str, tier: str) -> str:
    if tier_type == "mql":
        lowered = tier.lower()
        if lowered in ("true", "mql", "is_mql", "yes"):
            return "MQL"
        if lowered in ("false", "not_mql", "non_mql", "not mql", "no"):
            return "not MQL"
        return tier
    return tier


def offset_colour(offset: float) -> str:
    if offset == 0:
        return "#000000"
    lower = ("#0072B2", "#56B4E9")
    higher = ("#D55E00", "#E69F00")
    palette = lower if offset < 0 else higher
    return palette[0] if abs(offset) >= 10 else palette[1]


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif;
  color: #222; margin: 0 auto; max-width: 980px; padding: 0 20px 40px; line-height: 1.45; }
h1 { margin-top: 28px; } h2 { margin-top: 40px; border-bottom: 2px solid #ddd; padding-bottom: 4px; }
nav a { margin-right: 14px; }
.cards { display: flex; gap: 16px; flex-wrap: wrap; margin: 12px 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 16px; min-width: 180px; }
.card-label { color: #555; font-size: 0.9em; } .card-value { font-size: 1.6em; font-weight: 600; }
table { border-collapse: collapse; margin: 10px 0; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; }
table.summary td { white-space: nowrap; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
.share { color: #666; font-size: 0.9em; }
figure.chart { margin: 24px 0; border: 1px solid #e3e3e3; border-radius: 6px; padding: 12px; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
svg text { font-size: 12px; fill: #333; } svg text.note { fill: #555; font-style: italic; }
svg text.no-data { font-size: 18px; fill: #999; }
svg .grid { stroke: #e6e6e6; } svg .axis-line { stroke: #444; }
.how-to-read { background: #f6f8fa; border-left: 4px solid #0072B2; padding: 8px 12px; }
.missing { background: #fff4e5; border-left: 4px solid #E69F00; padding: 8px 12px; }
details summary { cursor: pointer; color: #0058a3; }
#render-status { color: #666; font-size: 0.85em; margin-top: 40px; }
"""

# Runs first: records script errors, resources that failed to load and resources the
# Content-Security-Policy blocked (anything from the network), into the DOM.
ERROR_RECORDER_SCRIPT = """
window.reportErrors = [];
window.recordReportError = function (message) {
  window.reportErrors.push(String(message));
  var root = document.documentElement;
  root.setAttribute('data-js-errors', window.reportErrors.join(' | '));
  if (document.body) {
    document.body.setAttribute('data-js-errors', window.reportErrors.join(' | '));
    document.body.setAttribute('data-render-status', 'error');
  }
};
window.onerror = function (message, source, line) {
  window.recordReportError(message + ' (' + source + ':' + line + ')');
};
window.addEventListener('error', function (event) {
  var target = event.target;
  if (target && target !== window && target.tagName) {
    window.recordReportError('failed to load ' + target.tagName + ' ' + (target.src || target.href || ''));
  }
}, true);
document.addEventListener('securitypolicyviolation', function (event) {
  window.recordReportError('blocked by the content security policy: ' + event.blockedURI);
});
"""

# Runs on load: every figure.chart needs a data mark (class "mark") of non-zero size.
RENDER_CHECK_SCRIPT = """
window.addEventListener('load', function () {
  var body = document.body, empty = [], charts = document.querySelectorAll('figure.chart');
  try {
    for (var i = 0; i < charts.length; i++) {
      var figure = charts[i], marks = figure.querySelectorAll('.mark'), drawn = false;
      var svg = figure.querySelector('svg');
      var box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
      for (var j = 0; j < marks.length && box.width > 0 && box.height > 0; j++) {
        var size = marks[j].getBBox();
        var isArea = marks[j].tagName.toLowerCase() === 'rect';
        if (isArea ? (size.width > 0 && size.height > 0) : (size.width > 0 || size.height > 0)) {
          drawn = true;
          break;
        }
      }
      if (!drawn) { empty.push(figure.getAttribute('data-chart')); }
    }
  } catch (error) {
    window.recordReportError('render check failed: ' + error);
  }
  body.setAttribute('data-chart-count', String(charts.length));
  body.setAttribute('data-empty-charts', empty.join(' '));
  var status = window.reportErrors.length ? 'error' : (empty.length ? 'empty' : 'ok');
  body.setAttribute('data-render-status', status);
  if (window.reportErrors.length) { body.setAttribute('data-js-errors', window.reportErrors.join(' | ')); }
  var line = document.getElementById('render-status');
  line.textContent = status === 'ok'
    ? 'Render check: all ' + charts.length + ' charts drawn.'
    : 'Render check: ' + status + (empty.length ? '; empty charts: ' + empty.join(', ') : '') +
      (window.reportErrors.length ? '; errors: ' + window.reportErrors.join(' | ') : '');
});
"""

NAVIGATION = (
    ("headline", "Headline"),
    ("score-distribution", "Scores"),
    ("evaluation", "Evaluation"),
    ("lift", "Lift"),
    ("calibration", "Calibration"),
    ("conversion-by-tier", "Conversion by tier"),
    ("mql-volume", "MQL volume"),
    ("backtest", "Backtest"),
    ("reasons", "Reasons"),
)


def page(warehouse_name: str, content: str) -> str:
    navigation = "".join(f'<a href="#{anchor}">{escape(label)}</a>' for anchor, label in NAVIGATION)
    policy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Lead scoring report</title>"
        f"<style>{STYLE}</style><script>{ERROR_RECORDER_SCRIPT}</script></head>"
        '<body data-render-status="pending">'
        "<h1>Lead scoring report</h1>"
        f"<p>From the warehouse <code>{escape(warehouse_name)}</code>. Every chart has a "
        "“How to read this” note and its numbers in a data table below it.</p>"
        f"<nav>{navigation}</nav>{content}"
        '<p id="render-status">Render check has not run (scripts disabled?).</p>'
        f"<script>{RENDER_CHECK_SCRIPT}</script></body></html>\n"
    )


def render(warehouse: Path, out: Path) -> str:
    """Render the report of `warehouse` (opened read-only) into `out`; returns the HTML."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        html = Report(Warehouse(connection), warehouse.name).render()
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.tmp")
    temporary.write_text(html, encoding="utf-8")
    os.replace(temporary, out)
    return html


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="published DuckDB file, opened read-only (default: LEAD_SCORING_DUCKDB_PATH or "
        f"{summary.DEFAULT_DATABASE})",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"HTML file to write (default: {DEFAULT_OUT})"
    )


def run(args: argparse.Namespace) -> int:
    warehouse = args.warehouse or summary.default_database()
    if not warehouse.exists():
        print(f"error: no warehouse at {warehouse}; run `make demo` (or make build) first")
        return 1
    started = time.perf_counter()
    html = render(warehouse, args.out)
    seconds = time.perf_counter() - started
    chart_count = html.count('<figure class="chart"')
    print(
        f"Report: {args.out.resolve()} ({chart_count} charts, {len(html.encode()) / 1024:.0f} KB, "
        f"{seconds:.2f} s) from {warehouse}"
    )
    return 0
