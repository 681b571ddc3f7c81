-- One row per scoring date, canonical lead and scoring model whose segment holds the lead on that
-- date: who gets scored. A lead is scored from the day it was created; a deleted lead is not
-- scored from the day it was deleted (it stays in dim_leads with is_deleted). Active scoring models
-- are scored on every date; candidate models (is_active = false) on the backtest dates only, and
-- on the as-of date when the evaluation holdout is a random split (var evaluation_holdout), so
-- they cost little and never reach the public marts.
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
        scoring_dates.is_history_checkpoint,
        scoring_dates.is_backtest_date,
        segments.lead_id,
        segments.scoring_model_id,
        segments.is_active as is_active_model
    from scoring_dates
    inner join segments
        on
            scoring_dates.as_of_date >= segments.valid_from_date
            and (segments.valid_to_date is null or scoring_dates.as_of_date < segments.valid_to_date)
    inner join leads
        on segments.lead_id = leads.lead_id
    where
        (leads.deleted_at is null or cast(leads.deleted_at as date) > scoring_dates.as_of_date)
        and {{ is_scored_on_date('segments.is_active', 'scoring_dates') }}
)

select * from final
