-- One row per lead per scoring model: the rule-based total score blended with the predictive
-- probability, blended_score = (1 - predictive_weight) x total_score + predictive_weight x 100 x
-- conversion_probability, with predictive_weight from the scoring_models seed (0 = rules only).
with

scores as (
    select * from {{ ref('fct_lead_scores') }}
),

predictions as (
    select * from {{ ref('fct_lead_conversion_predictions') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

final as (
    select
        scores.lead_id,
        scores.scoring_model_id,
        scores.total_score,
        predictions.conversion_probability,
        cast(coalesce(scoring_models.predictive_weight, 0) as {{ type_double() }}) as predictive_weight,
        {{ round_points(
            '(1 - coalesce(scoring_models.predictive_weight, 0)) * scores.total_score'
            ~ ' + coalesce(scoring_models.predictive_weight, 0) * 100 * predictions.conversion_probability',
            1,
        ) }} as blended_score,
        scores.as_of_date
    from scores
    inner join predictions
        on scores.lead_id = predictions.lead_id
    inner join scoring_models
        on scores.scoring_model_id = scoring_models.scoring_model_id
)

select * from final
