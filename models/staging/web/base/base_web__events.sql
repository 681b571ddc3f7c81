-- One row per raw web event row (every row of every web_events file, repeats included): the raw
-- values as text, the typed values, and the first row-level reason the row cannot be used (null
-- when it can). stg_web__events takes the usable rows, stg_web__events_rejected the rest. Checks
-- that need other rows (repeated event ids, unknown leads) happen there.
with

source as (
    select * from {{ source('web', 'web_events') }}
),

event_types as (
    select source_event_type from {{ ref('event_types') }}
    where source_system = 'web'
),

typed as (
    select
        {{ raw_as_text([
            'event_id', 'lead_id', 'anonymous_id', 'event_type', 'url_path', 'referrer', 'user_agent', 'ip_address',
            'occurred_at'
        ]) }},
        nullif(trim(cast(event_id as {{ dbt.type_string() }})), '') as event_id,
        nullif(trim(cast(lead_id as {{ dbt.type_string() }})), '') as lead_id,
        nullif(trim(cast(anonymous_id as {{ dbt.type_string() }})), '') as anonymous_id,
        lower(trim(cast(event_type as {{ dbt.type_string() }}))) as source_event_type,
        nullif(trim(cast(url_path as {{ dbt.type_string() }})), '') as url_path,
        nullif(trim(cast(referrer as {{ dbt.type_string() }})), '') as referrer,
        nullif(trim(cast(user_agent as {{ dbt.type_string() }})), '') as user_agent,
        nullif(trim(cast(ip_address as {{ dbt.type_string() }})), '') as ip_address,
        {{ safe_to_timestamp('occurred_at') }} as occurred_at
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.event_id is null then 'missing_id'
            when typed.lead_id is null and typed.anonymous_id is null then 'missing_lead_id'
            when {{ timestamp_problem('typed.raw_occurred_at', 'typed.occurred_at') }} is not null
                then {{ timestamp_problem('typed.raw_occurred_at', 'typed.occurred_at') }}
            when event_types.source_event_type is null then 'unknown_event_type'
        end as row_rejection_reason
    from typed
    left join event_types
        on typed.source_event_type = event_types.source_event_type
)

select * from checked
