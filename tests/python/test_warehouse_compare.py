"""The cross-engine comparison reports every kind of difference, and nothing when marts agree."""

from __future__ import annotations

import datetime

import pandas as pd

from lead_scoring.warehouses import compare

KEYS = ["lead_id", "scoring_model_id"]


def scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3"],
            "scoring_model_id": ["default", "default", "enterprise"],
            "total_score": [55.0, 12.5, 0.0],
            "tier": ["hot", "cold", "cold"],
            "is_mql": [True, False, False],
            "as_of_date": [datetime.date(2026, 6, 29)] * 3,
        }
    )


def test_equal_marts_in_another_order_and_date_type_agree() -> None:
    other = scores().iloc[::-1].copy()
    other["as_of_date"] = pd.Timestamp("2026-06-29")
    other["total_score"] = other["total_score"] + 1e-9
    assert compare(scores(), other, KEYS, tolerance=1e-6) == []


def test_a_number_beyond_tolerance_is_reported() -> None:
    other = scores()
    other.loc[1, "total_score"] = 12.6
    problems = compare(scores(), other, KEYS, tolerance=1e-6)
    assert len(problems) == 1 and problems[0].startswith("total_score: 1 rows differ")


def test_a_different_text_or_flag_is_reported() -> None:
    other = scores()
    other.loc[0, "tier"] = "warm"
    other.loc[2, "is_mql"] = True
    problems = compare(scores(), other, KEYS, tolerance=1e-6)
    assert {problem.split(":")[0] for problem in problems} == {"tier", "is_mql"}


def test_missing_and_extra_rows_are_reported() -> None:
    other = pd.concat([scores().iloc[:2], scores().iloc[:1].assign(lead_id="L9")], ignore_index=True)
    problems = compare(scores(), other, KEYS, tolerance=1e-6)
    assert any("1 rows only in the reference" in problem for problem in problems)
    assert any("1 rows missing from the reference" in problem for problem in problems)


def test_a_missing_column_is_reported() -> None:
    problems = compare(scores(), scores().drop(columns=["tier"]), KEYS, tolerance=1e-6)
    assert problems[0] == "columns differ: ['tier']"
