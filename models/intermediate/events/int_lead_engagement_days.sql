-- One row per canonical lead and day on which the lead engaged (any unfiltered event of an
-- engagement event type). Drives the inactivity penalty.
with

events as (
    select * from {{ ref('int_lead_events_resolved') }}
)

select distinct
    lead_id,
    event_date
from events
where lead_id is not null and is_engagement and not is_filtered
