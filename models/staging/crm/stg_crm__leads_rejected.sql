{{ config(materialized='table') }}
-- One row per raw CRM lead row that stg_crm__leads does not hold, with the raw values as text and
-- why: a row-level fault from base_crm__leads (missing id, missing/unparseable/future/implausibly
-- old timestamp, invalid email, invalid or negative number) or an earlier version of a lead that
-- was exported again (`superseded_version`, ranked as in stg_crm__leads). Raw rows = rows of
-- stg_crm__leads + rows of this model (tested).
with

checked as (
    select * from {{ ref('base_crm__leads') }}
),

ranked as (
    select
        *,
        case
            when row_rejection_reason is null
                then row_number() over (
                    partition by row_rejection_reason, lead_id
                    order by
                        coalesce(updated_at, created_at) desc,
                        created_at desc,
                        coalesce(email, '') desc,
                        coalesce(raw_updated_at, '') desc
                )
        end as version_rank
    from checked
),

reasoned as (
    select
        *,
        case
            when row_rejection_reason is not null then row_rejection_reason
            when version_rank > 1 then 'superseded_version'
        end as rejection_reason,
        case
            when row_rejection_reason = 'missing_id' then 'lead_id is empty'
            when row_rejection_reason = 'invalid_email' then {{ dbt.concat(["'email: '", 'raw_email']) }}
            when row_rejection_reason = 'invalid_number'
                then {{ dbt.concat([
                    "'employee_count: '", "coalesce(raw_employee_count, 'null')",
                    "', annual_revenue: '", "coalesce(raw_annual_revenue, 'null')"
                ]) }}
            when row_rejection_reason = 'negative_number'
                then {{ dbt.concat([
                    "'employee_count: '", "coalesce(raw_employee_count, 'null')",
                    "', annual_revenue: '", "coalesce(raw_annual_revenue, 'null')"
                ]) }}
            when row_rejection_reason is not null
                then {{ dbt.concat([
                    "'created_at: '", "coalesce(raw_created_at, 'null')",
                    "', updated_at: '", "coalesce(raw_updated_at, 'null')",
                    "', deleted_at: '", "coalesce(raw_deleted_at, 'null')"
                ]) }}
            when version_rank > 1
                then {{ dbt.concat(["'lead_id '", 'lead_id', "' was exported again later; the latest version is kept'"]) }}
        end as rejection_detail
    from ranked
),

rejected as (
    select
        'crm_leads' as source_table,
        raw_lead_id,
        raw_email,
        raw_first_name,
        raw_last_name,
        raw_job_title,
        raw_company_name,
        raw_company_domain,
        raw_industry,
        raw_employee_count,
        raw_annual_revenue,
        raw_country,
        raw_lead_source,
        raw_owner_id,
        raw_created_at,
        raw_updated_at,
        raw_is_deleted,
        raw_deleted_at,
        rejection_reason,
        rejection_detail
    from reasoned
    where rejection_reason is not null
)

select
    {{ rejected_row_id([
        'lead_id', 'email', 'first_name', 'last_name', 'job_title', 'company_name', 'company_domain',
        'industry', 'employee_count', 'annual_revenue', 'country', 'lead_source', 'owner_id',
        'created_at', 'updated_at', 'is_deleted', 'deleted_at'
    ]) }} as rejected_row_id,
    *
from rejected
