-- One row per raw CRM activity row (every row of every crm_activities file): the raw values as
-- text, the typed values and the reason the row cannot be used, if any: missing id or lead id,
-- missing/unparseable/future/implausibly old timestamp, unknown activity type, a repeated
-- activity id (the first occurrence is kept) or a lead id the CRM does not hold.
-- stg_crm__activities takes the rows without a reason, stg_crm__activities_rejected the others.
with

source as (
    select * from {{ source('crm', 'crm_activities') }}
),

event_types as (
    select source_event_type from {{ ref('event_types') }}
    where source_system = 'crm_activities'
),

leads as (
    select lead_id from {{ ref('stg_crm__leads') }}
),

typed as (
    select
        {{ raw_as_text(['activity_id', 'lead_id', 'activity_type', 'subject', 'occurred_at']) }},
        nullif(trim(cast(activity_id as {{ dbt.type_string() }})), '') as activity_id,
        nullif(trim(cast(lead_id as {{ dbt.type_string() }})), '') as lead_id,
        lower(trim(cast(activity_type as {{ dbt.type_string() }}))) as activity_type,
        nullif(trim(cast(subject as {{ dbt.type_string() }})), '') as activity_subject,
        {{ safe_to_timestamp('occurred_at') }} as occurred_at
    from source
),

row_checked as (
    select
        typed.*,
        case
            when typed.activity_id is null then 'missing_id'
            when typed.lead_id is null then 'missing_lead_id'
            when {{ timestamp_problem('typed.raw_occurred_at', 'typed.occurred_at') }} is not null
                then {{ timestamp_problem('typed.raw_occurred_at', 'typed.occurred_at') }}
            when event_types.source_event_type is null then 'unknown_event_type'
        end as row_rejection_reason
    from typed
    left join event_types
        on typed.activity_type = event_types.source_event_type
),

ranked as (
    select
        *,
        row_number() over (
            partition by row_rejection_reason, activity_id
            order by occurred_at, lead_id, activity_type, coalesce(activity_subject, '')
        ) as duplicate_rank
    from row_checked
),

checked as (
    select
        ranked.*,
        case
            when ranked.row_rejection_reason is not null then ranked.row_rejection_reason
            when ranked.duplicate_rank > 1 then 'duplicate_id'
            when leads.lead_id is null then 'unknown_lead_id'
        end as rejection_reason,
        case
            when ranked.row_rejection_reason like '%timestamp%'
                then {{ dbt.concat(["'occurred_at: '", "coalesce(ranked.raw_occurred_at, 'null')"]) }}
            when ranked.row_rejection_reason = 'unknown_event_type'
                then {{ dbt.concat(["'activity_type: '", "coalesce(ranked.raw_activity_type, 'null')"]) }}
            when ranked.row_rejection_reason = 'missing_id' then 'activity_id is empty'
            when ranked.row_rejection_reason = 'missing_lead_id' then 'lead_id is empty'
            when ranked.duplicate_rank > 1 then {{ dbt.concat(["'activity_id seen before: '", 'ranked.activity_id']) }}
            when leads.lead_id is null
                then {{ dbt.concat(["'lead_id '", 'ranked.lead_id', "' is not among the usable CRM leads'"]) }}
        end as rejection_detail
    from ranked
    left join leads
        on ranked.lead_id = leads.lead_id
)

select * from checked
