"""Bad scoring configuration is rejected by the seed tests before any model is built.

The validation step that `make build` runs first is
`dbt build --select resource_type:seed --indirect-selection cautious`: load every seed and run the
tests that read only seeds. One copy of the project gets every bad edit below, each on a different
row; validation runs once (dbt parses a copied project from scratch, ~15 s) and every case must be
named among the failing checks. The unbroken configuration must pass the same step, so these
tests can fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import COPY_IGNORE, PROJECT_ROOT, run_dbt

VALIDATE = ["build", "--select", "resource_type:seed", "--indirect-selection", "cautious"]

# case: (seed file, text to replace, replacement, check that must fail)
BAD_CONFIGURATIONS = {
    "unknown_operator": (
        "fit_rules.csv",
        "default,fit_director,persona,seniority,equals,director,",
        "default,fit_director,persona,seniority,sounds_like,director,",
        "accepted_values_fit_rules_operator",
    ),
    "non_numeric_points": (
        "fit_rules.csv",
        "default,fit_manager,persona,seniority,equals,manager,10,",
        "default,fit_manager,persona,seniority,equals,manager,ten,",
        "is_numeric_fit_rules_points",
    ),
    "duplicate_rule_id": (
        "fit_rules.csv",
        "default,fit_smb,company_size,",
        "default,fit_micro,company_size,",
        "unique_combination_of_columns_fit_rules",
    ),
    "half_life_not_positive": (
        "engagement_rules.csv",
        "default,eng_pricing_view,web_intent,pricing_page_view,,,,8,14,",
        "default,eng_pricing_view,web_intent,pricing_page_view,,,,8,0,",
        "accepted_range_engagement_rules_half_life_days",
    ),
    "thresholds_out_of_order": (
        "score_thresholds.csv",
        "default,55,30,",
        "default,25,30,",
        "expression_is_true_score_thresholds",
    ),
    "rule_for_unknown_model": (
        "fit_rules.csv",
        "default,fit_budget,",
        "defualt,fit_budget,",
        "relationships_fit_rules_scoring_model_id",
    ),
    "rule_id_shared_by_fit_and_engagement_rules": (
        "engagement_rules.csv",
        "default,eng_call,",
        "default,fit_free_mail,",
        "assert_rule_ids_unique_across_rule_seeds",
    ),
    "between_without_two_numbers": (
        "fit_rules.csv",
        "default,fit_mid_market,company_size,employee_count,between,200|2000,",
        "default,fit_mid_market,company_size,employee_count,between,200,",
        "assert_rule_values_fit_their_operator",
    ),
    "weights_not_summing_to_one": (
        "scoring_models.csv",
        ",0.5,0.5,true",
        ",0.5,0.6,true",
        "expression_is_true_scoring_models",
    ),
    "segment_on_unknown_attribute": (
        "scoring_models.csv",
        ",employee_count,gte,1000,",
        ",employees,gte,1000,",
        "relationships_scoring_models_segment_attribute",
    ),
    "rule_on_unknown_attribute": (
        "fit_rules.csv",
        "enterprise,fit_director,persona,seniority,",
        "enterprise,fit_director,persona,senority,",
        "relationships_fit_rules_attribute_name",
    ),
    "group_without_definition": (
        "fit_rules.csv",
        "default,fit_served_country,geography,",
        "default,fit_served_country,geograhpy,",
        "relationships_composite_fit_rules",
    ),
}


def validate(project: Path) -> tuple[int, list[str]]:
    result = run_dbt(
        project,
        [*VALIDATE, "--target-path", str(project / "target")],
        env={"LEAD_SCORING_DUCKDB_PATH": str(project / "validation.duckdb")},
    )
    lines = (result.stdout + result.stderr).splitlines()
    return result.returncode, lines


def validate_with_cli(project: Path) -> tuple[int, list[str]]:
    """`lead-scoring validate-config`: the same checks, reported per seed with the offending rows."""
    result = subprocess.run(
        [sys.executable, "-m", "lead_scoring.cli", "validate-config", "--project-dir", str(project)],
        env={
            **os.environ,
            "DO_NOT_TRACK": "1",
            "DBT_PROFILES_DIR": str(project),
            "LEAD_SCORING_DUCKDB_PATH": str(project / "validation.duckdb"),
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return result.returncode, (result.stdout + result.stderr).splitlines()


def copy_project(destination: Path) -> Path:
    shutil.copytree(PROJECT_ROOT, destination, ignore=COPY_IGNORE)
    return destination


@pytest.fixture(scope="module")
def broken_validation(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, list[str]]:
    project = copy_project(tmp_path_factory.mktemp("broken") / "project")
    for seed_file, old, new, _ in BAD_CONFIGURATIONS.values():
        path = project / "seeds" / seed_file
        text = path.read_text()
        assert old in text, f"fixture drifted: {old!r} not in {seed_file}"
        path.write_text(text.replace(old, new, 1))
    return validate_with_cli(project)


def test_shipped_configuration_is_valid(tmp_path: Path) -> None:
    code, lines = validate(copy_project(tmp_path / "project"))
    assert code == 0, "\n".join(lines)
    assert any("ERROR=0" in line for line in lines)


def test_bad_configuration_fails_validation(broken_validation: tuple[int, list[str]]) -> None:
    code, lines = broken_validation
    assert code == 1, "\n".join(lines)
    assert lines[0].startswith("Invalid scoring configuration")
    assert not any("Traceback" in line for line in lines)


@pytest.mark.parametrize("case", sorted(BAD_CONFIGURATIONS))
def test_each_bad_edit_is_named_with_its_seed_and_row(
    broken_validation: tuple[int, list[str]], case: str
) -> None:
    seed_file, _, replacement, failing_check = BAD_CONFIGURATIONS[case]
    lines = broken_validation[1]
    named = [index for index, line in enumerate(lines) if failing_check in line]
    assert named, "\n".join(lines)
    index = named[0]
    assert f"seeds/{seed_file}" in lines[index].split(": ")[0], lines[index]
    # the offending rows follow the check's line; one of them holds the edited value
    rows = []
    for line in lines[index + 1 :]:
        if not line.strip().startswith("offending row:"):
            break
        rows.append(line)
    changed = [value for value in replacement.split(",") if value and value not in lines[index]]
    assert any(any(value in row for value in changed) for row in rows), "\n".join(lines)
