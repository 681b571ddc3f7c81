-- One row per lead, attribute name and update time: long-format CRM properties, trimmed,
-- attribute names lower-cased. Exact repeats of the same update are collapsed.
with

source as (
    select * from {{ source('crm', 'crm_lead_attributes') }}
),

typed as (
    select
        trim(cast(lead_id as {{ dbt.type_string() }})) as lead_id,
        lower(trim(attribute_name)) as attribute_name,
        nullif(trim(cast(attribute_value as {{ dbt.type_string() }})), '') as attribute_value,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at
    from source
    where lead_id is not null and attribute_name is not null and updated_at is not null
),

deduplicated as (
    select
        *,
        row_number() over (
            partition by lead_id, attribute_name, updated_at
            order by attribute_value
        ) as duplicate_rank
    from typed
)

select
    lead_id,
    attribute_name,
    attribute_value,
    updated_at
from deduplicated
where duplicate_rank = 1
