-- The points ledger at the as-of date: one row per lead, scoring model and rule (fit, engagement,
-- inactivity), plus one adjustment row where a score group's cap binds (rule_id `cap:<group>`,
-- from int_score_group_points) and one where a component leaves 0..100 (rule_id
-- `bound:<component>`). Summing counted_points per component gives that component's score;
-- summing weighted_points gives the total score. Past scoring dates (history, backtests) need only
-- the scores, which int_lead_scores_as_of takes from the groups: no rule rows are kept for them.
with

scoring_dates as (
    select * from {{ ref('int_scoring_dates') }}
),

group_points as (
    select * from {{ ref('int_score_group_points') }}
),

all_rule_points as (
    select * from {{ ref('int_rule_points') }}
),

score_groups as (
    select * from {{ ref('score_groups') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

fit_rules as (
    select * from {{ ref('fit_rules') }}
),

engagement_rules as (
    select * from {{ ref('engagement_rules') }}
),

inactivity_rules as (
    select * from {{ ref('inactivity_rules') }}
),

rule_descriptions as (
    select
        scoring_model_id,
        rule_id,
        description
    from fit_rules
    union all
    select
        scoring_model_id,
        rule_id,
        description
    from engagement_rules
    union all
    select
        scoring_model_id,
        rule_id,
        description
    from inactivity_rules
),

current_dates as (
    select as_of_date
    from scoring_dates
    where is_current
),

rule_points as (
    select all_rule_points.*
    from all_rule_points
    inner join current_dates
        on all_rule_points.as_of_date = current_dates.as_of_date
),

rule_rows as (
    select
        rule_points.as_of_date,
        rule_points.lead_id,
        rule_points.scoring_model_id,
        rule_points.rule_id,
        rule_points.rule_type,
        score_groups.score_component,
        rule_points.score_group,
        rule_descriptions.description as rule_description,
        rule_points.matched_value,
        rule_points.event_count,
        rule_points.filtered_event_count,
        rule_points.counted_event_count,
        rule_points.raw_points,
        rule_points.decayed_points,
        rule_points.counted_points,
        rule_points.last_event_date
    from rule_points
    inner join score_groups
        on
            rule_points.scoring_model_id = score_groups.scoring_model_id
            and rule_points.score_group = score_groups.score_group
    left join rule_descriptions
        on
            rule_points.scoring_model_id = rule_descriptions.scoring_model_id
            and rule_points.rule_id = rule_descriptions.rule_id
),

group_caps as (
    select group_points.*
    from group_points
    inner join current_dates
        on group_points.as_of_date = current_dates.as_of_date
),

group_cap_rows as (
    select
        as_of_date,
        lead_id,
        scoring_model_id,
        {{ dbt.concat(["'cap:'", 'score_group']) }} as rule_id,
        'group_cap' as rule_type,
        score_component,
        score_group,
        {{ dbt.concat([
            "'Points in group '", 'score_group', "' limited to '",
            number_as_text('binding_limit'),
        ]) }} as rule_description,
        cast(null as {{ dbt.type_string() }}) as matched_value,
        0 as event_count,
        0 as filtered_event_count,
        0 as counted_event_count,
        0.0 as raw_points,
        0.0 as decayed_points,
        adjustment_points as counted_points,
        cast(null as date) as last_event_date
    from group_caps
    -- sums of decayed points carry floating-point noise: a cap "binds" only beyond it
    where abs(adjustment_points) > 0.000000001
),

component_totals as (
    select
        as_of_date,
        lead_id,
        scoring_model_id,
        score_component,
        {{ sum_points('group_points + adjustment_points') }} as component_points
    from group_caps
    group by as_of_date, lead_id, scoring_model_id, score_component
),

component_bound_rows as (
    select
        as_of_date,
        lead_id,
        scoring_model_id,
        {{ dbt.concat(["'bound:'", 'score_component']) }} as rule_id,
        'component_bound' as rule_type,
        score_component,
        cast(null as {{ dbt.type_string() }}) as score_group,
        {{ dbt.concat(["'The '", 'score_component', "' score stays between 0 and 100'"]) }} as rule_description,
        cast(null as {{ dbt.type_string() }}) as matched_value,
        0 as event_count,
        0 as filtered_event_count,
        0 as counted_event_count,
        0.0 as raw_points,
        0.0 as decayed_points,
        {{ clamp('component_points', '0.0', '100.0') }} - component_points as counted_points,
        cast(null as date) as last_event_date
    from component_totals
    where abs({{ clamp('component_points', '0.0', '100.0') }} - component_points) > 0.000000001
),

ledger as (
    select * from rule_rows
    union all
    select * from group_cap_rows
    union all
    select * from component_bound_rows
),

final as (
    select
        ledger.*,
        case ledger.score_component
            when 'fit' then cast(scoring_models.fit_weight as {{ type_double() }})
            when 'engagement' then cast(scoring_models.engagement_weight as {{ type_double() }})
        end as component_weight,
        ledger.counted_points * case ledger.score_component
            when 'fit' then cast(scoring_models.fit_weight as {{ type_double() }})
            when 'engagement' then cast(scoring_models.engagement_weight as {{ type_double() }})
        end as weighted_points
    from ledger
    inner join scoring_models
        on ledger.scoring_model_id = scoring_models.scoring_model_id
)

select * from final
