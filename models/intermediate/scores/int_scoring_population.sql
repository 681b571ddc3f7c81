-- One row per scoring date, canonical lead and scoring model whose segment holds the lead on that
-- date: who gets scored. A lead is scored from the day it was created; a deleted lead is not
-- scored from the day it was deleted (it stays in dim_leads with is_deleted).
with

scoring_dates as (
    select * from {{ ref('int_scoring_dates') }}
),

segments as (
    select * from {{ ref('int_lead_segments_matched') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

final as (
    select
        scoring_dates.as_of_date,
        scoring_dates.is_current,
        segments.lead_id,
        segments.scoring_model_id
    from scoring_dates
    inner join segments
        on
            scoring_dates.as_of_date >= segments.valid_from_date
            and (segments.valid_to_date is null or scoring_dates.as_of_date < segments.valid_to_date)
    inner join leads
        on segments.lead_id = leads.lead_id
    where leads.deleted_at is null or cast(leads.deleted_at as date) > scoring_dates.as_of_date
)

select * from final
