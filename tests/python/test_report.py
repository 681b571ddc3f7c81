"""`lead-scoring report` on a real small build, opened in headless Chromium (Debian's `chromium`).

The project is built once (2,000 generated leads, `dbt build` without its data tests: `make test`
runs those) into a temporary warehouse, and the report is rendered from the published file as
`make demo` does. Chromium loads the file and dumps the DOM after the load event; the report's own
render check (lead_scoring.report.RENDER_CHECK_SCRIPT) has by then written into <body> whether
every chart has a data mark of non-zero size and which script errors happened. The tests fail on a
render error, a recorded script error, an empty chart, a missing section or numbers that differ
from the warehouse, and show that the check does fail: on a chart without rows, on zero-size bars,
on a script error, on an empty evaluation mart. A warehouse built before the evaluation marts
existed still renders, saying in words what is missing.

About 2 minutes on 2 shared cores, nearly all of it the dbt build; each Chromium load takes 1-3 s.
Chromium is required (CI installs it: .ci/run); without it the tests fail saying how to install it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_ROOT, run_dbt
from lead_scoring import charts, cli, report
from lead_scoring.generate import generate

LEADS = 2_000
EVALUATION_MARTS = (
    "rpt_scoring_model_evaluation",
    "rpt_scoring_model_deciles",
    "rpt_scoring_model_tiers",
    "rpt_scoring_model_calibration",
    "rpt_mql_volume_weekly",
    "rpt_scoring_model_backtest",
)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,2000",
)


class BodyAttributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attributes: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body" and self.attributes is None:
            self.attributes = {name: value or "" for name, value in attrs}


def chromium() -> str:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "chromium is not installed: the report test opens the report in headless Chromium. "
            "Install it with `apt-get update && apt-get install -y chromium` (Debian; .ci/run does this)."
        )
    return executable


def open_in_browser(html_file: Path, profile_dir: Path) -> dict[str, str]:
    """Load the file in headless Chromium; the <body> attributes after the load event."""
    result = subprocess.run(
        [
            chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile_dir}",
            "--dump-dom",
            html_file.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, f"chromium failed ({result.returncode}): {result.stderr[-3000:]}"
    parser = BodyAttributes()
    parser.feed(result.stdout)
    assert parser.attributes is not None, f"no <body> in chromium's DOM dump: {result.stdout[:500]}"
    return parser.attributes


def render_with_cli(warehouse: Path, out: Path) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "lead_scoring.cli",
            "report",
            "--warehouse",
            str(warehouse),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    print(result.stdout.strip())
    return out.read_text(encoding="utf-8")


def chart_ids(html: str) -> list[str]:
    return re.findall(r'<figure class="chart" data-chart="([^"]+)"', html)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A real build of the project on generated data; the published warehouse file."""
    work = tmp_path_factory.mktemp("report")
    raw_dir = work / "raw"
    generate(raw_dir, work / "truth", leads=LEADS, events_per_lead=30)
    warehouse = work / "warehouse" / "lead_scoring.duckdb"
    env = {"LEAD_SCORING_RAW_DIR": str(raw_dir), "LEAD_SCORING_DUCKDB_PATH": str(warehouse)}
    # Only for the report: the data tests are make test's job; skipping them still publishes.
    result = run_dbt(
        PROJECT_ROOT,
        ["build", "--exclude-resource-type", "test", "unit_test", "--target-path", str(work / "target")],
        env=env,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert warehouse.exists(), "the build did not publish the warehouse: " + result.stdout[-2000:]
    html_file = work / "reports" / "lead_scoring_report.html"
    html = render_with_cli(warehouse, html_file)
    return {"work": work, "warehouse": warehouse, "html_file": html_file, "html": html}


def test_report_renders_every_chart_in_the_browser(built: dict) -> None:
    html, work = built["html"], built["work"]
    ids = chart_ids(html)
    expected = {
        "score-distribution-default",
        "score-distribution-enterprise",
        "tier-counts",
        "probability-distribution",
        "lift",
        "gains",
        "calibration",
        "conversion-by-tier",
        "mql-volume-default",
        "mql-volume-enterprise",
        "backtest",
        "reasons-default",
        "reasons-enterprise",
    }
    assert expected <= set(ids), f"charts missing from the report: {sorted(expected - set(ids))}"
    assert 'class="missing"' not in html, re.findall(r'<p class="missing">.*?</p>', html)
    body = open_in_browser(built["html_file"], work / "chromium")
    assert body.get("data-js-errors", "") == "", body["data-js-errors"]
    assert body.get("data-empty-charts") == "", f"empty charts: {body.get('data-empty-charts')}"
    assert body.get("data-render-status") == "ok", body
    assert body.get("data-chart-count") == str(len(ids))


def test_report_is_one_offline_file(built: dict) -> None:
    html = built["html"]
    # Nothing to fetch: no external script, stylesheet, image or font; the SVG namespace is a name.
    references = re.findall(r'(?:src|href)\s*=\s*"([^"#][^"]*)"', html)
    assert references == [], references
    assert re.findall(r"url\(", html) == []
    assert "Content-Security-Policy" in html


def test_report_numbers_come_from_the_warehouse(built: dict) -> None:
    html = built["html"]
    with duckdb.connect(str(built["warehouse"]), read_only=True) as connection:
        tiers = connection.execute(
            "select scoring_model_id, count(*), count(*) filter (where tier = 'hot'), "
            "count(*) filter (where is_mql) from marts.fct_lead_scores group by 1"
        ).fetchall()
        evaluation = connection.execute(
            "select scoring_model_id, is_active, lead_count, conversion_count, conversion_rate, roc_auc, "
            "pr_auc, evaluation_date, label_window_end_date from marts.rpt_scoring_model_evaluation"
        ).fetchall()
    for model_id, leads, hot, mql in tiers:
        row = f"<td>{model_id}</td><td>{leads:,}</td><td>{hot:,} "
        assert row in html, f"headline row of {model_id} should start {row!r}"
        assert f"<td>{model_id}</td><td>{leads:,}</td><td>{hot:,}</td>" in html  # tier-counts data table
        assert mql <= leads
    assert {model_id for model_id, *_ in evaluation} >= {"default", "enterprise", "predictive"}
    for model_id, is_active, leads, converted, rate, roc_auc, pr_auc, evaluated, window_end in evaluation:
        label = model_id if is_active else f"{model_id} (candidate)"
        cells = (
            f"<td>{leads:,}</td><td>{converted:,} ({report.fraction(rate)})</td>"
            f"<td>{report.decimal(roc_auc)}</td><td>{report.decimal(pr_auc)}</td>"
        )
        assert re.search(f"<tr><td>{re.escape(label)}</td><td>[^<]*</td>{re.escape(cells)}", html), model_id
        # The method in words, with the dates.
        assert report.long_date(evaluated) in html
        assert report.long_date(window_end) in html
    assert "out-of-time holdout" in html


def test_a_chart_without_data_is_reported_empty(tmp_path: Path) -> None:
    """The browser check can fail: a chart with no rows and one whose bars have zero size."""
    no_rows = charts.figure(
        "no-rows",
        "No rows",
        charts.bar_chart("No rows", [], [], x_label="x", y_label="y", y_format=charts.number),
        "Empty.",
        charts.DataTable(["x", "y"], []),
    )
    zero_bars = charts.figure(
        "zero-bars",
        "Zero-height bars",
        charts.bar_chart(
            "Zero-height bars",
            ["a", "b"],
            [charts.Series("s", [(0, 0.0), (1, 0.0)], "#0072B2")],
            x_label="x",
            y_label="y",
            y_format=charts.number,
        ),
        "All zero.",
        charts.DataTable(["x", "y"], [["a", 0], ["b", 0]]),
    )
    no_points = charts.figure(
        "no-points",
        "A line chart without points",
        charts.line_chart(
            "No points",
            [charts.Series("s", [], "#0072B2")],
            x_label="x",
            y_label="y",
            x_format=str,
            y_format=str,
        ),
        "Empty.",
        charts.DataTable(["x", "y"], []),
    )
    drawn = charts.figure(
        "drawn",
        "One bar",
        charts.bar_chart(
            "One bar",
            ["a"],
            [charts.Series("s", [(0, 3.0)], "#0072B2")],
            x_label="x",
            y_label="y",
            y_format=charts.number,
        ),
        "One bar.",
        charts.DataTable(["x", "y"], [["a", 3]]),
    )
    page = tmp_path / "empty.html"
    page.write_text(report.page("test", no_rows + drawn + zero_bars + no_points), encoding="utf-8")
    body = open_in_browser(page, tmp_path / "chromium")
    assert body["data-render-status"] == "empty"
    assert body["data-empty-charts"].split() == ["no-rows", "zero-bars", "no-points"]
    assert body["data-chart-count"] == "4"

    # ... and the same page with only the drawn chart passes.
    page.write_text(report.page("test", drawn), encoding="utf-8")
    assert open_in_browser(page, tmp_path / "chromium")["data-render-status"] == "ok"


def test_a_script_error_is_recorded(tmp_path: Path) -> None:
    page = tmp_path / "error.html"
    page.write_text(report.page("test", "<script>notAFunction();</script>"), encoding="utf-8")
    body = open_in_browser(page, tmp_path / "chromium")
    assert body["data-render-status"] == "error"
    assert "notAFunction" in body["data-js-errors"]


def test_an_empty_evaluation_mart_fails_the_browser_check(built: dict, tmp_path: Path) -> None:
    warehouse = tmp_path / "lead_scoring.duckdb"
    shutil.copyfile(built["warehouse"], warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("delete from marts.rpt_scoring_model_deciles")
    html_file = tmp_path / "report.html"
    report.render(warehouse, html_file)
    body = open_in_browser(html_file, tmp_path / "chromium")
    assert body["data-render-status"] == "empty"
    assert body["data-empty-charts"].split() == ["lift", "gains"]


def test_a_candidate_model_is_labelled_and_dashed(built: dict, tmp_path: Path) -> None:
    """A candidate weight set (is_active = false) appears beside the active models, marked as such."""
    warehouse = tmp_path / "lead_scoring.duckdb"
    shutil.copyfile(built["warehouse"], warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        for mart in (
            "rpt_scoring_model_evaluation",
            "rpt_scoring_model_deciles",
            "rpt_scoring_model_backtest",
        ):
            query = f"select name from pragma_table_info('marts.{mart}')"
            columns = [name for (name,) in connection.execute(query).fetchall()]
            values = ", ".join(
                "'candidate_x'" if name == "scoring_model_id" else "false" if name == "is_active" else name
                for name in columns
            )
            connection.execute(
                f"insert into marts.{mart} select {values} from marts.{mart} "
                "where scoring_model_id = 'default'"
            )
    html = report.render(warehouse, tmp_path / "report.html")
    assert "<td>candidate_x (candidate)</td><td>rules, candidate</td>" in html
    for chart in ("gains", "backtest"):
        figure = re.search(f'<figure class="chart" data-chart="{chart}">.*?</figure>', html).group(0)
        assert re.search(r'<polyline class="mark line" [^>]*stroke-dasharray', figure), chart
        assert "candidate_x (candidate)" in figure
    body = open_in_browser(tmp_path / "report.html", tmp_path / "chromium")
    assert body["data-render-status"] == "ok", body


def test_a_warehouse_without_the_evaluation_marts_still_renders(built: dict, tmp_path: Path) -> None:
    """An older warehouse (score marts only): each evaluation section says what is missing."""
    warehouse = tmp_path / "lead_scoring.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(f"attach '{built['warehouse']}' as built (read_only)")
        connection.execute("create schema marts")
        for mart in ("fct_lead_scores", "fct_lead_score_points"):
            connection.execute(f"create table marts.{mart} as select * from built.marts.{mart}")
    html_file = tmp_path / "report.html"
    html = report.render(warehouse, html_file)
    for mart in EVALUATION_MARTS:
        assert f"this warehouse has no marts.{mart}" in html, mart
    assert "probability-distribution" not in chart_ids(html)
    assert {"score-distribution-default", "tier-counts", "reasons-default"} <= set(chart_ids(html))
    body = open_in_browser(html_file, tmp_path / "chromium")
    assert body["data-render-status"] == "ok", body


def test_report_command_without_warehouse_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["report", "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    assert "make demo" in capsys.readouterr().out
