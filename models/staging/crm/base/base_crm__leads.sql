-- One row per raw CRM lead row (every row of every crm_leads file, re-exports included): the raw
-- values as text, the typed values, and the first row-level reason the row cannot be used (null
-- when it can). stg_crm__leads keeps the latest usable version of each lead id,
-- stg_crm__leads_rejected holds the rest with reasons.
with

source as (
    select * from {{ source('crm', 'crm_leads') }}
),

typed as (
    select
        {{ raw_as_text([
            'lead_id', 'email', 'first_name', 'last_name', 'job_title', 'company_name', 'company_domain',
            'industry', 'employee_count', 'annual_revenue', 'country', 'lead_source', 'owner_id',
            'created_at', 'updated_at', 'is_deleted', 'deleted_at'
        ]) }},
        nullif(trim(cast(lead_id as {{ dbt.type_string() }})), '') as lead_id,
        nullif(lower({{ trim_whitespace('cast(email as ' ~ dbt.type_string() ~ ')') }}), '') as email,
        nullif(trim(cast(first_name as {{ dbt.type_string() }})), '') as first_name,
        nullif(trim(cast(last_name as {{ dbt.type_string() }})), '') as last_name,
        nullif(trim(cast(job_title as {{ dbt.type_string() }})), '') as job_title,
        nullif(trim(cast(company_name as {{ dbt.type_string() }})), '') as company_name,
        nullif(lower(trim(cast(company_domain as {{ dbt.type_string() }}))), '') as company_domain,
        nullif(lower(trim(cast(industry as {{ dbt.type_string() }}))), '') as industry,
        nullif(upper(trim(cast(country as {{ dbt.type_string() }}))), '') as country,
        nullif(lower(trim(cast(lead_source as {{ dbt.type_string() }}))), '') as lead_source,
        nullif(trim(cast(owner_id as {{ dbt.type_string() }})), '') as owner_id,
        {{ safe_to_double('cast(employee_count as ' ~ dbt.type_string() ~ ')') }} as employee_count_number,
        {{ safe_to_double('cast(annual_revenue as ' ~ dbt.type_string() ~ ')') }} as annual_revenue,
        coalesce(lower(trim(cast(is_deleted as {{ dbt.type_string() }}))) in ('true', 't', '1', 'yes'), false) as is_deleted,
        {{ safe_to_timestamp('created_at') }} as created_at,
        {{ safe_to_timestamp('updated_at') }} as updated_at,
        {{ safe_to_timestamp('deleted_at') }} as deleted_at
    from source
),

checked as (
    select
        *,
        case
            when lead_id is null then 'missing_id'
            when {{ timestamp_problem('raw_created_at', 'created_at') }} is not null
                then {{ timestamp_problem('raw_created_at', 'created_at') }}
            when {{ timestamp_problem('raw_updated_at', 'updated_at', required=false) }} is not null
                then {{ timestamp_problem('raw_updated_at', 'updated_at', required=false) }}
            when {{ timestamp_problem('raw_deleted_at', 'deleted_at', required=false) }} is not null
                then {{ timestamp_problem('raw_deleted_at', 'deleted_at', required=false) }}
            when email is not null and not {{ regexp_matches('email', "'^[^@ ]+@[^@ ]+[.][^@ .]+$'") }} then 'invalid_email'
            when
                (nullif(trim(raw_employee_count), '') is not null and employee_count_number is null)
                or (nullif(trim(raw_annual_revenue), '') is not null and annual_revenue is null)
                then 'invalid_number'
            when employee_count_number < 0 or annual_revenue < 0 then 'negative_number'
        end as row_rejection_reason
    from typed
)

select
    *,
    cast(employee_count_number as {{ dbt.type_bigint() }}) as employee_count
from checked
