"""The predictive model's training helpers on their own (no build): lead folds, Platt scaling and the
training-row cap behave as the model's docstring says."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import _SigmoidCalibration

from conftest import PROJECT_ROOT

MODEL = PROJECT_ROOT / "models" / "intermediate" / "predictive" / "int_lead_conversions_predicted.py"


@pytest.fixture(scope="module")
def model():
    spec = importlib.util.spec_from_file_location("int_lead_conversions_predicted", MODEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def training_rows(leads: int = 3_000, cutoffs: int = 4, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lead_ids = np.repeat([f"L{n:05d}" for n in range(leads)], cutoffs)
    y = rng.random(len(lead_ids)) < 0.03
    return lead_ids, y


def test_folds_partition_rows_and_keep_each_lead_in_one_fold(model) -> None:
    lead_ids, y = training_rows()
    folds = model._lead_folds(lead_ids, y)
    assert len(folds) == model.CALIBRATION_FOLDS
    tests = np.concatenate([test for _, test in folds])
    assert np.array_equal(np.sort(tests), np.arange(len(y)))  # every row tested exactly once
    for train, test in folds:
        assert not set(lead_ids[train]) & set(lead_ids[test])
        assert len(np.intersect1d(train, test)) == 0


def test_folds_are_stratified_by_converted_leads(model) -> None:
    lead_ids, y = training_rows()
    converted_leads = set(lead_ids[y])
    per_fold = [len(set(lead_ids[test]) & converted_leads) for _, test in model._lead_folds(lead_ids, y)]
    assert max(per_fold) - min(per_fold) <= 1, per_fold


def test_platt_scaling_matches_scikit_learns_sigmoid_calibration(model) -> None:
    rng = np.random.default_rng(7)
    decision = rng.normal(size=5_000)
    y = rng.random(5_000) < 1 / (1 + np.exp(-(1.7 * decision - 2.0)))
    slope, intercept = model._platt(decision, y)
    reference = _SigmoidCalibration().fit(decision, y)  # P = 1 / (1 + exp(a * f + b))
    assert slope == pytest.approx(-reference.a_, abs=1e-3)
    assert intercept == pytest.approx(-reference.b_, abs=1e-3)
    assert slope == pytest.approx(1.7, abs=0.2) and intercept == pytest.approx(-2.0, abs=0.2)


def test_training_rows_are_capped_by_whole_leads(model) -> None:
    lead_ids, y = training_rows(leads=3_000, cutoffs=4)
    training = pd.DataFrame({"lead_id": lead_ids, "row": np.arange(len(y))})
    sampled, sampled_y = model._sample_leads(training, y, max_rows=5_000)
    assert 4_990 <= len(sampled) <= 5_000
    assert (sampled.groupby("lead_id").size() == 4).all()  # whole leads: all four cutoffs
    assert np.array_equal(sampled_y, y[sampled["row"].to_numpy()])
    again, _ = model._sample_leads(training, y, max_rows=5_000)
    assert again["row"].equals(sampled["row"])  # seeded
    unchanged, unchanged_y = model._sample_leads(training, y, max_rows=20_000)
    assert len(unchanged) == len(training) and np.array_equal(unchanged_y, y)
