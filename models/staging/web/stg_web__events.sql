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
-- One row per web event id: typed, with bot and internal traffic flagged (kept, not deleted).
-- Anonymous events are stitched to leads downstream (int_web_visitors_identified).
-- On Spark a table rebuilt in full on every run: without Delta, dbt-spark has no delete+insert or
-- merge, `append` would duplicate the re-read lookback days and an unpartitioned `insert_overwrite`
-- would keep only them. Every run then gives the rows of a full refresh, re-reading all files.
with

source as (
    select * from {{ source('web', 'web_events') }}
),

typed as (
    select
        trim(cast(event_id as {{ dbt.type_string() }})) as event_id,
        nullif(trim(cast(lead_id as {{ dbt.type_string() }})), '') as lead_id,
        nullif(trim(cast(anonymous_id as {{ dbt.type_string() }})), '') as anonymous_id,
        lower(trim(event_type)) as source_event_type,
        nullif(trim(url_path), '') as url_path,
        nullif(trim(referrer), '') as referrer,
        nullif(trim(user_agent), '') as user_agent,
        nullif(trim(ip_address), '') as ip_address,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at
    from source
    {% if is_incremental() %}
        where {{ is_new_event('occurred_at') }}
    {% endif %}
),

deduplicated as (
    select *
    from (
        select
            *,
            row_number() over (partition by event_id order by occurred_at) as duplicate_rank
        from typed
        where event_id is not null
    ) as ranked
    where duplicate_rank = 1
),

filter_matches as (
    {{ traffic_filter_matches('deduplicated', 'web', ['user_agent', 'ip_address', 'url_path', 'referrer']) }}
),

final as (
    select
        deduplicated.event_id,
        deduplicated.lead_id,
        deduplicated.anonymous_id,
        deduplicated.source_event_type,
        deduplicated.url_path,
        deduplicated.referrer,
        deduplicated.user_agent,
        deduplicated.ip_address,
        filter_matches.filter_reason,
        deduplicated.occurred_at,
        filter_matches.filter_reason is not null as is_filtered
    from deduplicated
    left join filter_matches
        on deduplicated.event_id = filter_matches.event_id
)

select * from final
