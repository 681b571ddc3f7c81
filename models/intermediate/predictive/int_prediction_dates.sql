{%- set label_window_days = var('prediction_label_window_days') | int -%}
{%- set interval_days = var('prediction_training_interval_days') | int -%}
{%- set anchor_interval_days = var('score_history_interval_days') | int -%}
-- One row per prediction run and date the predictive model reads lead features as of (end of day).
-- Run `current` is the published score: the scoring date is the as-of date (every lead is scored
-- with what was known that day) and the training cutoffs are the anchored date (macro anchor_date,
-- the history checkpoints' calendar) on or before the as-of date minus `prediction_label_window_days`
-- (features as of the cutoff, label = converted in the window after it, which the as-of date has
-- fully observed), then `prediction_training_cutoffs` - 1 more, `prediction_training_interval_days`
-- apart. Anchored cutoffs stay put while the as-of date moves day by day, so the training set of a
-- daily run changes only when late data reaches the past. Run `holdout` repeats this as of the evaluation date
-- (the as-of date minus the label window, int_scoring_dates' backtest cohort 0) for the out-of-time
-- evaluation: it learns only from outcomes known on the evaluation date.
with

scoring_dates as (
    select * from {{ ref('int_scoring_dates') }}
),

runs as (
    select
        'current' as prediction_run,
        as_of_date as run_date
    from scoring_dates
    where is_current
    {% if var('evaluation_holdout') == 'out_of_time' -%}
        union all
        select
            'holdout' as prediction_run,
            as_of_date as run_date
        from scoring_dates
        where backtest_cohort_number = 0
    {%- endif %}
),

final as (
    select
        prediction_run,
        'scoring' as feature_date_role,
        run_date as feature_date,
        run_date as as_of_date
    from runs
    union all
    {% for cutoff_number in range(var('prediction_training_cutoffs') | int) -%}
        select
            prediction_run,
            'training' as feature_date_role,
            {{ add_days(
                anchor_date(add_days('run_date', -1 * label_window_days), anchor_interval_days),
                -1 * cutoff_number * interval_days,
            ) }} as feature_date,
            run_date as as_of_date
        from runs
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
