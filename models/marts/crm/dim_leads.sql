-- One row per canonical lead (duplicates folded into the first-created record with the same
-- email). Carries no raw email or name: `email_hash` identifies the address for joins. Set the
-- secret LEAD_SCORING_EMAIL_HASH_SALT (environment only, never in the repo) so that the hash cannot be
-- matched against a list of known addresses; every system joining on it must use the same salt.
with

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

duplicates as (
    select
        canonical_lead_id as lead_id,
        count(*) - 1 as duplicate_lead_count
    from leads
    group by canonical_lead_id
),

final as (
    select
        leads.lead_id,
        -- md5 of the salt (env var LEAD_SCORING_EMAIL_HASH_SALT, default none) and the normalised email
        {{ dbt.hash(dbt.concat([
            "'" ~ (env_var('LEAD_SCORING_EMAIL_HASH_SALT', '') | replace("'", "''")) ~ "'",
            'leads.email'
        ])) }} as email_hash,
        leads.email_domain,
        leads.email_domain_class,
        leads.job_title,
        leads.seniority,
        leads.company_name,
        leads.company_domain,
        leads.industry,
        leads.country,
        leads.lead_source,
        leads.owner_id,
        leads.employee_count,
        leads.annual_revenue,
        cast(duplicates.duplicate_lead_count as {{ dbt.type_int() }}) as duplicate_lead_count,
        leads.is_deleted,
        leads.created_at,
        leads.updated_at,
        leads.deleted_at
    from leads
    inner join duplicates
        on leads.lead_id = duplicates.lead_id
    where not leads.is_duplicate
)

select * from final
