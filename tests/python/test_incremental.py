"""Incremental runs give the same marts as a full refresh, and score again only what changed.

Small scale (1,500 leads, 4 history checkpoints). One warehouse goes through a chain of daily loads,
each an incremental `dbt run`:

1. built (full refresh) on the web and email events before CUTOFF, as of the day before it;
2. the events from CUTOFF on arrive as `<table>-late.parquet` and the as-of date moves to the latest
   event (weeks later: new week-end checkpoints, the old as-of date leaves the calendar);
3. one more day (`generate --append-day`: new events, leads and activities);
4. a CRM export that changes one lead's buying timeline weeks ago (its past fit scores change);
5. nothing new.

Every public mart, the stored scores at all dates (int_lead_scores_as_of), the predictive features
(int_lead_features_as_of) and the engagement states (int_engagement_rule_daily_states; a candidate
model's end at the last date it is scored at) must then equal a full refresh over the same files
(which fits the predictive model anew, `prediction_reuse_fit: false`), each run's int_scoring_scope
must hold only the as-of date, new calendar dates and the leads whose inputs changed, and the run
with nothing new must reuse the stored predictive fits.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from conftest import PROJECT_ROOT, run_dbt
from lead_scoring.append_day import append_day
from lead_scoring.generate import generate

CUTOFF = pd.Timestamp("2026-06-10")
SPLIT_TABLES = ("web_events", "email_events")
# every table of the marts schema is compared; the stored scores at every date, the features and
# the engagement states too
COMPARED_INTERMEDIATE = (
    "int_lead_scores_as_of",
    "int_lead_features_as_of",
    "int_engagement_rule_daily_states",
)
CHANGED_ATTRIBUTE = {"attribute_name": "timeline", "attribute_value": "0-3 months"}


def split_events(raw_dir: Path, late_dir: Path) -> None:
    """Keep events before CUTOFF in `<table>.parquet`; write the rest to late_dir/`<table>-late.parquet`."""
    late_dir.mkdir()
    for table in SPLIT_TABLES:
        path = raw_dir / f"{table}.parquet"
        events = pq.read_table(path)
        is_late = pc.greater_equal(events["occurred_at"], CUTOFF.to_datetime64())
        pq.write_table(events.filter(pc.invert(is_late)), path)
        pq.write_table(events.filter(is_late), late_dir / f"{table}-late.parquet")


def read_tables(database: Path) -> dict[str, pd.DataFrame]:
    """Every marts table and the compared intermediate tables, rows sorted on all columns."""
    with duckdb.connect(str(database), read_only=True) as connection:
        names = [
            f"marts.{name}"
            for (name,) in connection.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
            ).fetchall()
        ] + [f"intermediate.{name}" for name in COMPARED_INTERMEDIATE]
        tables = {}
        for name in names:
            frame = connection.execute(f"select * from {name}").df()
            if name == "intermediate.int_engagement_rule_daily_states":
                frame = _weight_after_cap_cut(frame)
            tables[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
        return tables


def _weight_after_cap_cut(states: pd.DataFrame) -> pd.DataFrame:
    """The states with the weight the total cap keeps instead of the weight it cuts. The weights grow
    2x per half-life from the epoch (up to ~1e15 here); the cut weight is a difference of such sums,
    exact only to their last bits (the engine's window sums are not bit-for-bit the same between
    runs), so it is compared as what the scores use: the running total minus it, relative to the
    total (every other column, counts and dates and fingerprints included, must be equal)."""
    kept = states["capped_weight_through"] - states["cap_cut_weight"]
    return states.drop(columns="cap_cut_weight").assign(weight_after_cap_cut=kept)


def read_scope(database: Path) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        return (
            connection.execute(
                """
            select
                scope.scope_reason,
                count(*) as scored_rows,
                count(distinct scope.lead_id) as leads,
                count(distinct scope.as_of_date) as dates,
                max(population.population_rows) as population_rows
            from intermediate.int_scoring_scope as scope
            cross join (
                select count(*) as population_rows from intermediate.int_scoring_population
            ) as population
            group by scope.scope_reason
            """
            )
            .df()
            .set_index("scope_reason")
        )


def read_state_leads(database: Path) -> dict:
    """What the run computed of the engagement states (int_engagement_state_leads: one row per lead
    with events and scoring model). Leads: for active models, computed, all, and computed with states
    (a lead and model whose events match no engagement rule have none and are computed every run);
    candidate models: lead-model pairs computed with states; and the candidates' horizon."""
    with duckdb.connect(str(database), read_only=True) as connection:
        computed, total, with_states, candidates_with_states, horizon, latest_candidate_state = (
            connection.execute(
                """
            with stored as (
                select lead_id, scoring_model_id, max(event_date) as latest_event_date
                from intermediate.int_engagement_rule_daily_states
                group by lead_id, scoring_model_id
            )
            select
                count(distinct leads.lead_id) filter (where leads.is_computed and leads.is_active_model),
                count(distinct leads.lead_id),
                count(distinct leads.lead_id) filter (
                    where leads.is_computed and leads.is_active_model and stored.lead_id is not null
                ),
                count(*) filter (
                    where leads.is_computed and not leads.is_active_model and stored.lead_id is not null
                ),
                max(leads.state_horizon_date),
                max(stored.latest_event_date) filter (where not leads.is_active_model)
            from intermediate.int_engagement_state_leads as leads
            left join stored
                on leads.lead_id = stored.lead_id and leads.scoring_model_id = stored.scoring_model_id
            """
            ).fetchone()
        )
    return {
        "computed": computed,
        "leads": total,
        "computed_with_states": with_states,
        "candidates_computed_with_states": candidates_with_states,
        "candidate_horizon": horizon,
        "latest_candidate_state": latest_candidate_state,
    }


def read_fits(database: Path) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        return (
            connection.execute(
                "select prediction_run, training_fingerprint, reuse_count "
                "from intermediate.int_lead_conversions_predicted__fits"
            )
            .df()
            .set_index("prediction_run")
        )


def lead_scope(database: Path, lead_id: str) -> set[str]:
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select distinct scope_reason from intermediate.int_scoring_scope where lead_id = ?", [lead_id]
        ).fetchall()
    return {reason for (reason,) in rows}


def change_one_attribute(raw_dir: Path) -> str:
    """A new CRM export: one lead's buying timeline set to 0-3 months 30 days before the latest event."""
    leads = pq.read_table(raw_dir / "crm_leads.parquet", columns=["lead_id", "created_at"]).to_pandas()
    latest = max(
        pc.max(pq.read_table(path, columns=["occurred_at"])["occurred_at"]).as_py()
        for table in SPLIT_TABLES
        for path in raw_dir.glob(f"{table}*.parquet")
    )
    changed_at = pd.Timestamp(latest) - pd.Timedelta(days=30)
    lead_id = leads[leads["created_at"] < changed_at - pd.Timedelta(days=60)]["lead_id"].sort_values().iloc[0]
    pq.write_table(
        pa.table(
            {
                "lead_id": [lead_id],
                "attribute_name": [CHANGED_ATTRIBUTE["attribute_name"]],
                "attribute_value": [CHANGED_ATTRIBUTE["attribute_value"]],
                "updated_at": pa.array([changed_at.to_pydatetime()], pa.timestamp("us")),
            }
        ),
        raw_dir / "crm_lead_attributes-correction.parquet",
    )
    return lead_id


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("incremental")
    raw_dir, late_dir = work / "raw", work / "late"
    generate(raw_dir, work / "truth", leads=1_500, events_per_lead=30)
    split_events(raw_dir, late_dir)
    database = work / "warehouse.duckdb"
    env = {"LEAD_SCORING_RAW_DIR": str(raw_dir), "LEAD_SCORING_DUCKDB_PATH": str(database)}
    # 4 history checkpoints instead of 26: the equivalence does not depend on how many
    checkpoints = "score_history_checkpoints: 4"

    def dbt(*args: str, variables: str = checkpoints) -> None:
        target = ["--target-path", str(work / "target"), "--vars", f"{{{variables}}}"]
        result = run_dbt(PROJECT_ROOT, [*args, *target], env=env)
        assert result.returncode == 0, result.stdout[-4000:]

    runs: dict = {}
    dbt("seed")
    day_before_cutoff = (CUTOFF - pd.Timedelta(days=1)).date().isoformat()
    dbt("run", "--full-refresh", variables=f"{checkpoints}, as_of_date: '{day_before_cutoff}'")
    runs["first"] = read_scope(database)
    runs["first_states"] = read_state_leads(database)
    for late_file in late_dir.iterdir():
        shutil.copy(late_file, raw_dir / late_file.name)
    dbt("run")
    runs["late_events"] = read_scope(database)
    runs["late_events_states"] = read_state_leads(database)
    runs["late_events_marts"] = read_tables(database)
    append_day(raw_dir, seed=7)
    dbt("run")
    runs["appended_day"] = read_scope(database)
    runs["appended_day_states"] = read_state_leads(database)
    runs["changed_lead"] = change_one_attribute(raw_dir)
    dbt("run")
    runs["changed_attribute"] = read_scope(database)
    runs["changed_attribute_states"] = read_state_leads(database)
    runs["changed_attribute_lead_reasons"] = lead_scope(database, runs["changed_lead"])
    fits_before = read_fits(database)
    dbt("run")
    runs["nothing_new"] = read_scope(database)
    runs["nothing_new_states"] = read_state_leads(database)
    runs["fits"] = (fits_before, read_fits(database))
    runs["incremental"] = read_tables(database)
    dbt("run", "--full-refresh", variables=f"{checkpoints}, prediction_reuse_fit: false")
    runs["full_refresh"] = read_tables(database)
    runs["full_refresh_scope"] = read_scope(database)
    return runs


def test_late_events_changed_the_scores(chain: dict) -> None:
    as_of = chain["late_events_marts"]["marts.fct_lead_scores"]["as_of_date"].max()
    assert pd.Timestamp(as_of) >= CUTOFF, "the late events did not reach the marts"


def test_same_tables_after_the_chain(chain: dict) -> None:
    assert sorted(chain["incremental"]) == sorted(chain["full_refresh"])
    assert len(chain["incremental"]) >= 10


@pytest.mark.parametrize(
    "table",
    [
        "marts.fct_lead_scores",
        "marts.fct_lead_score_points",
        "marts.fct_lead_score_history",
        "marts.fct_lead_mql_history",
        "marts.fct_account_scores",
        "marts.dim_leads",
        "marts.rpt_mql_volume_weekly",
        "marts.rpt_scoring_model_backtest",
        "marts.rpt_scoring_model_evaluation",
        "marts.fct_lead_conversion_predictions",
        "intermediate.int_lead_scores_as_of",
        "intermediate.int_lead_features_as_of",
    ],
)
def test_incremental_chain_equals_full_refresh(chain: dict, table: str) -> None:
    incremental, full_refresh = chain["incremental"][table], chain["full_refresh"][table]
    assert len(incremental) == len(full_refresh) > 0
    pd.testing.assert_frame_equal(incremental, full_refresh, check_exact=False, atol=1e-9)


def test_every_other_table_equals_full_refresh(chain: dict) -> None:
    different = []
    for table, frame in chain["incremental"].items():
        try:
            pd.testing.assert_frame_equal(frame, chain["full_refresh"][table], check_exact=False, atol=1e-9)
        except AssertionError:
            different.append(table)
    assert not different


def test_full_refresh_scores_everything(chain: dict) -> None:
    for run in ("first", "full_refresh_scope"):
        scope = chain[run]
        assert list(scope.index) == ["full_refresh"]
        assert scope.loc["full_refresh", "scored_rows"] == scope.loc["full_refresh", "population_rows"]


def test_weeks_of_late_events_add_calendar_dates(chain: dict) -> None:
    scope = chain["late_events"]
    assert "date_added" in scope.index, "new week-end checkpoints are scored for every lead"
    assert scope.loc["date_added", "dates"] >= 2


def test_a_new_day_scores_the_as_of_date_and_leads_with_new_data(chain: dict) -> None:
    scope = chain["appended_day"]
    assert set(scope.index) <= {"current_date", "date_added", "inputs_changed"}
    assert scope.loc["current_date", "dates"] == 1
    changed_leads = scope.loc["inputs_changed", "leads"]
    assert 0 < changed_leads < scope.loc["current_date", "leads"] / 2
    # a day after the as-of date: far fewer rows than the whole history
    assert scope["scored_rows"].sum() < scope["population_rows"].max() / 2


def test_a_changed_attribute_rescores_that_lead_at_past_dates(chain: dict) -> None:
    scope = chain["changed_attribute"]
    assert chain["changed_attribute_lead_reasons"] == {"current_date", "inputs_changed"}
    assert scope.loc["inputs_changed", "leads"] == 1
    assert scope.loc["inputs_changed", "dates"] >= 2


def test_nothing_new_scores_only_the_as_of_date(chain: dict) -> None:
    scope = chain["nothing_new"]
    assert list(scope.index) == ["current_date"]


def test_nothing_new_reuses_the_predictive_fits(chain: dict) -> None:
    before, after = chain["fits"]
    assert set(after.index) == {"current", "holdout"}
    assert (after["training_fingerprint"] == before["training_fingerprint"]).all()
    assert (after["reuse_count"] == before["reuse_count"] + 1).all()


def test_engagement_states_are_computed_for_leads_with_new_events_only(chain: dict) -> None:
    first = chain["first_states"]
    assert first["computed"] == first["leads"] > 0
    appended = chain["appended_day_states"]
    assert (
        chain["appended_day"].loc["inputs_changed", "leads"]
        <= appended["computed_with_states"]
        <= appended["computed"]
        < appended["leads"] / 2
    )
    # an attribute is not an event, and nothing new is nothing new: no lead with states is computed
    for run in ("changed_attribute_states", "nothing_new_states"):
        assert chain[run]["computed_with_states"] == 0
        assert chain[run]["candidates_computed_with_states"] == 0


def test_candidate_states_stop_at_the_last_date_candidates_are_scored_at(chain: dict) -> None:
    for run in ("first_states", "late_events_states", "appended_day_states", "nothing_new_states"):
        states = chain[run]
        assert states["candidate_horizon"] is not None, run
        assert states["latest_candidate_state"] <= states["candidate_horizon"], run
    # the late events are weeks of events: the horizon moved, and the leads with events between the
    # old and the new horizon had their candidate states computed again
    before, after = chain["first_states"], chain["late_events_states"]
    assert after["candidate_horizon"] > before["candidate_horizon"]
    assert after["candidates_computed_with_states"] > 0
    # a day of new events lies after the horizon: no candidate states are computed unless the day
    # moved the horizon (a new week-end)
    appended, late = chain["appended_day_states"], chain["late_events_states"]
    if appended["candidate_horizon"] == late["candidate_horizon"]:
        assert appended["candidates_computed_with_states"] == 0
