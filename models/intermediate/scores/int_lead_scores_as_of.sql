{{
    config(
        materialized='table' if target.type == 'spark' else 'incremental',
        incremental_strategy='delete+insert',
        unique_key=['as_of_date', 'lead_id', 'scoring_model_id'],
        on_schema_change='fail',
        post_hook=[
            "{{ delete_rows_not_in(this, ref('int_scoring_population'), ['as_of_date', 'lead_id', 'scoring_model_id']) }}",
        ],
    )
}}
-- One row per scoring date, lead and scoring model: fit, engagement and total score (each 0..100,
-- from the score groups after their floors and caps; at the as-of date equal to the ledger's
-- sums), fit grade, engagement level, A1..D3 cell, tier, MQL and SQL flags.
-- A lead a sales rep disqualified is never MQL or SQL and is always cold.
-- Incremental: each run scores int_scoring_scope's rows (every lead at the as-of date, new dates,
-- leads whose inputs changed) and replaces them here; other rows keep their stored scores, computed
-- from the same inputs (input_fingerprint). Rows int_scoring_population no longer holds (dates that
-- left the calendar, deleted leads, segment changes) are deleted after the run. On Spark (parquet
-- tables, no delete) a table rebuilt in full.
-- depends_on: {{ ref('int_scoring_population') }}
{%- set buckets = lead_bucket_count(ref('int_score_group_points')) %}
with

population as (
    select * from {{ ref('int_scoring_scope') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

score_bands as (
    select * from {{ ref('score_bands') }}
),

thresholds as (
    select * from {{ ref('score_thresholds') }}
),

milestones as (
    select * from {{ ref('int_lead_milestones') }}
),

-- each component: its groups' points after their floors and caps, then held within 0..100 (the
-- ledger's cap:<group> and bound:<component> rows at the as-of date say the same)
-- (on DuckDB one aggregate per lead bucket at scale, as in int_score_group_points)
component_points as (
    {%- for bucket in range(buckets) %}
        select
            as_of_date,
            lead_id,
            scoring_model_id,
            {{ sum_points("case when score_component = 'fit' then group_points + adjustment_points else 0 end") }}
                as fit_points,
            {{ sum_points("case when score_component = 'engagement' then group_points + adjustment_points else 0 end") }}
                as engagement_points
        from {{ ref('int_score_group_points') }}
        {%- if buckets > 1 %}
            where {{ lead_in_bucket('lead_id', bucket, buckets) }}
        {%- endif %}
        group by as_of_date, lead_id, scoring_model_id
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

component_bounded as (
    select
        component_points.as_of_date,
        component_points.lead_id,
        component_points.scoring_model_id,
        {{ clamp('component_points.fit_points', '0.0', '100.0') }} as fit_component,
        {{ clamp('component_points.engagement_points', '0.0', '100.0') }} as engagement_component,
        cast(scoring_models.fit_weight as {{ type_double() }}) as fit_weight,
        cast(scoring_models.engagement_weight as {{ type_double() }}) as engagement_weight
    from component_points
    inner join scoring_models
        on component_points.scoring_model_id = scoring_models.scoring_model_id
),

component_scores as (
    select
        as_of_date,
        lead_id,
        scoring_model_id,
        {{ round_points('fit_component') }} as fit_score,
        {{ round_points('engagement_component') }} as engagement_score,
        {{ round_points('fit_component * fit_weight + engagement_component * engagement_weight') }} as total_score
    from component_bounded
),

scores as (
    select
        population.as_of_date,
        population.is_current,
        population.is_history_checkpoint,
        population.is_backtest_date,
        population.is_active_model,
        population.lead_id,
        population.scoring_model_id,
        population.input_fingerprint,
        coalesce(component_scores.fit_score, 0.0) as fit_score,
        coalesce(component_scores.engagement_score, 0.0) as engagement_score,
        coalesce(component_scores.total_score, 0.0) as total_score
    from population
    left join component_scores
        on
            population.as_of_date = component_scores.as_of_date
            and population.lead_id = component_scores.lead_id
            and population.scoring_model_id = component_scores.scoring_model_id
),

banded as (
    select
        scores.as_of_date,
        scores.lead_id,
        scores.scoring_model_id,
        score_bands.band_type,
        score_bands.band,
        row_number() over (
            partition by scores.as_of_date, scores.lead_id, scores.scoring_model_id, score_bands.band_type
            order by score_bands.min_score desc
        ) as band_rank
    from scores
    inner join score_bands
        on
            scores.scoring_model_id = score_bands.scoring_model_id
            and (
                (score_bands.band_type = 'fit_grade' and scores.fit_score >= score_bands.min_score)
                or (score_bands.band_type = 'engagement_level' and scores.engagement_score >= score_bands.min_score)
            )
),

bands as (
    select
        as_of_date,
        lead_id,
        scoring_model_id,
        max(case when band_type = 'fit_grade' then band end) as fit_grade,
        max(case when band_type = 'engagement_level' then band end) as engagement_level
    from banded
    where band_rank = 1
    group by as_of_date, lead_id, scoring_model_id
),

qualification_events as (
    select
        scores.as_of_date,
        scores.lead_id,
        scores.scoring_model_id,
        max(case when milestones.event_type = 'sales_disqualification' then 1 else 0 end) = 1 as is_disqualified,
        max(
            case when {{ rule_condition("'in'", 'milestones.event_type', 'thresholds.sql_event_types') }} then 1 else 0 end
        ) = 1 as has_sql_event
    from scores
    inner join thresholds
        on scores.scoring_model_id = thresholds.scoring_model_id
    inner join milestones
        on
            scores.lead_id = milestones.lead_id
            and scores.as_of_date >= milestones.first_event_date
    group by scores.as_of_date, scores.lead_id, scores.scoring_model_id
),

final as (
    select
        scores.as_of_date,
        scores.is_current,
        scores.is_history_checkpoint,
        scores.is_backtest_date,
        scores.is_active_model,
        scores.lead_id,
        scores.scoring_model_id,
        scores.fit_score,
        scores.engagement_score,
        scores.total_score,
        bands.fit_grade,
        cast(bands.engagement_level as {{ dbt.type_int() }}) as engagement_level,
        {{ dbt.concat(['bands.fit_grade', 'cast(bands.engagement_level as ' ~ dbt.type_string() ~ ')']) }}
            as score_matrix_cell,
        case
            when coalesce(qualification_events.is_disqualified, false) then 'cold'
            when scores.total_score >= thresholds.hot_min_score then 'hot'
            when scores.total_score >= thresholds.warm_min_score then 'warm'
            else 'cold'
        end as tier,
        coalesce(qualification_events.is_disqualified, false) as is_disqualified,
        not coalesce(qualification_events.is_disqualified, false)
        and scores.total_score >= thresholds.mql_min_score
        and scores.fit_score >= thresholds.mql_min_fit_score as is_mql,
        not coalesce(qualification_events.is_disqualified, false)
        and coalesce(qualification_events.has_sql_event, false) as is_sql,
        scores.input_fingerprint
    from scores
    inner join thresholds
        on scores.scoring_model_id = thresholds.scoring_model_id
    left join bands
        on
            scores.as_of_date = bands.as_of_date
            and scores.lead_id = bands.lead_id
            and scores.scoring_model_id = bands.scoring_model_id
    left join qualification_events
        on
            scores.as_of_date = qualification_events.as_of_date
            and scores.lead_id = qualification_events.lead_id
            and scores.scoring_model_id = qualification_events.scoring_model_id
)

select * from final
