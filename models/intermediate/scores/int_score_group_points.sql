-- One row per scoring date, lead, scoring model and score group with rule points: the group's
-- points (the sum of its rules' counted points), its floor and cap (score_groups), and the
-- adjustment that brings the points within them. Scores at every scoring date come from these
-- groups (int_lead_scores_as_of); the rule-by-rule ledger is written for the as-of date only
-- (int_score_points_capped), where BI reads it.
with

rule_points as (
    select * from {{ ref('int_rule_points') }}
),

score_groups as (
    select * from {{ ref('score_groups') }}
),

group_totals as (
    select
        rule_points.as_of_date,
        rule_points.lead_id,
        rule_points.scoring_model_id,
        score_groups.score_component,
        rule_points.score_group,
        cast(score_groups.min_points as {{ type_double() }}) as min_points,
        cast(score_groups.max_points as {{ type_double() }}) as max_points,
        {{ sum_points('rule_points.counted_points') }} as group_points
    from rule_points
    inner join score_groups
        on
            rule_points.scoring_model_id = score_groups.scoring_model_id
            and rule_points.score_group = score_groups.score_group
    group by
        rule_points.as_of_date,
        rule_points.lead_id,
        rule_points.scoring_model_id,
        score_groups.score_component,
        rule_points.score_group,
        score_groups.min_points,
        score_groups.max_points
),

final as (
    select
        as_of_date,
        lead_id,
        scoring_model_id,
        score_component,
        score_group,
        min_points,
        max_points,
        group_points,
        {{ clamp('group_points', 'min_points', 'max_points') }} - group_points as adjustment_points,
        case
            when group_points > max_points then max_points
            else min_points
        end as binding_limit
    from group_totals
)

select * from final
