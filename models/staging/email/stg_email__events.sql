-- A table, not a view: two models and several tests read it, and evaluating the traffic filters
-- over every event once is cheaper than once per reader.
{{ config(materialized='table') }}
-- One row per email event id: typed, with the seconds since the same campaign was delivered to
-- the lead, and security-scanner clicks / privacy-proxy opens flagged (kept, not deleted).
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

deliveries as (
    select
        lead_id,
        campaign_id,
        min(occurred_at) as delivered_at
    from deduplicated
    where source_event_type = 'delivered'
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
