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
with

checked as (
    select * from {{ ref('base_web__events') }}
),

leads as (
    select lead_id from {{ ref('stg_crm__leads') }}
),

usable as (
    select
        event_id,
        lead_id,
        anonymous_id,
        source_event_type,
        url_path,
        referrer,
        user_agent,
        ip_address,
        occurred_at
    from checked
    where
        row_rejection_reason is null
        {% if is_incremental() %}
            and (
                {{ is_new_event('occurred_at') }}
                -- events quarantined earlier because their lead or event type was unknown then
                or lead_id in (
                    select leads.lead_id from leads
                    where leads.lead_id not in (
                        select loaded.lead_id from {{ this }} as loaded
                        where loaded.lead_id is not null
                    )
                )
                or source_event_type not in (select distinct loaded.source_event_type from {{ this }} as loaded)
            )
        {% endif %}
),

ranked as (
    -- A repeated event id keeps its first occurrence (stg_web__events_rejected ranks the same way).
    select
        *,
        row_number() over (
            partition by event_id
            order by
                occurred_at,
                source_event_type,
                coalesce(lead_id, ''),
                coalesce(anonymous_id, ''),
                coalesce(url_path, '')
        ) as duplicate_rank
    from usable
),

known as (
    -- Events of leads the CRM does not (yet) hold are quarantined; anonymous visits are kept.
    select *
    from ranked
    where
        duplicate_rank = 1
        and (lead_id is null or lead_id in (select leads.lead_id from leads))
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
