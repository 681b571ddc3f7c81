-- One row per scoring date, lead, scoring model and engagement rule with matched events in the
-- rule's recency window: events and points before and after decay and frequency caps.
--   raw_points      = points x matched events (no decay, no caps)
--   decayed_points  = sum of points x events x 0.5 ^ (age in days / rule half-life) (no caps)
--   counted_points  = the same after the per-day cap and then the total cap, which keeps the
--                     most recent events (they are worth most under decay)
with

population as (
    select * from {{ ref('int_scoring_population') }}
),

daily_counts as (
    select * from {{ ref('int_engagement_rule_daily_counts') }}
),

engagement_rules as (
    select * from {{ ref('engagement_rules') }}
),

in_window as (
    select
        population.as_of_date,
        population.lead_id,
        population.scoring_model_id,
        daily_counts.rule_id,
        daily_counts.event_date,
        daily_counts.matched_event_count,
        daily_counts.filtered_event_count,
        engagement_rules.score_group,
        cast(engagement_rules.points as {{ type_double() }}) as points,
        engagement_rules.half_life_days,
        engagement_rules.max_per_day,
        engagement_rules.max_total,
        {{ days_between('daily_counts.event_date', 'population.as_of_date') }} as age_days
    from population
    inner join daily_counts
        on
            population.lead_id = daily_counts.lead_id
            and population.scoring_model_id = daily_counts.scoring_model_id
            and population.as_of_date >= daily_counts.event_date
    inner join engagement_rules
        on
            daily_counts.scoring_model_id = engagement_rules.scoring_model_id
            and daily_counts.rule_id = engagement_rules.rule_id
    where
        engagement_rules.window_days is null
        or {{ days_between('daily_counts.event_date', 'population.as_of_date') }} < engagement_rules.window_days
),

day_capped as (
    select
        *,
        case
            when max_per_day is null then matched_event_count
            when matched_event_count < max_per_day then matched_event_count
            else max_per_day
        end as day_capped_count,
        {{ decay_factor('age_days', 'half_life_days') }} as decay_weight
    from in_window
),

running_totals as (
    select
        *,
        coalesce(
            sum(day_capped_count) over (
                partition by as_of_date, lead_id, scoring_model_id, rule_id
                order by event_date desc
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as counted_before
    from day_capped
),

total_capped as (
    select
        *,
        case
            when max_total is null then day_capped_count
            when max_total - counted_before <= 0 then 0
            when max_total - counted_before < day_capped_count then max_total - counted_before
            else day_capped_count
        end as counted_event_count
    from running_totals
),

final as (
    select
        as_of_date,
        lead_id,
        scoring_model_id,
        rule_id,
        'engagement' as rule_type,
        score_group,
        cast(sum(matched_event_count) as {{ dbt.type_bigint() }}) as event_count,
        cast(sum(filtered_event_count) as {{ dbt.type_bigint() }}) as filtered_event_count,
        cast(sum(counted_event_count) as {{ dbt.type_bigint() }}) as counted_event_count,
        {{ sum_points('points * matched_event_count') }} as raw_points,
        {{ sum_points('points * matched_event_count * decay_weight') }} as decayed_points,
        {{ sum_points('points * counted_event_count * decay_weight') }} as counted_points,
        max(case when matched_event_count > 0 then event_date end) as last_event_date,
        cast(null as {{ dbt.type_string() }}) as matched_value
    from total_capped
    group by as_of_date, lead_id, scoring_model_id, rule_id, score_group
)

select * from final
