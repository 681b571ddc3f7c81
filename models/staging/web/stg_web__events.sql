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
-- One row per usable web event id: typed, with bot and internal traffic flagged (kept, not deleted).
-- Anonymous events are stitched to leads downstream (int_web_visitors_identified). Rows that cannot
-- be used (see base_web__events), repeats of an event id and events of leads unknown to the CRM
-- go to stg_web__events_rejected instead. An incremental run also re-reads the events of leads
-- (and event types) it had not seen: they were quarantined as unknown until the CRM caught up.
-- On Spark a table rebuilt in full on every run: without Delta, dbt-spark has no delete+insert or
-- merge, `append` would duplicate the re-read lookback days and an unpartitioned `insert_overwrite`
-- would keep only them. Every run then gives the rows of a full refresh, re-reading all files.
-- depends_on: {{ ref('event_types') }}
with

checked as (
    select * from {{ ref('base_web__events') }}
),

leads as (
    select lead_id from {{ ref('stg_crm__leads') }}
),

{% if is_incremental() %}
    event_types as (
        select source_event_type from {{ ref('event_types') }}
        where source_system = 'web'
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
        checked.anonymous_id,
        checked.source_event_type,
        checked.url_path,
        checked.referrer,
        checked.user_agent,
        checked.ip_address,
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

-- A repeated event id keeps its first occurrence (stg_web__events_rejected ranks the same way).
{{ rank_repeated_ids('usable', 'web') }},

known as (
    -- Events of leads the CRM does not (yet) hold are quarantined; anonymous visits are kept.
    select ranked.*
    from ranked
    left join leads
        on ranked.lead_id = leads.lead_id
    where
        ranked.duplicate_rank = 1
        and (ranked.lead_id is null or leads.lead_id is not null)
    {% if is_incremental() %}
            -- a later repeat must not replace the first occurrence loaded by an earlier run
            and not exists (
                select 1 from {{ this }} as loaded
                where loaded.event_id = ranked.event_id and loaded.occurred_at < ranked.occurred_at
            )
        {% endif %}
),

filter_matches as (
    {{ traffic_filter_matches('known', 'web', ['user_agent', 'ip_address', 'url_path', 'referrer']) }}
),

final as (
    select
        known.event_id,
        known.lead_id,
        known.anonymous_id,
        known.source_event_type,
        known.url_path,
        known.referrer,
        known.user_agent,
        known.ip_address,
        filter_matches.filter_reason,
        known.occurred_at,
        filter_matches.filter_reason is not null as is_filtered
    from known
    left join filter_matches
        on known.event_id = filter_matches.event_id
)

select * from final
