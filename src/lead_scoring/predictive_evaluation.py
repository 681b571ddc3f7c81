"""Evaluate the predictive score (marts.fct_lead_conversion_predictions) against the generator's truth.

A point-in-time evaluation needs outcomes the model could not see: build with an as-of date at least
one label window before the end of the data (a backtest), then take the leads that were neither
training rows nor converted on the as-of date. Their realised outcome in the truth file
(`has_converted`) is then "converted after the as-of date", inside the label window when the data end
one window after the as-of date. On those leads compare the AUC of

* the true conversion probability (the best any model can rank with lead-level information),
* the predictive model's calibrated probability,
* the default scoring model's rule-based total_score,

and the expected calibration error of the predicted probabilities (10 equal-count bins).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score


@dataclass(frozen=True)
class PredictiveEvaluation:
    evaluated_leads: int
    conversions: int
    true_probability_auc: float
    predicted_auc: float
    rule_score_auc: float
    expected_calibration_error: float
    mean_predicted: float
    conversion_rate: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def expected_calibration_error(outcome: np.ndarray, probability: np.ndarray, bins: int = 10) -> float:
    """Weighted mean |observed rate - mean prediction| over `bins` equal-count bins of the prediction."""
    order = np.argsort(probability, kind="stable")
    error = 0.0
    for part in np.array_split(order, bins):
        if part.size:
            error += part.size * abs(outcome[part].mean() - probability[part].mean())
    return error / probability.size


def evaluation_frame(database: Path, truth_file: Path, scoring_model_id: str = "default") -> pd.DataFrame:
    """Predictions, default-model total score and truth for the leads a backtest can judge."""
    with duckdb.connect(str(database), read_only=True) as connection:
        predictions = connection.execute("select * from marts.fct_lead_conversion_predictions").df()
        scores = connection.execute(
            "select lead_id, total_score from marts.fct_lead_scores where scoring_model_id = ?",
            [scoring_model_id],
        ).df()
    truth = pd.read_parquet(truth_file, columns=["lead_id", "true_conversion_probability", "has_converted"])
    frame = predictions.merge(truth, on="lead_id", how="inner").merge(scores, on="lead_id", how="left")
    frame["total_score"] = frame["total_score"].fillna(0.0)
    return frame[~frame["is_training_row"] & ~frame["is_converted"]].reset_index(drop=True)


def evaluate(database: Path, truth_file: Path) -> PredictiveEvaluation:
    frame = evaluation_frame(database, truth_file)
    outcome = frame["has_converted"].astype(bool).to_numpy()
    probability = frame["conversion_probability"].to_numpy(dtype=float)
    return PredictiveEvaluation(
        evaluated_leads=len(frame),
        conversions=int(outcome.sum()),
        true_probability_auc=float(roc_auc_score(outcome, frame["true_conversion_probability"])),
        predicted_auc=float(roc_auc_score(outcome, probability)),
        rule_score_auc=float(roc_auc_score(outcome, frame["total_score"])),
        expected_calibration_error=float(expected_calibration_error(outcome.astype(float), probability)),
        mean_predicted=float(probability.mean()),
        conversion_rate=float(outcome.mean()),
    )


def holdout_against_truth(database: Path, truth_file: Path | None = None) -> pd.DataFrame:
    """marts.rpt_scoring_model_evaluation, plus (given a truth file) the true probability's AUC per model.

    The evaluation's holdout (intermediate.int_evaluation_scores, backtest cohort 0) holds, per model,
    the leads it judged. With generated data the truth file's `true_conversion_probability` on those
    same leads is the best ranking lead-level information allows; `auc_share_of_best` is the model's
    ROC AUC over it. The true probability is the generator's lifetime conversion probability: it knows
    the lead's hidden intent but not when the buying window opens, so a model that reads the timing
    signals (recent activity bursts) can rank a 90-day window better than it.
    """
    with duckdb.connect(str(database), read_only=True) as connection:
        report = connection.execute(
            "select * from marts.rpt_scoring_model_evaluation order by model_kind desc, scoring_model_id"
        ).df()
        judged = connection.execute(
            "select scoring_model_id, lead_id, has_converted from intermediate.int_evaluation_scores "
            "where backtest_cohort_number = 0"
        ).df()
    if truth_file is None:
        return report
    truth = pd.read_parquet(truth_file, columns=["lead_id", "true_conversion_probability"])
    best = {}
    for model_id, leads in judged.groupby("scoring_model_id"):
        leads = leads.merge(truth, on="lead_id", how="inner")
        outcome = leads["has_converted"].astype(bool)
        best[model_id] = (
            float(roc_auc_score(outcome, leads["true_conversion_probability"]))
            if 0 < outcome.sum() < len(outcome)
            else float("nan")
        )
    report["true_probability_auc"] = report["scoring_model_id"].map(best)
    report["auc_share_of_best"] = report["roc_auc"] / report["true_probability_auc"]
    return report


COLUMNS = {
    "scoring_model_id": "model",
    "is_active": "active",
    "lead_count": "leads",
    "conversion_count": "conv",
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC",
    "top_decile_lift": "top-10% lift",
    "mql_conversion_rate": "MQL conv",
    "mql_conversion_share": "conv caught",
    "expected_calibration_error": "ECE",
    "true_probability_auc": "best AUC",
    "auc_share_of_best": "x best",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=Path(os.environ.get("LEAD_SCORING_DUCKDB_PATH", "warehouse/lead_scoring.duckdb")),
        help="the published DuckDB file (default: LEAD_SCORING_DUCKDB_PATH or warehouse/lead_scoring.duckdb)",
    )
    parser.add_argument(
        "--truth",
        type=Path,
        default=None,
        help="generated data only: data/truth/lead_truth.parquet, to add the best possible AUC per model",
    )


def run(args: argparse.Namespace) -> int:
    report = holdout_against_truth(args.warehouse, args.truth)
    if report.empty:
        print(f"{args.warehouse}: marts.rpt_scoring_model_evaluation is empty")
        return 1
    first = report.iloc[0]
    evaluated, window_end = str(first["evaluation_date"])[:10], str(first["label_window_end_date"])[:10]
    if first["holdout_method"] == "out_of_time":
        method = f"out of time: leads open on {evaluated}, judged on opportunities opened up to {window_end}"
    else:
        method = f"seeded random split of the leads (the data have no dates), scored as of {evaluated}"
    print(f"Evaluation holdout: {method}")
    shown = report[[c for c in COLUMNS if c in report.columns]].rename(columns=COLUMNS)
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}", na_rep="-"))
    return 0
