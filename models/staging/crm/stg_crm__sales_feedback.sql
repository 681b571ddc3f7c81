-- One row per rating or disqualification a sales rep gave a lead, typed.
with

source as (
    select * from {{ source('crm', 'sales_feedback') }}
),

typed as (
    select
        trim(cast(feedback_id as {{ dbt.type_string() }})) as feedback_id,
        trim(cast(lead_id as {{ dbt.type_string() }})) as lead_id,
        trim(cast(rep_id as {{ dbt.type_string() }})) as rep_id,
        nullif(lower(trim(disqualification_reason)), '') as disqualification_reason,
        cast(rating as {{ dbt.type_int() }}) as rating,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at
    from source
),

deduplicated as (
    select
        *,
        row_number() over (partition by feedback_id order by created_at) as duplicate_rank
    from typed
    where feedback_id is not null
)

select
    feedback_id,
    lead_id,
    rep_id,
    disqualification_reason,
    rating,
    created_at,
    case when disqualification_reason is not null then 'disqualification' else 'rating' end as feedback_type
from deduplicated
where duplicate_rank = 1
