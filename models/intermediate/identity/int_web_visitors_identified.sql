-- One row per anonymous web visitor id that was ever seen together with a lead id: the first lead
-- it identified as. All of that visitor's events, earlier anonymous ones included, belong to it.
with

web_events as (
    select * from {{ ref('stg_web__events') }}
),

identifications as (
    select
        anonymous_id,
        lead_id,
        occurred_at,
        row_number() over (partition by anonymous_id order by occurred_at, event_id) as identify_rank
    from web_events
    where lead_id is not null and anonymous_id is not null
)

select
    anonymous_id,
    lead_id,
    occurred_at as identified_at
from identifications
where identify_rank = 1
