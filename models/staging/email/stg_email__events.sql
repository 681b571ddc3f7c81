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
-- the lead, and security-scanner clicks / privacy-proxy opens flagged (kept, not deleted).
-- On Spark a table rebuilt in full on every run: without Delta, dbt-spark has no delete+insert or
-- merge, `append` would duplicate the re-read lookback days and an unpartitioned `insert_overwrite`
-- would keep only them. Every run then gives the rows of a full refresh, re-reading all files.
with

source as (
    select * from {{ source('email', 'email_events') }}
),

typed as (
    select
        trim(cast(event_id as {{ dbt.type_string() }})) as event_id,
        trim(cast(lead_id as {{ dbt.type_string() }})) as lead_id,
        trim(cast(campaign_id as {{ dbt.type_string() }})) as campaign_id,
        lower(trim(event_type)) as source_event_type,
        nullif(trim(url), '') as clicked_url,
        nullif(trim(user_agent), '') as user_agent,
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
