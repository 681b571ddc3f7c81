{{ config(materialized='view') }}
-- One row per scoring date, lead, scoring model and rule with points, whatever the rule's type: the
-- fit, engagement and inactivity rule rows in one shape. A view: the score groups aggregate it at
-- every date, the ledger reads the as-of date (the filter reaches the models underneath).
with

fit_points as (
    select * from {{ ref('int_fit_points_evaluated') }}
),

engagement_points as (
    select * from {{ ref('int_engagement_points_decayed') }}
),

inactivity_points as (
    select * from {{ ref('int_inactivity_points_evaluated') }}
),

final as (
    select * from fit_points
    union all
    select * from engagement_points
    union all
    select * from inactivity_points
)

select
    as_of_date,
    lead_id,
    scoring_model_id,
    rule_id,
    rule_type,
    score_group,
    event_count,
    filtered_event_count,
    counted_event_count,
    raw_points,
    decayed_points,
    counted_points,
    last_event_date,
    matched_value
from final
