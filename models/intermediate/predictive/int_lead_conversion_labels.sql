-- One row per prediction run, canonical lead and feature date (int_prediction_dates) at which the lead existed:
-- whether it had already converted by the end of the feature date, and whether it converted in the
-- label window, the `prediction_label_window_days` days after it (the window starts the day after
-- the feature date, so no outcome overlaps the features). Training rows: leads at the training
-- cutoff that had not converted, were not deleted, and whose label window the as-of date has seen.
with

prediction_dates as (
    select * from {{ ref('int_prediction_dates') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

conversions as (
    select * from {{ ref('int_lead_conversions') }}
),

lead_dates as (
    select
        prediction_dates.prediction_run,
        leads.lead_id,
        prediction_dates.feature_date_role,
        prediction_dates.feature_date,
        prediction_dates.as_of_date,
        {{ add_days('prediction_dates.feature_date', 1) }} as label_window_start_date,
        {{ add_days('prediction_dates.feature_date', var('prediction_label_window_days') | int) }}
            as label_window_end_date,
        cast(conversions.first_converted_at as date) as converted_date,
        coalesce(cast(leads.deleted_at as date) <= prediction_dates.feature_date, false) as is_deleted_at_feature_date,
        {{ is_in_random_holdout('leads.lead_id', var('evaluation_random_seed'), var('evaluation_holdout_percent')) }}
            as is_random_holdout
    from leads
    inner join prediction_dates
        on cast(leads.created_at as date) <= prediction_dates.feature_date
    left join conversions
        on leads.lead_id = conversions.lead_id
    where not leads.is_duplicate
),

final as (
    select
        prediction_run,
        lead_id,
        feature_date_role,
        feature_date,
        label_window_start_date,
        label_window_end_date,
        converted_date,
        is_deleted_at_feature_date,
        is_random_holdout,
        coalesce(converted_date <= feature_date, false) as is_converted_at_feature_date,
        coalesce(converted_date >= label_window_start_date and converted_date <= label_window_end_date, false)
            as has_converted_in_label_window,
        label_window_end_date <= as_of_date as is_label_window_complete,
        feature_date_role = 'training'
        and label_window_end_date <= as_of_date
        and not coalesce(converted_date <= feature_date, false)
        and not is_deleted_at_feature_date as is_training_row
    from lead_dates
)

select * from final
