-- One row per canonical lead, scoring model and period in which the lead belongs to the model's
-- segment (valid_to_date exclusive, null = still). A model without a segment filter takes every
-- lead from its creation. Candidate models (is_active = false) are matched too: they are scored
-- for the evaluation reports only.
with

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

attribute_versions as (
    select * from {{ ref('int_lead_attribute_versions') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

unfiltered_models as (
    select
        leads.lead_id,
        scoring_models.scoring_model_id,
        cast(leads.created_at as date) as valid_from_date,
        cast(null as date) as valid_to_date,
        scoring_models.is_active
    from leads
    cross join scoring_models
    where
        not leads.is_duplicate
        and scoring_models.segment_attribute is null
),

filtered_models as (
    select
        attribute_versions.lead_id,
        scoring_models.scoring_model_id,
        attribute_versions.valid_from_date,
        attribute_versions.valid_to_date,
        scoring_models.is_active
    from scoring_models
    inner join attribute_versions
        on lower(trim(scoring_models.segment_attribute)) = attribute_versions.attribute_name
    where
        {{ rule_condition(
            'scoring_models.segment_operator',
            'attribute_versions.attribute_value',
            'scoring_models.segment_value',
        ) }}
)

select * from unfiltered_models
union all
select * from filtered_models
