{{ config(materialized='table') }}
-- One row per CRM lead id (a table: most models read it): the latest version of each record,
-- typed and cleaned, with the normalised email, its domain class, the seniority read from the job
-- title, and the canonical lead id that duplicates (same email in another case or with whitespace) resolve to. Raw rows
-- that cannot be used and earlier versions of re-exported leads are in stg_crm__leads_rejected.
with

checked as (
    select * from {{ ref('base_crm__leads') }}
),

domain_classes as (
    select * from {{ ref('email_domain_classes') }}
),

seniorities as (
    select * from {{ ref('job_title_seniorities') }}
),

latest_versions as (
    -- A re-export repeats a lead id: keep the most recently updated usable version (the others go
    -- to stg_crm__leads_rejected, ranked the same way).
    select
        lead_id,
        email,
        first_name,
        last_name,
        job_title,
        company_name,
        company_domain,
        industry,
        country,
        lead_source,
        owner_id,
        employee_count,
        annual_revenue,
        is_deleted,
        created_at,
        updated_at,
        deleted_at,
        row_number() over (
            partition by lead_id
            order by
                coalesce(updated_at, created_at) desc,
                created_at desc,
                coalesce(email, '') desc,
                coalesce(raw_updated_at, '') desc
        ) as version_rank
    from checked
    where row_rejection_reason is null
),

leads as (
    select
        *,
        {{ dbt.split_part('email', "'@'", 2) }} as email_domain
    from latest_versions
    where version_rank = 1
),

-- Classification rules are evaluated once per distinct domain / title, then joined back.
domain_class_matches as (
    select
        distinct_domains.email_domain,
        min(domain_classes.domain_class) as email_domain_class
    from (
        select distinct email_domain from leads
        where email_domain is not null
    ) as distinct_domains
    inner join domain_classes
        on {{ rule_condition('domain_classes.match_operator', 'distinct_domains.email_domain', 'domain_classes.match_value') }}
    group by distinct_domains.email_domain
),

seniority_matches as (
    select
        distinct_titles.job_title_key,
        seniorities.seniority,
        row_number() over (partition by distinct_titles.job_title_key order by seniorities.priority) as match_rank
    from (
        select distinct lower(job_title) as job_title_key from leads
        where job_title is not null
    ) as distinct_titles
    inner join seniorities
        on {{ regexp_matches('distinct_titles.job_title_key', 'seniorities.title_pattern') }}
),

classified as (
    select
        leads.lead_id,
        leads.email,
        leads.email_domain,
        leads.first_name,
        leads.last_name,
        leads.job_title,
        leads.company_name,
        leads.company_domain,
        leads.industry,
        leads.country,
        leads.lead_source,
        leads.owner_id,
        leads.employee_count,
        leads.annual_revenue,
        leads.is_deleted,
        leads.created_at,
        leads.updated_at,
        leads.deleted_at,
        case
            when leads.email_domain is null or leads.email_domain = '' then 'unknown'
            else coalesce(domain_class_matches.email_domain_class, 'business')
        end as email_domain_class,
        case
            when leads.job_title is null then 'unknown'
            else coalesce(seniority_matches.seniority, 'individual_contributor')
        end as seniority
    from leads
    left join domain_class_matches
        on leads.email_domain = domain_class_matches.email_domain
    left join seniority_matches
        on
            lower(leads.job_title) = seniority_matches.job_title_key
            and seniority_matches.match_rank = 1
),

final as (
    select
        *,
        -- The first-created lead with an email is the canonical record for everyone sharing it.
        case
            when email is null then lead_id
            else first_value(lead_id) over (
                partition by email
                order by created_at, lead_id
                rows between unbounded preceding and unbounded following
            )
        end as canonical_lead_id
    from classified
)

select
    *,
    lead_id != canonical_lead_id as is_duplicate
from final
