-- One row per canonical lead, fit rule and attribute version the rule matches: the rule's points
-- apply to the lead while that version is valid (valid_to_date exclusive, null = still valid).
-- Rules are evaluated once per distinct attribute value, then joined back to every lead holding
-- that value (many leads share a value; a regex read from a column compiles once per row).
with

fit_rules as (
    select * from {{ ref('fit_rules') }}
),

attribute_versions as (
    select * from {{ ref('int_lead_attribute_versions') }}
),

distinct_values as (
    select distinct
        attribute_name,
        attribute_value
    from attribute_versions
),

value_matches as (
    select
        fit_rules.scoring_model_id,
        fit_rules.rule_id,
        fit_rules.score_group,
        cast(fit_rules.points as {{ type_double() }}) as points,
        distinct_values.attribute_name,
        distinct_values.attribute_value
    from fit_rules
    inner join distinct_values
        on lower(trim(fit_rules.attribute_name)) = distinct_values.attribute_name
    where {{ rule_condition('fit_rules.operator', 'distinct_values.attribute_value', 'fit_rules.rule_value') }}
),

final as (
    select
        attribute_versions.lead_id,
        value_matches.scoring_model_id,
        value_matches.rule_id,
        value_matches.score_group,
        attribute_versions.attribute_name,
        attribute_versions.attribute_value,
        value_matches.points,
        attribute_versions.valid_from_date,
        attribute_versions.valid_to_date
    from attribute_versions
    inner join value_matches
        on
            attribute_versions.attribute_name = value_matches.attribute_name
            -- attribute values are never '' (staging turns empty text into null), so '' can
            -- stand for null in an equi-join that every engine can hash
            and coalesce(attribute_versions.attribute_value, '') = coalesce(value_matches.attribute_value, '')
)

select * from final
