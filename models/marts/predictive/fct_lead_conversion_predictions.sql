-- One row per canonical lead (as in dim_leads, created by the as-of date): the predictive score.
-- The model (int_lead_conversions_predicted, Python) trains on the leads known at the training
-- cutoff and scores every lead with what was known at the as-of date; deciles are cut here.
with

predictions as (
    select * from {{ ref('int_lead_conversions_predicted') }}
    where prediction_run = 'current'
),

final as (
    select
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(predictive_algorithm as {{ dbt.type_string() }}) as predictive_algorithm,
        cast(reason_1 as {{ dbt.type_string() }}) as reason_1,
        cast(reason_2 as {{ dbt.type_string() }}) as reason_2,
        cast(reason_3 as {{ dbt.type_string() }}) as reason_3,
        cast(conversion_probability as {{ type_double() }}) as conversion_probability,
        cast(
            ntile(10) over (order by conversion_probability asc, lead_id asc) as {{ dbt.type_int() }}
        ) as probability_decile,
        cast(label_window_days as {{ dbt.type_int() }}) as label_window_days,
        cast(training_row_count as {{ dbt.type_int() }}) as training_row_count,
        cast(training_conversion_count as {{ dbt.type_int() }}) as training_conversion_count,
        cast(is_training_row as boolean) as is_training_row,
        cast(is_converted as boolean) as is_converted,
        cast(feature_date as date) as as_of_date,
        cast(training_cutoff_date as date) as training_cutoff_date,
        cast(earliest_training_cutoff_date as date) as earliest_training_cutoff_date,
        cast({{ add_days('cast(feature_date as date)', 1) }} as {{ dbt.type_timestamp() }}) as trained_at
    from predictions
)

select * from final
