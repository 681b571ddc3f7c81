{{
    config(
        materialized='table' if target.type == 'spark' else 'incremental',
        unique_key='event_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
-- Incremental: a run reads only source events from `event_lookback_days` before the newest loaded
-- one (late arrivals and, for email, the delivery a scanner click follows within seconds), and
-- replaces rows by event_id. A table rather than a view: several models and tests read it.
-- One row per email event id: typed, with the seconds since the same campaign was delivered to
-- the lead, and security-scanner clicks / privacy-proxy opens flagged (kept, not deleted). Rows
-- that cannot be used (see base_email__events), repeats of an event id and events of leads
-- unknown to the CRM go to stg_email__events_rejected instead. An incremental run also re-reads
-- the events of leads (and event types) it had not seen: they were quarantined until the CRM caught up.
-- On Spark a table rebuilt in full on every run: without Delta, dbt-spark has no delete+insert or
-- merge, `append` would duplicate the re-read lookback days and an unpartitioned `insert_overwrite`
-- would keep only them. Every run then gives the rows of a full refresh, re-reading all files.
-- depends_on: {{ ref('event_types') }}
with

checked as (
    select * from {{ ref('base_email__events') }}
),

leads as (
    select lead_id from {{ ref('stg_crm__leads') }}
),

{% if is_incremental() %}
    event_types as (
        select source_event_type from {{ ref('event_types') }}
        where source_system = 'email'
    ),

    loaded_leads as (
        select distinct lead_id from {{ this }}
        where lead_id is not null
    ),

    new_leads as (
        -- leads this model holds no event of yet: their events may have been quarantined as unknown
        select leads.lead_id
        from leads
        left join loaded_leads
            on leads.lead_id = loaded_leads.lead_id
        where loaded_leads.lead_id is null
    ),

    loaded_types as (
        select distinct source_event_type from {{ this }}
    ),

    new_event_types as (
        -- event types this model holds no event of yet (the catalogue may have gained them)
        select event_types.source_event_type
        from event_types
        left join loaded_types
            on event_types.source_event_type = loaded_types.source_event_type
        where loaded_types.source_event_type is null
    ),
{% endif %}

usable as (
    select
        checked.event_id,
        checked.lead_id,
        checked.campaign_id,
        checked.source_event_type,
        checked.clicked_url,
        checked.user_agent,
        checked.occurred_at
    from checked
    {% if is_incremental() %}
        left join new_leads
            on checked.lead_id = new_leads.lead_id
        left join new_event_types
            on checked.source_event_type = new_event_types.source_event_type
    {% endif %}
    where
        checked.row_rejection_reason is null
    {% if is_incremental() %}
            -- new events, and events quarantined earlier because their lead or type was unknown then
            and (
                {{ is_new_event('checked.occurred_at') }}
                or new_leads.lead_id is not null
                or new_event_types.source_event_type is not null
            )
        {% endif %}
),

-- A repeated event id keeps its first occurrence (stg_email__events_rejected ranks the same way).
{{ rank_repeated_ids('usable', 'email') }},

deduplicated as (
    -- Events of leads the CRM does not (yet) hold are quarantined.
    select ranked.*
    from ranked
    inner join leads
        on ranked.lead_id = leads.lead_id
    where
        ranked.duplicate_rank = 1
    {% if is_incremental() %}
            -- a later repeat must not replace the first occurrence loaded by an earlier run
            and not exists (
                select 1 from {{ this }} as loaded
                where loaded.event_id = ranked.event_id and loaded.occurred_at < ranked.occurred_at
            )
        {% endif %}
),

delivery_events as (
    select
        lead_id,
        campaign_id,
        occurred_at
    from deduplicated
    where source_event_type = 'delivered'
    {% if is_incremental() %}
        -- a click in this load may follow a delivery loaded by an earlier run
        union all
        select
            lead_id,
            campaign_id,
            occurred_at
        from {{ this }}
        where
            source_event_type = 'delivered'
            and campaign_id in (select distinct deduplicated.campaign_id from deduplicated)
    {% endif %}
),

deliveries as (
    select
        lead_id,
        campaign_id,
        min(occurred_at) as delivered_at
    from delivery_events
    group by lead_id, campaign_id
),

timed as (
    select
        deduplicated.*,
        case
            when deduplicated.source_event_type != 'delivered' and deliveries.delivered_at <= deduplicated.occurred_at
                then {{ dbt.datediff('deliveries.delivered_at', 'deduplicated.occurred_at', 'second') }}
        end as seconds_after_delivery
    from deduplicated
    left join deliveries
        on
            deduplicated.lead_id = deliveries.lead_id
            and deduplicated.campaign_id = deliveries.campaign_id
),

filter_matches as (
    {{ traffic_filter_matches('timed', 'email', ['user_agent', 'seconds_after_delivery', 'clicked_url', 'campaign_id']) }}
),

final as (
    select
        timed.event_id,
        timed.lead_id,
        timed.campaign_id,
        timed.source_event_type,
        timed.clicked_url,
        timed.user_agent,
        timed.seconds_after_delivery,
        filter_matches.filter_reason,
        timed.occurred_at,
        filter_matches.filter_reason is not null as is_filtered
    from timed
    left join filter_matches
        on timed.event_id = filter_matches.event_id
)

select * from final
