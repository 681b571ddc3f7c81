-- One row per scoring model (each rule model, active or candidate, and the predictive score): how
-- it ranked the leads on the evaluation holdout. Out of time by default: leads scored as of the
-- evaluation date (the as-of date minus the label window) and still open then, judged on the
-- opportunities opened in the label window after it; random_split for data without dates (var
-- evaluation_holdout). The monthly cohorts before it are in rpt_scoring_model_backtest.
with

metrics as (
    select * from {{ ref('int_evaluation_metrics') }}
    where backtest_cohort_number = 0
),

calibration as (
    select * from {{ ref('rpt_scoring_model_calibration') }}
),

calibration_error as (
    select
        scoring_model_id,
        {{ sum_points('lead_count * abs(observed_conversion_rate - mean_predicted_probability)') }} / sum(lead_count)
            as expected_calibration_error
    from calibration
    where mean_predicted_probability is not null
    group by scoring_model_id
),

final as (
    select
        metrics.scoring_model_id,
        metrics.model_kind,
        metrics.is_active,
        metrics.holdout_method,
        metrics.evaluation_date,
        metrics.label_window_end_date,
        metrics.lead_count,
        metrics.conversion_count,
        metrics.conversion_rate,
        metrics.roc_auc,
        metrics.pr_auc,
        metrics.top_decile_lift,
        metrics.top_decile_conversion_rate,
        metrics.mql_count,
        metrics.mql_conversion_rate,
        metrics.mql_conversion_share,
        metrics.median_days_to_convert,
        cast(calibration_error.expected_calibration_error as {{ type_double() }}) as expected_calibration_error
    from metrics
    left join calibration_error
        on metrics.scoring_model_id = calibration_error.scoring_model_id
)

select * from final
