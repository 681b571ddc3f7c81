{{ config(materialized='table') }}
-- One row per raw web event row that stg_web__events does not hold, with the raw values as text
-- and why: a row-level fault from base_web__events (missing id, no lead or visitor id, missing,
-- unparseable, future or implausibly old timestamp, unknown event type), a repeated event id (the
-- first occurrence is kept, ranked as in stg_web__events) or a lead id the CRM does not hold.
-- Raw rows = rows of stg_web__events + rows of this model (tested). Rebuilt in full every run:
-- the CRM or the event-type catalogue may have caught up with rows quarantined earlier.
with

checked as (
    select * from {{ ref('base_web__events') }}
),

leads as (
    select lead_id from {{ ref('stg_crm__leads') }}
),

raw_leads as (
    select distinct lead_id from {{ ref('base_crm__leads') }}
),

-- Repeated ids of usable rows, ranked as in stg_web__events (rows with a fault: no rank).
{{ rank_repeated_ids('checked', 'web', rankable='checked.row_rejection_reason is null') }},

reasoned as (
    select
        ranked.*,
        case
            when ranked.row_rejection_reason is not null then ranked.row_rejection_reason
            when ranked.duplicate_rank > 1 then 'duplicate_id'
            when ranked.lead_id is not null and leads.lead_id is null then 'unknown_lead_id'
        end as rejection_reason,
        case
            when ranked.row_rejection_reason like '%timestamp%'
                then {{ dbt.concat(["'occurred_at: '", "coalesce(ranked.raw_occurred_at, 'null')"]) }}
            when ranked.row_rejection_reason = 'unknown_event_type'
                then {{ dbt.concat(["'event_type: '", "coalesce(ranked.raw_event_type, 'null')"]) }}
            when ranked.row_rejection_reason = 'missing_lead_id' then 'neither lead_id nor anonymous_id is set'
            when ranked.row_rejection_reason = 'missing_id' then 'event_id is empty'
            when ranked.duplicate_rank > 1 then {{ dbt.concat(["'event_id seen before: '", 'ranked.event_id']) }}
            when raw_leads.lead_id is not null
                then {{ dbt.concat(["'lead_id '", 'ranked.lead_id', "' is quarantined in stg_crm__leads_rejected'"]) }}
            else {{ dbt.concat(["'lead_id '", 'ranked.lead_id', "' is not in crm_leads'"]) }}
        end as rejection_detail
    from ranked
    left join leads
        on ranked.lead_id = leads.lead_id
    left join raw_leads
        on ranked.lead_id = raw_leads.lead_id
),

rejected as (
    select
        'web_events' as source_table,
        raw_event_id,
        raw_lead_id,
        raw_anonymous_id,
        raw_event_type,
        raw_url_path,
        raw_referrer,
        raw_user_agent,
        raw_ip_address,
        raw_occurred_at,
        rejection_reason,
        rejection_detail
    from reasoned
    where rejection_reason is not null
)

select
    {{ rejected_row_id([
        'event_id', 'lead_id', 'anonymous_id', 'event_type', 'url_path', 'referrer', 'user_agent', 'ip_address',
        'occurred_at'
    ]) }}
        as rejected_row_id,
    *
from rejected
