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
