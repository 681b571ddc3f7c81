{%- set crm_attributes = [
    'job_title', 'seniority', 'company_name', 'company_domain', 'industry', 'country', 'lead_source',
    'owner_id', 'email_domain', 'email_domain_class', 'employee_count', 'annual_revenue',
] -%}
{%- set numeric_attributes = ['employee_count', 'annual_revenue'] -%}
-- One row per canonical lead, attribute and version: every scoreable property of a lead as text,
-- with the dates it was valid (valid_from_date inclusive, valid_to_date exclusive, null = still valid).
-- CRM columns (industry, employee_count, seniority, email_domain_class, ...) are valid from the
-- lead's creation; long-format CRM attributes from each update. For attributes that rules refer
-- to, the time before a lead had a value is a null version, so is_null / not_equals rules see it.
with

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

attribute_updates as (
    select * from {{ ref('stg_crm__lead_attributes') }}
),

fit_rules as (
    select * from {{ ref('fit_rules') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

canonical_leads as (
    select
        lead_id,
        cast(created_at as date) as created_date
    from leads
    where not is_duplicate
),

crm_column_versions as (
    {% for attribute in crm_attributes -%}
        select
            lead_id,
            '{{ attribute }}' as attribute_name,
            {% if attribute in numeric_attributes -%}
                {{ number_as_text(attribute) }}
            {%- else -%}
                cast({{ attribute }} as {{ dbt.type_string() }})
            {%- endif %} as attribute_value,
            cast(created_at as date) as valid_from_date
        from leads
        where not is_duplicate
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

daily_updates as (
    -- Attributes recorded on a duplicate lead id belong to its canonical lead; the last update
    -- of a day wins.
    select
        leads.canonical_lead_id as lead_id,
        attribute_updates.attribute_name,
        attribute_updates.attribute_value,
        cast(attribute_updates.updated_at as date) as valid_from_date,
        row_number() over (
            partition by leads.canonical_lead_id, attribute_updates.attribute_name, cast(attribute_updates.updated_at as date)
            order by attribute_updates.updated_at desc, attribute_updates.attribute_value asc
        ) as update_rank
    from attribute_updates
    inner join leads
        on attribute_updates.lead_id = leads.lead_id
),

long_versions as (
    select
        lead_id,
        attribute_name,
        attribute_value,
        valid_from_date
    from daily_updates
    where update_rank = 1
),

referenced_long_attributes as (
    select attribute_name
    from (
        select lower(trim(attribute_name)) as attribute_name from fit_rules
        union
        select lower(trim(segment_attribute)) as attribute_name from scoring_models
        where segment_attribute is not null
    ) as referenced
    where attribute_name not in (
        {%- for attribute in crm_attributes %}
            '{{ attribute }}'{% if not loop.last %},{% endif %}
        {%- endfor %}
    )
),

first_long_values as (
    select
        lead_id,
        attribute_name,
        min(valid_from_date) as first_valid_from_date
    from long_versions
    group by lead_id, attribute_name
),

null_gap_versions as (
    select
        canonical_leads.lead_id,
        referenced_long_attributes.attribute_name,
        cast(null as {{ dbt.type_string() }}) as attribute_value,
        canonical_leads.created_date as valid_from_date
    from canonical_leads
    cross join referenced_long_attributes
    left join first_long_values
        on
            canonical_leads.lead_id = first_long_values.lead_id
            and referenced_long_attributes.attribute_name = first_long_values.attribute_name
    where
        first_long_values.first_valid_from_date is null
        or first_long_values.first_valid_from_date > canonical_leads.created_date
),

all_versions as (
    select * from crm_column_versions
    union all
    select * from long_versions
    union all
    select * from null_gap_versions
),

final as (
    select
        lead_id,
        attribute_name,
        attribute_value,
        valid_from_date,
        lead(valid_from_date) over (
            partition by lead_id, attribute_name
            order by valid_from_date
        ) as valid_to_date
    from all_versions
)

select * from final
