-- Numeric operators need a number, `between` needs `low|high` with low <= high, and a regex must
-- not be empty. Returns each rule (fit rules, engagement property filters, segment filters,
-- traffic filters, domain classes) whose value cannot work with its operator.
with

rule_values as (
    select
        'fit_rules' as seed_name,
        rule_id as row_key,
        operator,
        rule_value
    from {{ ref('fit_rules') }}
    union all
    select
        'engagement_rules' as seed_name,
        rule_id as row_key,
        property_operator as operator,
        property_value as rule_value
    from {{ ref('engagement_rules') }}
    where property_name is not null
    union all
    select
        'scoring_models' as seed_name,
        scoring_model_id as row_key,
        segment_operator as operator,
        segment_value as rule_value
    from {{ ref('scoring_models') }}
    where segment_attribute is not null
    union all
    select
        'traffic_filters' as seed_name,
        filter_id as row_key,
        match_operator as operator,
        match_value as rule_value
    from {{ ref('traffic_filters') }}
),

checked as (
    select
        *,
        case
            when operator in ('gt', 'gte', 'lt', 'lte')
                then {{ safe_to_double('rule_value') }} is not null
            when operator = 'between'
                then
                    {{ safe_to_double(dbt.split_part('rule_value', "'|'", 1)) }}
                    <= {{ safe_to_double(dbt.split_part('rule_value', "'|'", 2)) }}
            when operator in ('regex', 'in', 'not_in', 'equals', 'not_equals', 'contains', 'starts_with', 'ends_with')
                then rule_value is not null and trim(rule_value) != ''
            else true
        end as is_valid
    from rule_values
)

select * from checked
where not coalesce(is_valid, false)
