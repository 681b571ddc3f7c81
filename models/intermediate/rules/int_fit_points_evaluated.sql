-- One row per scoring date, lead, scoring model and fit rule that matched the lead's attributes
-- as they were on that date.
with

population as (
    select * from {{ ref('int_scoring_scope') }}
),

fit_matches as (
    select * from {{ ref('int_fit_rules_matched') }}
),

final as (
    select
        population.as_of_date,
        population.lead_id,
        population.scoring_model_id,
        fit_matches.rule_id,
        'fit' as rule_type,
        fit_matches.score_group,
        1 as event_count,
        0 as filtered_event_count,
        1 as counted_event_count,
        fit_matches.points as raw_points,
        fit_matches.points as decayed_points,
        fit_matches.points as counted_points,
        cast(null as date) as last_event_date,
        fit_matches.attribute_value as matched_value
    from population
    inner join fit_matches
        on
            population.lead_id = fit_matches.lead_id
            and population.scoring_model_id = fit_matches.scoring_model_id
            and population.as_of_date >= fit_matches.valid_from_date
            and (fit_matches.valid_to_date is null or population.as_of_date < fit_matches.valid_to_date)
)

select * from final
