-- One row per event (every source), attributed to its canonical lead, typed by the event-type
-- catalogue, and flagged when it must not score: traffic filters from staging, anonymous visitors,
-- unknown leads, events after the lead was deleted, unknown event types. Flagged events are kept
-- (and counted in the points ledger as filtered), never deleted.
with

events as (
    select * from {{ ref('int_events_unioned') }}
),

visitors as (
    select * from {{ ref('int_web_visitors_identified') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

event_types as (
    select * from {{ ref('event_types') }}
),

attributed as (
    select
        events.*,
        coalesce(events.lead_id, visitors.lead_id) as source_lead_id
    from events
    left join visitors
        on events.anonymous_id = visitors.anonymous_id
),

resolved as (
    select
        attributed.event_id,
        attributed.source_system,
        attributed.source_event_type,
        event_types.event_type,
        attributed.source_lead_id,
        leads.canonical_lead_id as lead_id,
        attributed.url_path,
        attributed.referrer,
        attributed.campaign_id,
        attributed.clicked_url,
        attributed.activity_subject,
        attributed.rating,
        attributed.occurred_at,
        attributed.event_date,
        coalesce(event_types.is_engagement, false) as is_engagement,
        case
            when attributed.source_filter_reason is not null then attributed.source_filter_reason
            when attributed.source_lead_id is null then 'anonymous_visitor'
            when leads.lead_id is null then 'unknown_lead'
            when leads.deleted_at is not null and attributed.occurred_at > leads.deleted_at then 'after_lead_deleted'
            when event_types.event_type is null then 'unknown_event_type'
        end as filter_reason
    from attributed
    left join leads
        on attributed.source_lead_id = leads.lead_id
    left join event_types
        on
            attributed.source_system = event_types.source_system
            and attributed.source_event_type = event_types.source_event_type
)

select
    *,
    filter_reason is not null as is_filtered
from resolved
