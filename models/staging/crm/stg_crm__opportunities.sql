-- One row per opportunity, typed.
with

source as (
    select * from {{ source('crm', 'opportunities') }}
),

typed as (
    select
        trim(cast(opportunity_id as {{ dbt.type_string() }})) as opportunity_id,
        trim(cast(lead_id as {{ dbt.type_string() }})) as lead_id,
        lower(trim(stage)) as stage,
        cast(amount as {{ type_double() }}) as amount,
        coalesce(cast(is_closed as {{ dbt.type_boolean() }}), false) as is_closed,
        coalesce(cast(is_won as {{ dbt.type_boolean() }}), false) as is_won,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(closed_at as {{ dbt.type_timestamp() }}) as closed_at
    from source
),

deduplicated as (
    select
        *,
        row_number() over (partition by opportunity_id order by created_at) as duplicate_rank
    from typed
    where opportunity_id is not null
)

select
    opportunity_id,
    lead_id,
    stage,
    amount,
    is_closed,
    is_won,
    created_at,
    closed_at
from deduplicated
where duplicate_rank = 1
