"""benchmarks/run.py records a failed step (at L: out of memory or disk) instead of losing the scale,
and prints a table when steps are missing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from conftest import PROJECT_ROOT


def _bench():
    spec = importlib.util.spec_from_file_location("bench_run", PROJECT_ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


def test_a_failing_step_says_how_long_it_ran_and_why(tmp_path: Path) -> None:
    bench = _bench()
    script = (
        "import sys, time; print('working'); time.sleep(0.3); "
        "print('Out of Memory Error: failed to pin block'); print('done'); sys.exit(3)"
    )
    with pytest.raises(bench.StepFailed) as failure:
        bench.run_step([sys.executable, "-c", script], log=tmp_path / "step.log")
    assert failure.value.last_line == "Out of Memory Error: failed to pin block"
    assert failure.value.seconds >= 0.3
    assert failure.value.peak_rss_mb > 0
    assert "benchmark step failed (3)" in str(failure.value)


def test_a_succeeding_step_is_timed(tmp_path: Path) -> None:
    bench = _bench()
    step = bench.run_step([sys.executable, "-c", "print('ok')"], log=tmp_path / "step.log")
    assert step.output.strip() == "ok"
    assert step.seconds > 0 and step.peak_rss_mb > 0


def test_the_table_prints_a_scale_whose_single_query_failed(capsys: pytest.CaptureFixture[str]) -> None:
    bench = _bench()
    entry = {
        "scale": "L", "leads": 1_000_000, "events": 51_000_000, "generate_s": 57.0,
        "full_build_s": None, "incremental_s": None, "scoring_path_s": 900.0, "single_query_s": None,
        "peak_rss_mb": 5800, "single_query_agreement": None,
        "failed_steps": {
            "single_query": {"after_s": 360.0, "peak_rss_mb": 4500, "error": "Out of Memory Error"},
        },
    }  # fmt: skip
    bench.print_table([entry])
    printed = capsys.readouterr().out
    assert "single_query FAILED after 360 s: Out of Memory Error" in printed
    # the peak target is the full build's: without one it is not shown, only a peak above it counts
    assert "900.0s" in printed and "peak <= 6 GB: not shown (no complete full build)" in printed
    entry["failed_steps"]["full_build"] = {"after_s": 2028.0, "peak_rss_mb": 7018, "error": "Out of Memory"}
    entry["peak_rss_mb"] = 7018
    bench.print_table([entry])
    printed = capsys.readouterr().out
    assert "full_build FAILED after 2028 s: Out of Memory" in printed
    assert "peak <= 6 GB: NOT met (6.85 GB)" in printed


def test_an_entry_without_reference_steps_keeps_the_earlier_ones_with_their_date() -> None:
    bench = _bench()
    previous = {
        "scale": "L",
        "measured_on": "2026-12-06",
        "full_build_s": None,
        "scoring_path_s": 931.9,
        "single_query_s": None,
        "single_query_by_hand": {"seconds": 349},
        "step_peak_rss_mb": {"generate": 900, "scoring_path": 4563, "single_query": 4100},
        "failed_steps": {"single_query": {"error": "disk"}, "full_build": {"error": "old"}},
    }
    entry = {
        "scale": "L",
        "measured_on": "2026-12-07",
        "full_build_s": 2400.0,
        "scoring_path_s": None,
        "single_query_s": None,
        "step_peak_rss_mb": {"generate": 950, "full_build": 5900},
        "failed_steps": {},
    }
    carried = bench.carry_references(entry, previous)
    assert carried["full_build_s"] == 2400.0 and carried["measured_on"] == "2026-12-07"
    assert carried["scoring_path_s"] == 931.9
    assert carried["single_query_by_hand"] == {"seconds": 349}
    assert carried["step_peak_rss_mb"] == {
        "scoring_path": 4563, "single_query": 4100, "generate": 950, "full_build": 5900
    }  # fmt: skip
    assert carried["references_from"]["measured_on"] == "2026-12-06"
    assert carried["references_from"]["failed_steps"] == {"single_query": {"error": "disk"}}
    assert carried["failed_steps"] == {}
    assert bench.carry_references(entry, None) is entry
