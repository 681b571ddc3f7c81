-- One row per date the predictive model reads lead features as of (end of day): the scoring date
-- (the as-of date: every lead is scored with what was known that day) and the training cutoffs:
-- the latest `prediction_label_window_days` before it (features as of the cutoff, label = converted
-- in the window after it, which the as-of date has fully observed), then
-- `prediction_training_cutoffs` - 1 more, `prediction_training_interval_days` apart (more
-- conversions to learn from: leads convert within weeks of their creation).
with

scoring_dates as (
    select * from {{ ref('int_scoring_dates') }}
),

as_of as (
    select as_of_date from scoring_dates
    where is_current
),

final as (
    select
        'scoring' as feature_date_role,
        as_of_date as feature_date,
        as_of_date
    from as_of
    union all
    {% for cutoff_number in range(var('prediction_training_cutoffs') | int) -%}
        select
            'training' as feature_date_role,
            {{ add_days(
                'as_of_date',
                -1 * ((var('prediction_label_window_days') | int)
                    + cutoff_number * (var('prediction_training_interval_days') | int)),
            ) }} as feature_date,
            as_of_date
        from as_of
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
