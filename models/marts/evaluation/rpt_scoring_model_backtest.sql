-- One row per backtest cohort and scoring model: how each weight set (active or candidate) and the
-- predictive score (cohort 0 only) would have ranked the leads scored as of each cohort date
-- against the opportunities opened in the label window after it. Candidate weight sets are scored
-- only here and in the other rpt_ models, never in the public score marts.
with

metrics as (
    select * from {{ ref('int_evaluation_metrics') }}
),

final as (
    select
        scoring_model_id,
        model_kind,
        is_active,
        holdout_method,
        backtest_cohort_number as cohort_number,
        evaluation_date as cohort_date,
        label_window_end_date,
        lead_count,
        conversion_count,
        conversion_rate,
        roc_auc,
        pr_auc,
        top_decile_lift,
        top_decile_conversion_rate,
        mql_count,
        mql_conversion_rate,
        mql_conversion_share,
        median_days_to_convert
    from metrics
)

select * from final
