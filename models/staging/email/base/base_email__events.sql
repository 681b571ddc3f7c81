-- One row per raw email event row (every row of every email_events file, repeats included): the
-- raw values as text, the typed values, and the first row-level reason the row cannot be used
-- (null when it can). stg_email__events takes the usable rows, stg_email__events_rejected the
-- rest. Checks that need other rows (repeated event ids, unknown leads) happen there.
with

source as (
    select * from {{ source('email', 'email_events') }}
),

event_types as (
    select source_event_type from {{ ref('event_types') }}
    where source_system = 'email'
),

typed as (
    select
        {{ raw_as_text(['event_id', 'lead_id', 'campaign_id', 'event_type', 'url', 'user_agent', 'occurred_at']) }},
        nullif(trim(cast(event_id as {{ dbt.type_string() }})), '') as event_id,
        nullif(trim(cast(lead_id as {{ dbt.type_string() }})), '') as lead_id,
        nullif(trim(cast(campaign_id as {{ dbt.type_string() }})), '') as campaign_id,
        lower(trim(cast(event_type as {{ dbt.type_string() }}))) as source_event_type,
        nullif(trim(cast(url as {{ dbt.type_string() }})), '') as clicked_url,
        nullif(trim(cast(user_agent as {{ dbt.type_string() }})), '') as user_agent,
        {{ safe_to_timestamp('occurred_at') }} as occurred_at
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.event_id is null then 'missing_id'
            when typed.lead_id is null then 'missing_lead_id'
            when {{ timestamp_problem('typed.raw_occurred_at', 'typed.occurred_at') }} is not null
                then {{ timestamp_problem('typed.raw_occurred_at', 'typed.occurred_at') }}
            when event_types.source_event_type is null then 'unknown_event_type'
        end as row_rejection_reason
    from typed
    left join event_types
        on typed.source_event_type = event_types.source_event_type
)

select * from checked
