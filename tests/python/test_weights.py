"""`lead-scoring suggest-weights` on a small real build, and its WoE / IV arithmetic by hand.

One generated data set (2,000 leads) and a copy of the project: a partial dbt run (the models the
command reads; no history checkpoints, one backtest cohort), the command twice into the copy's
seeds, then the seed checks on the written files (`validate-config`'s dbt step) and a second run
that scores the candidate on the evaluation date E = as-of date - 90 days, where it must rank the
out-of-time holdout (leads not converted at E; outcome from the generator's truth) clearly better
than chance.

About 1 3/4 minutes on 2 shared cores, 4 with a demo build running beside it (four dbt invocations on a
copied project, the fit twice).
"""

from __future__ import annotations

import itertools
import math
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import COPY_IGNORE, PROJECT_ROOT, run_dbt
from lead_scoring import cli
from lead_scoring.generate import generate
from lead_scoring.weights import (
    SEED_COLUMNS,
    Bin,
    _piecewise_rules,
    holdout_auc,
    information_value,
    piecewise_points,
    training_cutoffs,
    woe_table,
)

LEADS = 2_000
MODEL_ID = "data_driven"
VALIDATE = ["build", "--select", "resource_type:seed", "--indirect-selection", "cautious"]


def test_woe_and_iv_match_a_hand_computation() -> None:
    # bin a: 3 converters, 1 non-converter; bin b: 1 and 3; bin c: 0 and 4 (totals 4 and 8)
    bins = pd.Series(["a"] * 4 + ["b"] * 4 + ["c"] * 4)
    label = pd.Series([1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    # textbook formula (no smoothing) on bins a and b only: WoE = ln((3/4) / (1/4)) = ln 3
    two = woe_table(bins[:8], label[:8], smoothing=0.0)
    assert two.loc["a", "woe"] == pytest.approx(math.log(3))
    assert two.loc["b", "woe"] == pytest.approx(-math.log(3))
    # IV = (3/4 - 1/4) ln 3 + (1/4 - 3/4)(-ln 3) = ln 3
    assert information_value(bins[:8], label[:8], smoothing=0.0) == pytest.approx(math.log(3))
    # smoothing 0.5 over three bins: shares (x + 0.5) / (total + 1.5)
    table = woe_table(bins, label, smoothing=0.5)
    share = {
        "a": (3.5 / 5.5, 1.5 / 9.5),
        "b": (1.5 / 5.5, 3.5 / 9.5),
        "c": (0.5 / 5.5, 4.5 / 9.5),
    }
    for key, (positive, negative) in share.items():
        assert table.loc[key, "woe"] == pytest.approx(math.log(positive / negative))
        assert table.loc[key, "rows"] == 4
    expected_iv = sum((p - n) * math.log(p / n) for p, n in share.values())
    assert information_value(bins, label, smoothing=0.5) == pytest.approx(expected_iv)
    # by hand: WoE a = ln(0.6364 / 0.1579) = 1.3938, b = -0.3008, c = -1.6507;
    # IV = 0.6669 + 0.0288 + 0.6318
    assert table.loc["a", "woe"] == pytest.approx(1.3938, abs=1e-4)
    assert table.loc["c", "woe"] == pytest.approx(-1.6507, abs=1e-4)
    assert expected_iv == pytest.approx(1.3275, abs=1e-4)


def test_count_bins_become_rules_that_add_up_to_the_bin_points() -> None:
    # bins: none (0), one (knot 1, 2 points), 2-4 (knot 3, 5 points), 5+ (knot 7, 6 points)
    bins = [Bin("n0", "none"), Bin("n1", "one"), Bin("n2", "few"), Bin("n5", "many")]
    for bin_, knot, points in zip(bins, (0, 1, 3, 7), (0.0, 2.0, 5.0, 6.0), strict=True):
        bin_.knot, bin_.points = float(knot), points
    rules = _piecewise_rules(bins)
    assert [cap for _, cap in rules] == [1, 3, 7]
    counts = np.array([0, 1, 3, 7, 50])
    # the engine: points per event x min(count, max_total), summed over the rules
    assert piecewise_points(counts, rules) == pytest.approx([0.0, 2.0, 5.0, 6.0, 6.0], abs=0.01)
    assert piecewise_points(np.array([2]), rules) == pytest.approx([3.5], abs=0.01)  # linear in between


def test_training_cutoffs_only_see_outcomes_known_at_the_evaluation_date() -> None:
    cutoffs = training_cutoffs(date(2026, 3, 31), 90, 4, 30)
    assert cutoffs[0] == date(2025, 12, 31)
    assert all(cutoff + timedelta(days=90) <= date(2026, 3, 31) for cutoff in cutoffs)
    assert [(a - b).days for a, b in itertools.pairwise(cutoffs)] == [30, 30, 30]


def _non_model_lines(path: Path) -> list[str]:
    return [
        line for line in path.read_text().splitlines(keepends=True) if not line.startswith(f"{MODEL_ID},")
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("weights")
    raw_dir, truth_dir = work / "raw", work / "truth"
    generate(raw_dir, truth_dir, leads=LEADS, events_per_lead=30)
    project = work / "project"
    shutil.copytree(PROJECT_ROOT, project, ignore=COPY_IGNORE)
    # the candidate this test writes replaces whatever candidate the repository ships
    database = work / "warehouse.duckdb"
    env = {
        "LEAD_SCORING_RAW_DIR": str(raw_dir),
        "LEAD_SCORING_DUCKDB_WORK_PATH": str(database),
        "LEAD_SCORING_DUCKDB_PATH": str(work / "published" / database.name),
    }

    def dbt(*args: str) -> None:
        variables = "{score_history_checkpoints: 0, backtest_cohorts: 1}"
        result = run_dbt(
            project, [*args, "--target-path", str(work / "target"), "--vars", variables], env=env
        )
        assert result.returncode == 0, result.stdout[-4000:]

    dbt("seed")
    dbt("run", "--select", "+int_lead_scores_as_of", "+int_lead_conversions", "+dim_leads")
    seeds = project / "seeds"
    original = {name: _non_model_lines(PROJECT_ROOT / "seeds" / name) for name in SEED_COLUMNS}
    arguments = ["suggest-weights", "--database", str(database), "--seeds-dir", str(seeds)]
    assert cli.main(arguments) == 0
    first = {name: (seeds / name).read_bytes() for name in SEED_COLUMNS}
    assert cli.main(arguments) == 0
    second = {name: (seeds / name).read_bytes() for name in SEED_COLUMNS}
    return {
        "work": work,
        "project": project,
        "database": database,
        "truth_file": truth_dir / "lead_truth.parquet",
        "dbt": dbt,
        "env": env,
        "original": original,
        "first": first,
        "second": second,
    }


def test_rerun_gives_identical_files(built: dict) -> None:
    assert built["first"] == built["second"]


def test_other_models_rows_are_untouched(built: dict) -> None:
    seeds = built["project"] / "seeds"
    for name, lines in built["original"].items():
        assert _non_model_lines(seeds / name) == lines, name


def test_candidate_is_written_inactive_with_rules_and_thresholds(built: dict) -> None:
    seeds = built["project"] / "seeds"
    models = pd.read_csv(seeds / "scoring_models.csv", dtype=str).set_index("scoring_model_id")
    assert models.loc[MODEL_ID, "is_active"] == "false"
    assert models.loc["default", "is_active"] == "true"
    fit = pd.read_csv(seeds / "fit_rules.csv", dtype=str)
    engagement = pd.read_csv(seeds / "engagement_rules.csv", dtype=str)
    thresholds = pd.read_csv(seeds / "score_thresholds.csv", dtype=str)
    assert (fit["scoring_model_id"] == MODEL_ID).sum() > 5
    assert (engagement["scoring_model_id"] == MODEL_ID).sum() > 5
    assert (thresholds["scoring_model_id"] == MODEL_ID).sum() == 1
    assert fit.loc[fit["scoring_model_id"] == MODEL_ID, "description"].str.contains(r"\(WoE [+-]\d").all()


@pytest.fixture(scope="module")
def validated_and_scored(built: dict) -> dict:
    # validate-config's dbt step on the files as written, then score the candidate on the evaluation
    # date (candidates are scored on the backtest dates only; one cohort here)
    validation = run_dbt(
        built["project"], [*VALIDATE, "--target-path", str(built["work"] / "target")], env=built["env"]
    )
    built["dbt"]("run", "--select", "+int_lead_scores_as_of", "+int_lead_conversions")
    return {
        "validation": validation,
        "auc": holdout_auc(built["database"], built["truth_file"], ["default", MODEL_ID]),
    }


def test_written_files_pass_the_configuration_checks(validated_and_scored: dict) -> None:
    validation = validated_and_scored["validation"]
    assert validation.returncode == 0, validation.stdout[-4000:]
    assert "ERROR=0" in validation.stdout and "PASS=" in validation.stdout


def test_candidate_ranks_the_holdout_clearly_better_than_chance(validated_and_scored: dict) -> None:
    auc = validated_and_scored["auc"]
    print(f"holdout AUC at 2,000 leads: {auc}")
    assert auc["conversions"] >= 10
    assert auc[MODEL_ID] >= 0.70
    assert auc[MODEL_ID] >= 0.85 * auc["true_probability"]
