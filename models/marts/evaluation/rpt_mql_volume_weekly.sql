{%- set offsets = var('mql_threshold_offsets') -%}
-- One row per active scoring model, score-history checkpoint (weekly by default) and MQL threshold
-- offset: how many leads were MQL that week, and how many became MQL since the previous checkpoint,
-- at the model's total-score threshold (offset 0) and at thresholds `mql_threshold_offsets` points
-- higher or lower (fit bar and disqualifications unchanged), to see too many or too few MQLs
-- before changing score_thresholds. new_mql_count is null at the first checkpoint.
with

scores as (
    select * from {{ ref('int_lead_scores_as_of') }}
    where is_history_checkpoint and is_active_model
),

thresholds as (
    select * from {{ ref('score_thresholds') }}
),

with_previous as (
    select
        scores.as_of_date,
        scores.lead_id,
        scores.scoring_model_id,
        scores.total_score,
        thresholds.mql_min_score,
        not scores.is_disqualified and scores.fit_score >= thresholds.mql_min_fit_score as meets_fit,
        lag(scores.total_score) over (
            partition by scores.lead_id, scores.scoring_model_id order by scores.as_of_date
        ) as previous_total_score,
        lag(not scores.is_disqualified and scores.fit_score >= thresholds.mql_min_fit_score) over (
            partition by scores.lead_id, scores.scoring_model_id order by scores.as_of_date
        ) as previous_meets_fit
    from scores
    inner join thresholds
        on scores.scoring_model_id = thresholds.scoring_model_id
),

counts as (
    select
        as_of_date,
        scoring_model_id,
        max(mql_min_score) as mql_min_score,
        {% for offset in offsets -%}
            sum(case when meets_fit and total_score >= mql_min_score + ({{ offset }}) then 1 else 0 end)
                as mql_count_{{ loop.index }},
            sum(
                case
                    when
                        meets_fit and total_score >= mql_min_score + ({{ offset }})
                        and not coalesce(previous_meets_fit and previous_total_score >= mql_min_score + ({{ offset }}), false)
                        then 1
                    else 0
                end
            ) as new_mql_count_{{ loop.index }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from with_previous
    group by as_of_date, scoring_model_id
),

unpivoted as (
    {% for offset in offsets -%}
        select
            as_of_date,
            scoring_model_id,
            {{ offset }} as threshold_offset,
            mql_min_score + ({{ offset }}) as mql_min_score,
            mql_count_{{ loop.index }} as mql_count,
            new_mql_count_{{ loop.index }} as new_mql_count
        from counts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        scoring_model_id,
        as_of_date as week_end_date,
        cast(threshold_offset as {{ dbt.type_int() }}) as threshold_offset,
        cast(mql_min_score as {{ type_double() }}) as mql_min_score,
        cast(mql_count as {{ dbt.type_bigint() }}) as mql_count,
        -- The first checkpoint has no previous one to compare with.
        cast(
            case when as_of_date > min(as_of_date) over () then new_mql_count end as {{ dbt.type_bigint() }}
        ) as new_mql_count
    from unpivoted
)

select * from final
