-- One row per scoring checkpoint, lead and active scoring model: the scores the leads had at each past
-- checkpoint (var score_history_checkpoints, score_history_interval_days) and at the as-of date.
with

scores as (
    select * from {{ ref('int_lead_scores_as_of') }}
),

final as (
    select
        as_of_date,
        lead_id,
        scoring_model_id,
        cast(fit_score as {{ type_double() }}) as fit_score,
        cast(engagement_score as {{ type_double() }}) as engagement_score,
        cast(total_score as {{ type_double() }}) as total_score,
        fit_grade,
        engagement_level,
        score_matrix_cell,
        tier,
        is_mql,
        is_sql,
        is_current
    from scores
    where is_history_checkpoint and is_active_model
)

select * from final
