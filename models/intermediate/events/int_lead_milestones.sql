-- One row per canonical lead and event type it ever had (unfiltered): first and last date and how
-- many. Answers "had an opportunity / a meeting / a disqualification by date D" cheaply.
with

events as (
    select * from {{ ref('int_lead_events_resolved') }}
)

select
    lead_id,
    event_type,
    min(event_date) as first_event_date,
    max(event_date) as last_event_date,
    count(*) as event_count
from events
where lead_id is not null and not is_filtered
group by lead_id, event_type
