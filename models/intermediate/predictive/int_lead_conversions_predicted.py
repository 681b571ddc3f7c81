"""One row per prediction run and canonical lead: the calibrated chance of converting in the label window.

A dbt Python model (runs in-process on DuckDB; disabled on PostgreSQL and Spark in dbt_project.yml).
It only trains and predicts: features come from int_lead_features_as_of (SQL, point in time), labels
and training rows from int_lead_conversion_labels, the feature list and the words of the reasons
from the predictive_features seed.

* Training rows: leads at the training cutoff (as-of date minus `prediction_label_window_days`) that
  had not converted, with the label "converted in the window after the cutoff". Above
  `prediction_max_training_rows` (var), a seeded random sample of whole leads that fills it: a
  uniform sample keeps the conversion rate, so the calibration holds, and bounds time and memory.
* Scoring rows: every lead, with its features as of the as-of date.
* Memory: labels and features are joined, filtered and ordered in DuckDB and loaded one run and role
  at a time (above the training cap, the sampled leads' rows only: their ids are drawn from the
  lead ids alone); scoring goes in batches of SCORING_BATCH_ROWS rows. One BLAS thread.
* Algorithm: config `predictive_algorithm` (var of the same name): `logistic_regression` (one-hot
  categoricals, log-scaled and standardised counts, splines on size and age) or `gradient_boosting`
  (HistGradientBoostingClassifier with native categoricals). Both are calibrated with Platt scaling
  on out-of-fold decision values (5 folds of whole leads, stratified by whether the lead converted),
  and the model that scores is the one fitted on every training row. The encoding (one-hot
  categories, imputation, scaling) is fitted once on every training row, not per fold: it uses no
  labels. Logistic regression folds start from the full fit's coefficients (warm start).
* Reasons: the three features that move the lead's log-odds most against the average training lead:
  coefficient x (standardised value - its mean) for logistic regression; for gradient boosting the
  change in log-odds when the feature is set to the training median / most frequent value.
* Runs (int_prediction_dates): `current` trains on the outcomes known at the as-of date and scores
  every lead as of it (the published fct_lead_conversion_predictions); `holdout` does the same as of
  the evaluation date, one label window earlier, for the out-of-time evaluation (no reasons). With too
  few conversions before the evaluation date the holdout run is skipped (the evaluation reports then
  have no predictive row); the current run fails the build with the counts instead.
* Deterministic: rows sorted by lead_id, fixed seeds, no wall clock (dates come from the data).
* Fits are kept: a run's fitted model (encoding, classifier, Platt scaling, the training reference
  the reasons are measured against) is stored in `<schema>.int_lead_conversions_predicted__fits`
  under a fingerprint of everything the fit reads (the training rows and labels, the algorithm, the
  feature catalogue, this file's code, the library versions). A later run whose fingerprint is the
  same scores with the stored fit instead of fitting again: the training cutoffs sit on the calendar
  (int_prediction_dates), so daily runs within a week reuse the fit, and the result is the same as a
  new fit (deterministic). `--vars '{prediction_reuse_fit: false}'` always fits anew.
"""

from __future__ import annotations

import hashlib
import time
import types
from typing import Any

import cloudpickle
import duckdb
import numpy as np
import pandas as pd
import scipy
import sklearn
from scipy.optimize import minimize
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    OrdinalEncoder,
    SplineTransformer,
    StandardScaler,
)
from threadpoolctl import threadpool_limits

ALGORITHMS = ("logistic_regression", "gradient_boosting")
FEATURE_KINDS = ("categorical", "numeric", "count", "recency", "flag")
SEED = 20260701
CALIBRATION_FOLDS = 5
MIN_CATEGORY_ROWS = 10
MISSING = "(none)"
SCORING_BATCH_ROWS = 100_000  # scoring rows per batch (bounds memory, not results)
MIN_REASON_EFFECT = 0.02  # log-odds; smaller effects are not worth a sales rep's attention


def _log1p(values: np.ndarray) -> np.ndarray:
    return np.log1p(np.clip(values.astype(float), 0, None))


def _prepare(features: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Model input: categoricals as lower-case text (missing = '(none)'), everything else float."""
    prepared = pd.DataFrame(index=features.index)
    for name, kind in zip(catalogue["feature_name"], catalogue["feature_kind"], strict=True):
        column = features[name]
        if kind == "categorical":
            prepared[name] = column.astype("object").where(column.notna(), MISSING).astype(str).str.strip()
            prepared[name] = prepared[name].str.lower().replace("", MISSING)
        else:
            prepared[name] = pd.to_numeric(column.astype("object"), errors="coerce").astype(float)
    return prepared


def _logistic_regression(catalogue: pd.DataFrame) -> Pipeline:
    kinds = dict(zip(catalogue["feature_name"], catalogue["feature_kind"], strict=True))

    def named(*wanted: str) -> list[str]:
        return [name for name, kind in kinds.items() if kind in wanted]

    def log_scale() -> FunctionTransformer:
        return FunctionTransformer(_log1p, feature_names_out="one-to-one")

    prepare = ColumnTransformer(
        [
            (
                "categorical",
                OneHotEncoder(
                    handle_unknown="infrequent_if_exist",
                    min_frequency=MIN_CATEGORY_ROWS,
                    sparse_output=False,
                    feature_name_combiner=lambda feature, category: f"{feature}={category}",
                ),
                named("categorical"),
            ),
            # Size, revenue and age act non-linearly (a bump around mid-market): splines on log scale.
            (
                "numeric",
                make_pipeline(
                    log_scale(),
                    SimpleImputer(strategy="median", add_indicator=True),
                    SplineTransformer(n_knots=5, degree=3, extrapolation="constant"),
                    StandardScaler(),
                ),
                named("numeric"),
            ),
            (
                "recency",
                make_pipeline(
                    log_scale(),
                    SimpleImputer(strategy="constant", fill_value=np.log1p(400), add_indicator=True),
                    StandardScaler(),
                ),
                named("recency"),
            ),
            (
                "count",
                make_pipeline(
                    log_scale(), SimpleImputer(strategy="constant", fill_value=0.0), StandardScaler()
                ),
                named("count", "flag"),
            ),
        ],
        sparse_threshold=0.0,
    )
    return Pipeline(
        [
            ("prepare", prepare),
            ("classify", LogisticRegression(C=0.05, max_iter=5000, random_state=SEED, warm_start=True)),
        ]
    )


def _owner(encoded_name: str) -> str:
    """The input feature an encoded column comes from: 'categorical__industry=software' -> 'industry'."""
    name = encoded_name.split("__", 1)[1].split("=", 1)[0].removeprefix("missingindicator_")
    return name.rsplit("_sp_", 1)[0] if "_sp_" in name else name


def _gradient_boosting(catalogue: pd.DataFrame) -> Pipeline:
    categorical = [n for n, k in zip(catalogue["feature_name"], catalogue["feature_kind"], strict=True)
                   if k == "categorical"]  # fmt: skip
    other = [n for n in catalogue["feature_name"] if n not in categorical]
    encoder = OrdinalEncoder(
        handle_unknown="use_encoded_value",
        unknown_value=np.nan,
        encoded_missing_value=np.nan,
        min_frequency=MIN_CATEGORY_ROWS,
    )
    prepare = ColumnTransformer(
        [("categorical", encoder, categorical), ("other", "passthrough", other)],
        sparse_threshold=0.0,
        verbose_feature_names_out=False,
    )
    classify = HistGradientBoostingClassifier(
        learning_rate=0.08,
        max_iter=150,
        max_leaf_nodes=15,
        min_samples_leaf=40,
        l2_regularization=1.0,
        categorical_features=list(range(len(categorical))),
        early_stopping=False,
        random_state=SEED,
    )
    return Pipeline([("prepare", prepare), ("classify", classify)])


def _reference(
    fitted: Pipeline, x_train: pd.DataFrame, algorithm: str, kinds: dict[str, str]
) -> np.ndarray | dict[str, Any]:
    """What the reasons compare a lead with: the mean encoded training row (logistic regression) or
    each feature's training median / most frequent value (gradient boosting)."""
    if algorithm == "logistic_regression":
        return np.asarray(fitted.named_steps["prepare"].transform(x_train).mean(axis=0))
    return {
        name: column.mode().sort_values().iloc[0] if kinds[name] == "categorical" else column.median()
        for name, column in x_train.items()
    }


def _linear_contributions(
    fitted: Pipeline, centre: np.ndarray, x: pd.DataFrame, encoded: np.ndarray
) -> pd.DataFrame:
    """Per feature: sum over its encoded columns (`encoded`: x encoded by the fit) of coefficient x
    (value - training mean)."""
    prepare, classify = fitted.named_steps["prepare"], fitted.named_steps["classify"]
    per_column = (encoded - centre) * classify.coef_[0]
    owners = [_owner(name) for name in prepare.get_feature_names_out()]
    return pd.DataFrame(per_column, columns=owners, index=x.index).T.groupby(level=0, sort=False).sum().T


def _perturbation_contributions(
    fitted: Pipeline, typical_values: dict[str, Any], x: pd.DataFrame, encoded: np.ndarray, base: np.ndarray
) -> pd.DataFrame:
    """Per feature: log-odds minus log-odds with the feature set to the training median / mode.

    `encoded` is x encoded by the fit, `base` its decision values. The perturbation is made in the
    encoded matrix (encoding is row by row, so the typical value encodes the same alone as in any
    row); only rows whose value differs from the typical one are predicted again, the others'
    contribution is exactly 0."""
    prepare, classify = fitted.named_steps["prepare"], fitted.named_steps["classify"]
    typical = prepare.transform(pd.DataFrame([typical_values], columns=x.columns))[0]
    position = {name: index for index, name in enumerate(prepare.get_feature_names_out())}
    contributions = {}
    for name in x.columns:
        column, value = position[name], typical[position[name]]
        same = encoded[:, column] == value if not np.isnan(value) else np.isnan(encoded[:, column])
        differs = np.flatnonzero(~same)
        contribution = np.zeros(len(encoded))
        if len(differs):
            perturbed = encoded[differs]
            perturbed[:, column] = value
            contribution[differs] = base[differs] - classify.decision_function(perturbed)
        contributions[name] = contribution
    return pd.DataFrame(contributions, index=x.index)


def _value_text(value: Any, kind: str) -> str:
    if kind == "categorical":
        return "none on record" if value == MISSING else str(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "none yet" if kind == "recency" else "unknown"
    if kind == "flag":
        return "yes" if value else "no"
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:,.1f}M"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _reasons(contributions: pd.DataFrame, x: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The three largest effects per lead in words: 'Pricing page views in the last 30 days: 3 (raises)'.
    An effect under MIN_REASON_EFFECT ends a lead's list. Vectorised per position and feature: only the
    chosen cells are put in words."""
    describe = dict(zip(catalogue["feature_name"], catalogue["description"], strict=True))
    kinds = dict(zip(catalogue["feature_name"], catalogue["feature_kind"], strict=True))
    names = np.array(contributions.columns)
    values = contributions.to_numpy()
    # Largest absolute effect first; ties by feature name (stable sort over name-sorted columns).
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :3]
    effects = np.take_along_axis(values, order, axis=1)
    kept = np.logical_and.accumulate(~(np.abs(effects) < MIN_REASON_EFFECT), axis=1)
    reasons = {}
    for position in range(order.shape[1]):
        words = np.full(len(values), None, dtype=object)
        for column_index, name in enumerate(names):
            chosen = np.flatnonzero(kept[:, position] & (order[:, position] == column_index))
            if len(chosen) == 0:
                continue
            cells = x[name].to_numpy()[chosen]
            directions = np.where(effects[chosen, position] > 0, "raises", "lowers")
            words[chosen] = [
                f"{describe[name]}: {_value_text(value, kinds[name])} ({direction})"
                for value, direction in zip(cells, directions, strict=True)
            ]
        reasons[f"reason_{position + 1}"] = words
    for position in range(order.shape[1], 3):
        reasons[f"reason_{position + 1}"] = np.full(len(values), None, dtype=object)
    return pd.DataFrame(reasons, index=x.index)


def model(dbt: Any, session: Any) -> pd.DataFrame:
    dbt.config(materialized="table")
    # One BLAS thread: the matrices are small (up to 250,000 training rows, a few hundred columns),
    # and a second BLAS thread spins against the SQL models dbt runs beside this one: at 10,000 leads
    # the logistic fits took 5.2 s of CPU with two threads, 1.4 s with one. One thread also makes the
    # fitted coefficients the same on machines with different core counts (BLAS sums per thread).
    with threadpool_limits(limits=1, user_api="blas"):
        predictions = _model(dbt, session)
    return predictions


def _model(dbt: Any, session: Any) -> pd.DataFrame:
    algorithm = dbt.config.get("predictive_algorithm")
    if algorithm not in ALGORITHMS:
        raise ValueError(f"predictive_algorithm must be one of {ALGORITHMS}, got {algorithm!r}")

    max_training_rows = int(dbt.config.get("prediction_max_training_rows"))
    reuse_fit = dbt.config.get("reuse_fit")
    fits = _FitStore(session, dbt.this, reuse=str(reuse_fit).lower() == "true")
    catalogue = dbt.ref("predictive_features").df()
    catalogue = (
        catalogue[catalogue["is_enabled"].astype(bool)].sort_values("feature_name").reset_index(drop=True)
    )
    unknown_kinds = sorted(set(catalogue["feature_kind"]) - set(FEATURE_KINDS))
    if unknown_kinds:
        raise ValueError(
            f"predictive_features: unknown feature_kind {unknown_kinds}; use one of {FEATURE_KINDS}"
        )
    # The rows are joined, filtered and ordered in DuckDB and loaded one run and role at a time, only
    # the columns and rows each step needs: the whole labels x features frame is never in memory
    # (at 1M leads it would be several GB beside DuckDB's own memory).
    features = dbt.ref("int_lead_features_as_of")
    missing = sorted(set(catalogue["feature_name"]) - set(features.columns))
    if missing:
        raise ValueError(
            f"predictive_features names columns int_lead_features_as_of does not have: {missing}"
        )
    labels = dbt.ref("int_lead_conversion_labels")
    rows = labels.join(features, "lead_id, feature_date")
    run_names = sorted(run for (run,) in labels.project("prediction_run").distinct().fetchall())
    if dbt.config.get("evaluation_holdout") == "random_split":
        # Data without dates: learn "converted at all" from the leads outside a seeded random split
        # (the evaluation's holdout), as of the as-of date; score every lead (run current) and
        # repeat the holdout leads' scores as run holdout.
        current = _load(_scoring_rows(rows, "current"))
        in_holdout = current["is_random_holdout"].astype(bool)
        training = current[~in_holdout & ~current["is_deleted_at_feature_date"].astype(bool)]
        training = training.reset_index(drop=True)
        y = training["is_converted_at_feature_date"].astype(bool).to_numpy()
        _check_enough(y, training["feature_date"], "current")
        training, y = _sample_leads(training, y, max_training_rows)
        scored = _predict(training, y, current, "current", algorithm, catalogue, fits)
        holdout = scored[in_holdout.to_numpy()].assign(prediction_run="holdout")
        runs = [scored, holdout]
    else:
        runs = []
        for run in run_names:
            in_run = _training_rows(rows, run)
            keys = in_run.project("lead_id, feature_date, has_converted_in_label_window").df()
            y = keys["has_converted_in_label_window"].astype(bool).to_numpy()
            if run == "holdout" and not _enough(y):
                # The evaluation's holdout run is left out (no predictive row in the evaluation
                # reports) rather than failing the build when history is too short to learn from.
                continue
            _check_enough(y, keys["feature_date"], run)
            kept = _kept_rows(keys["lead_id"].to_numpy(), max_training_rows)
            if not kept.all():  # only the sampled leads' rows are loaded
                kept_leads = pd.DataFrame({"lead_id": np.unique(keys["lead_id"].to_numpy()[kept])})
                in_run = in_run.join(session.from_df(kept_leads), "lead_id")
            del keys
            training = _load(in_run)
            y = training["has_converted_in_label_window"].astype(bool).to_numpy()
            scoring = _load(_scoring_rows(rows, run))
            runs.append(_predict(training, y, scoring, run, algorithm, catalogue, fits))
            del training, scoring
    return (
        pd.concat(runs, ignore_index=True).sort_values(["prediction_run", "lead_id"]).reset_index(drop=True)
    )


def _training_rows(rows: Any, run: str) -> Any:
    """The relation of a run's training rows."""
    return _in_run(rows, run, duckdb.ColumnExpression("is_training_row"))


def _scoring_rows(rows: Any, run: str) -> Any:
    """The relation of a run's scoring rows."""
    return _in_run(
        rows, run, duckdb.ColumnExpression("feature_date_role") == duckdb.ConstantExpression("scoring")
    )


def _in_run(rows: Any, run: str, condition: Any) -> Any:
    """The rows of prediction run `run` that meet `condition` (a DuckDB expression)."""
    in_run = duckdb.ColumnExpression("prediction_run") == duckdb.ConstantExpression(run)
    return rows.filter(in_run & condition)


def _load(relation: Any) -> pd.DataFrame:
    """A relation's rows as a frame in a fixed order (feature date, lead): one row per lead and date."""
    return relation.order("feature_date, lead_id").df()


def _check_enough(y: np.ndarray, feature_dates: pd.Series, run: str) -> None:
    if not _enough(y):
        raise ValueError(
            f"Too few training rows to train the predictive model ({run} run): {y.sum()} conversions and "
            f"{(~y).sum()} non-conversions in the label window after {feature_dates.min()}"
        )


def _enough(y: np.ndarray) -> bool:
    """Enough conversions and non-conversions for the calibration folds."""
    return bool(y.sum() >= CALIBRATION_FOLDS * 2 and (~y).sum() >= CALIBRATION_FOLDS * 2)


def _lead_folds(lead_ids: np.ndarray, y: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """CALIBRATION_FOLDS folds of whole leads (a lead trains at several cutoffs), stratified by whether
    the lead ever converted: leads in a seeded random order, dealt round-robin within each stratum."""
    leads, inverse = np.unique(lead_ids, return_inverse=True)
    converted = np.zeros(len(leads), dtype=bool)
    np.logical_or.at(converted, inverse, y)
    order = np.random.default_rng(SEED).permutation(len(leads))
    fold_of_lead = np.empty(len(leads), dtype=int)
    for stratum in (False, True):
        members = order[converted[order] == stratum]
        fold_of_lead[members] = np.arange(len(members)) % CALIBRATION_FOLDS
    fold_of_row = fold_of_lead[inverse]
    return [
        (np.flatnonzero(fold_of_row != fold), np.flatnonzero(fold_of_row == fold))
        for fold in range(CALIBRATION_FOLDS)
    ]


def _platt(decision: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling: slope and intercept of P(y) = 1 / (1 + exp(-(slope * decision + intercept))),
    fitted by maximum likelihood on Platt's smoothed targets (as scikit-learn's sigmoid calibration)."""
    positives = int(y.sum())
    negatives = len(y) - positives
    target = np.where(y, (positives + 1.0) / (positives + 2.0), 1.0 / (negatives + 2.0))

    def loss_and_gradient(params: np.ndarray) -> tuple[float, np.ndarray]:
        logit = params[0] * decision + params[1]
        probability = 1.0 / (1.0 + np.exp(-logit))
        loss = np.sum(np.logaddexp(0.0, logit) - target * logit)
        residual = probability - target
        return float(loss), np.array([np.dot(residual, decision), residual.sum()])

    result = minimize(loss_and_gradient, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return float(result.x[0]), float(result.x[1])


def _kept_rows(lead_ids: np.ndarray, max_rows: int) -> np.ndarray:
    """Which training rows stay: all up to `max_rows`, above it whole leads in a seeded random order
    until it is full (a mask over `lead_ids`, one entry per row)."""
    if len(lead_ids) <= max_rows:
        return np.ones(len(lead_ids), dtype=bool)
    leads, inverse, rows_per_lead = np.unique(lead_ids, return_inverse=True, return_counts=True)
    order = np.random.default_rng(SEED).permutation(len(leads))
    kept_leads = np.zeros(len(leads), dtype=bool)
    kept_leads[order[np.cumsum(rows_per_lead[order]) <= max_rows]] = True
    return kept_leads[inverse]


def _sample_leads(training: pd.DataFrame, y: np.ndarray, max_rows: int) -> tuple[pd.DataFrame, np.ndarray]:
    """At most about `max_rows` training rows: whole leads in a seeded random order until it is full."""
    kept = _kept_rows(training["lead_id"].to_numpy(), max_rows)
    if kept.all():
        return training, y
    return training[kept].reset_index(drop=True), y[kept]


def _predict(
    training: pd.DataFrame,
    y: np.ndarray,
    scoring: pd.DataFrame,
    run: str,
    algorithm: str,
    catalogue: pd.DataFrame,
    fits: _FitStore,
) -> pd.DataFrame:
    """Train on `training` rows (sampled) with labels `y` (or reuse the stored fit of the same rows),
    score `scoring`; reasons for the published run only."""
    fingerprint = _training_fingerprint(training, y, algorithm, catalogue)
    fit = fits.get(run, fingerprint)
    if fit is None:
        started = time.perf_counter()
        fit = _fit(training, y, algorithm, catalogue)
        fits.put(run, fingerprint, fit, time.perf_counter() - started)

    # Scored in batches of rows (every step is row by row): memory stays bounded at millions of leads.
    batches = range(0, max(len(scoring), 1), SCORING_BATCH_ROWS)
    scored = pd.concat(
        _score(fit, scoring.iloc[start : start + SCORING_BATCH_ROWS], run, algorithm, catalogue)
        for start in batches
    )
    return pd.DataFrame(
        {
            "prediction_run": run,
            "lead_id": scoring["lead_id"],
            "conversion_probability": scored["conversion_probability"],
            "is_training_row": scoring["lead_id"].isin(fit["training_leads"]),
            "is_converted": scoring["is_converted_at_feature_date"].astype(bool),
            "reason_1": scored["reason_1"],
            "reason_2": scored["reason_2"],
            "reason_3": scored["reason_3"],
            "predictive_algorithm": algorithm,
            "feature_date": scoring["feature_date"],
            **fit["meta"],
            "training_fingerprint": fingerprint,
        }
    )


def _score(
    fit: dict[str, Any], scoring: pd.DataFrame, run: str, algorithm: str, catalogue: pd.DataFrame
) -> pd.DataFrame:
    """Calibrated probability and (published run only) the three reasons of some scoring rows."""
    fitted = fit["fitted"]
    x_score = _prepare(scoring, catalogue)
    encoded = fitted.named_steps["prepare"].transform(x_score)
    decision = fitted.named_steps["classify"].decision_function(encoded)
    probability = 1.0 / (1.0 + np.exp(-(fit["slope"] * decision + fit["intercept"])))
    if run == "current":
        if algorithm == "logistic_regression":
            contributions = _linear_contributions(fitted, fit["reference"], x_score, encoded)
        else:
            contributions = _perturbation_contributions(fitted, fit["reference"], x_score, encoded, decision)
        reasons = _reasons(contributions[sorted(contributions.columns)], x_score, catalogue)
    else:
        reasons = pd.DataFrame(
            index=x_score.index, columns=["reason_1", "reason_2", "reason_3"], dtype=object
        )
    return reasons.assign(conversion_probability=probability.astype(float))


def _fit(training: pd.DataFrame, y: np.ndarray, algorithm: str, catalogue: pd.DataFrame) -> dict[str, Any]:
    """Fit the encoding and classifier on every training row, Platt scaling on out-of-fold decision
    values; with what scoring needs besides (the reasons' reference, the training leads, metadata)."""
    x_train = _prepare(training, catalogue)
    pipeline = (
        _logistic_regression(catalogue)
        if algorithm == "logistic_regression"
        else _gradient_boosting(catalogue)
    )
    prepare, classifier = pipeline.named_steps["prepare"], pipeline.named_steps["classify"]
    encoded_train = prepare.fit_transform(x_train)
    classifier.fit(encoded_train, y)
    out_of_fold = np.empty(len(y))
    for fold_train, fold_test in _lead_folds(training["lead_id"].to_numpy(), y):
        fold_classifier = clone(classifier)
        if algorithm == "logistic_regression":
            # warm start: the fold's fit starts from the full fit, a few iterations away
            fold_classifier.coef_ = classifier.coef_.copy()
            fold_classifier.intercept_ = classifier.intercept_.copy()
        fold_classifier.fit(encoded_train[fold_train], y[fold_train])
        out_of_fold[fold_test] = fold_classifier.decision_function(encoded_train[fold_test])
    slope, intercept = _platt(out_of_fold, y)
    fitted = Pipeline([("prepare", prepare), ("classify", classifier)])
    kinds = dict(zip(catalogue["feature_name"], catalogue["feature_kind"], strict=True))
    return {
        "fitted": fitted,
        "slope": slope,
        "intercept": intercept,
        "reference": _reference(fitted, x_train, algorithm, kinds),
        "training_leads": np.unique(training["lead_id"].to_numpy()),
        "meta": {
            "training_cutoff_date": training["feature_date"].max(),
            "earliest_training_cutoff_date": training["feature_date"].min(),
            "label_window_days": int(
                (training["label_window_end_date"].iloc[0] - training["feature_date"].iloc[0]).days
            ),
            "training_row_count": len(training),
            "training_conversion_count": int(y.sum()),
        },
    }


def _code_digest(code: types.CodeType, digest: Any) -> None:
    """Feed a function's bytecode, names and constants (nested functions too) to `digest`; not its
    file name or line numbers, which change with where dbt writes the compiled model."""
    digest.update(code.co_code)
    digest.update(repr(code.co_names).encode())
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            _code_digest(constant, digest)
        else:
            digest.update(repr(constant).encode())


def _training_fingerprint(
    training: pd.DataFrame, y: np.ndarray, algorithm: str, catalogue: pd.DataFrame
) -> str:
    """Everything a fit depends on: training rows (the columns it reads, in order), labels,
    algorithm, feature catalogue, the code of this file's functions and the library versions."""
    digest = hashlib.sha256()
    columns = ["lead_id", "feature_date", "label_window_end_date", *catalogue["feature_name"]]
    digest.update(pd.util.hash_pandas_object(training[columns], index=False).to_numpy().tobytes())
    digest.update(np.ascontiguousarray(y, dtype=bool).tobytes())
    digest.update(algorithm.encode())
    digest.update(catalogue.to_csv(index=False).encode())
    for name in sorted(globals()):
        value = globals()[name]
        if isinstance(value, types.FunctionType) and value.__module__ == __name__:
            digest.update(name.encode())
            _code_digest(value.__code__, digest)
    for module in (np, pd, scipy, sklearn, cloudpickle):
        digest.update(f"{module.__name__}={module.__version__}".encode())
    return digest.hexdigest()


class _FitStore:
    """Fits by prediction run and training fingerprint, in a table beside this model (the work copy
    dbt builds, published with it). One fit per run is kept: the latest."""

    def __init__(self, session: Any, this: Any, reuse: bool) -> None:
        self.session, self.reuse = session, reuse
        self.table = f'"{this.database}"."{this.schema}"."{this.identifier}__fits"'
        session.execute(
            f"create table if not exists {self.table} (prediction_run varchar, training_fingerprint varchar, "
            "fit blob, fit_seconds double, reuse_count integer)"
        )

    def get(self, run: str, fingerprint: str) -> dict[str, Any] | None:
        if not self.reuse:
            return None
        found = self.session.execute(
            f"select fit from {self.table} where prediction_run = ? and training_fingerprint = ?",
            [run, fingerprint],
        ).fetchone()
        if found is None:
            return None
        self.session.execute(
            f"update {self.table} set reuse_count = reuse_count + 1 where prediction_run = ?", [run]
        )
        return cloudpickle.loads(found[0])

    def put(self, run: str, fingerprint: str, fit: dict[str, Any], seconds: float) -> None:
        self.session.execute(f"delete from {self.table} where prediction_run = ?", [run])
        self.session.execute(
            f"insert into {self.table} values (?, ?, ?, ?, 0)",
            [run, fingerprint, cloudpickle.dumps(fit), seconds],
        )
