-- One row per scoring model and calibration bin on the evaluation date (backtest cohort 0): leads
-- cut into 10 equal-count bins by score (bin 1 = lowest), the mean predicted probability
-- (predictive score; null for rule models, whose points are not probabilities) and the observed
-- conversion rate in the label window.
with

scored as (
    select * from {{ ref('int_evaluation_scores') }}
    where backtest_cohort_number = 0
),

binned as (
    select
        *,
        11 - score_decile as calibration_bin
    from scored
),

final as (
    select
        scoring_model_id,
        max(model_kind) as model_kind,
        evaluation_date,
        cast(calibration_bin as {{ dbt.type_int() }}) as calibration_bin,
        cast(count(*) as {{ dbt.type_bigint() }}) as lead_count,
        cast(sum(case when has_converted then 1 else 0 end) as {{ dbt.type_bigint() }}) as conversion_count,
        min(score) as min_score,
        max(score) as max_score,
        -- Summed as decimals (sum_points): the same result whatever order parallel threads add in.
        case
            when count(predicted_probability) > 0
                then {{ sum_points('predicted_probability') }} / count(predicted_probability)
        end as mean_predicted_probability,
        cast(sum(case when has_converted then 1 else 0 end) as {{ type_double() }}) / count(*) as observed_conversion_rate
    from binned
    group by scoring_model_id, evaluation_date, calibration_bin
)

select * from final
