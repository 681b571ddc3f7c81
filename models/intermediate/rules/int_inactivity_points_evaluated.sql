-- One row per scoring date, lead and scoring model whose lead has not engaged for at least one of
-- the model's inactivity thresholds: the most severe applicable inactivity rule and its (negative)
-- points. A lead that never engaged counts as inactive since it was created.
with

population as (
    select * from {{ ref('int_scoring_scope') }}
),

engagement_days as (
    select * from {{ ref('int_lead_engagement_days') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

inactivity_rules as (
    select * from {{ ref('inactivity_rules') }}
),

scored_leads as (
    select distinct
        as_of_date,
        lead_id
    from population
),

last_engagement as (
    select
        scored_leads.as_of_date,
        scored_leads.lead_id,
        max(engagement_days.event_date) as last_engagement_date
    from scored_leads
    left join engagement_days
        on
            scored_leads.lead_id = engagement_days.lead_id
            and scored_leads.as_of_date >= engagement_days.event_date
    group by scored_leads.as_of_date, scored_leads.lead_id
),

inactive_days as (
    select
        last_engagement.as_of_date,
        last_engagement.lead_id,
        last_engagement.last_engagement_date,
        {{ days_between(
            'coalesce(last_engagement.last_engagement_date, cast(leads.created_at as date))',
            'last_engagement.as_of_date',
        ) }} as days_inactive
    from last_engagement
    inner join leads
        on last_engagement.lead_id = leads.lead_id
),

applicable_rules as (
    select
        population.as_of_date,
        population.lead_id,
        population.scoring_model_id,
        inactivity_rules.rule_id,
        inactivity_rules.score_group,
        cast(inactivity_rules.points as {{ type_double() }}) as points,
        inactive_days.days_inactive,
        inactive_days.last_engagement_date,
        row_number() over (
            partition by population.as_of_date, population.lead_id, population.scoring_model_id
            order by inactivity_rules.inactive_days_min desc, inactivity_rules.rule_id asc
        ) as severity_rank
    from population
    inner join inactive_days
        on
            population.as_of_date = inactive_days.as_of_date
            and population.lead_id = inactive_days.lead_id
    inner join inactivity_rules
        on
            population.scoring_model_id = inactivity_rules.scoring_model_id
            and inactive_days.days_inactive >= inactivity_rules.inactive_days_min
),

final as (
    select
        as_of_date,
        lead_id,
        scoring_model_id,
        rule_id,
        'inactivity' as rule_type,
        score_group,
        0 as event_count,
        0 as filtered_event_count,
        0 as counted_event_count,
        points as raw_points,
        points as decayed_points,
        points as counted_points,
        last_engagement_date as last_event_date,
        cast(days_inactive as {{ dbt.type_string() }}) as matched_value
    from applicable_rules
    where severity_rank = 1
)

select * from final
