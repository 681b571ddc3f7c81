-- One row per CRM activity (meeting, call, webinar, event), typed.
with

source as (
    select * from {{ source('crm', 'crm_activities') }}
),

typed as (
    select
        trim(cast(activity_id as {{ dbt.type_string() }})) as activity_id,
        trim(cast(lead_id as {{ dbt.type_string() }})) as lead_id,
        lower(trim(activity_type)) as activity_type,
        nullif(trim(subject), '') as activity_subject,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at
    from source
),

deduplicated as (
    select
        *,
        row_number() over (partition by activity_id order by occurred_at) as duplicate_rank
    from typed
    where activity_id is not null
)

select
    activity_id,
    lead_id,
    activity_type,
    activity_subject,
    occurred_at
from deduplicated
where duplicate_rank = 1
