-- One row per scoring date, lead, scoring model and score group with rule points: the group's
-- points (the sum of its rules' counted points), its floor and cap (score_groups), and the
-- adjustment that brings the points within them. Scores at every scoring date come from these
-- groups (int_lead_scores_as_of); the rule-by-rule ledger is written for the as-of date only
-- (int_score_points_capped), where BI reads it.
{%- set buckets = lead_bucket_count(ref('int_rule_points')) %}
with

score_groups as (
    select * from {{ ref('score_groups') }}
),

-- the points per group, keyed narrowly (the group's floor, cap and component are joined after). At
-- 1M leads this is ~230M groups: on DuckDB it runs as one aggregate per lead bucket, one after the
-- other (macro lead_bucket_count: one bucket per 100M rule points; a daily run has one), reading the
-- rule points with ref() in each (a CTE read more than once would be copied).
group_totals as (
    {%- for bucket in range(buckets) %}
        select
            as_of_date,
            lead_id,
            scoring_model_id,
            score_group,
            {{ sum_points('counted_points') }} as group_points
        from {{ ref('int_rule_points') }}
        {%- if buckets > 1 %}
            where {{ lead_in_bucket('lead_id', bucket, buckets) }}
        {%- endif %}
        group by
            as_of_date,
            lead_id,
            scoring_model_id,
            score_group
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

group_limits as (
    select
        group_totals.as_of_date,
        group_totals.lead_id,
        group_totals.scoring_model_id,
        score_groups.score_component,
        group_totals.score_group,
        cast(score_groups.min_points as {{ type_double() }}) as min_points,
        cast(score_groups.max_points as {{ type_double() }}) as max_points,
        group_totals.group_points
    from group_totals
    inner join score_groups
        on
            group_totals.scoring_model_id = score_groups.scoring_model_id
            and group_totals.score_group = score_groups.score_group
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
    from group_limits
)

select * from final
