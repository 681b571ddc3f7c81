-- One row per lead, active scoring model and rule (plus cap and bound adjustments) as of the as-of date:
-- the points ledger behind fct_lead_scores. Per lead and model, counted_points sum to fit_score
-- and engagement_score by component, and weighted_points sum to total_score.
with

ledger as (
    select * from {{ ref('int_score_points_capped') }}
),

scoring_dates as (
    select * from {{ ref('int_scoring_dates') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

final as (
    select
        ledger.lead_id,
        ledger.scoring_model_id,
        ledger.rule_id,
        ledger.rule_type,
        ledger.score_component,
        ledger.score_group,
        ledger.rule_description,
        ledger.matched_value,
        cast(ledger.event_count as {{ dbt.type_bigint() }}) as event_count,
        cast(ledger.filtered_event_count as {{ dbt.type_bigint() }}) as filtered_event_count,
        cast(ledger.counted_event_count as {{ dbt.type_bigint() }}) as counted_event_count,
        cast(ledger.raw_points as {{ type_double() }}) as raw_points,
        cast(ledger.decayed_points as {{ type_double() }}) as decayed_points,
        cast(ledger.counted_points as {{ type_double() }}) as counted_points,
        cast(ledger.component_weight as {{ type_double() }}) as component_weight,
        cast(ledger.weighted_points as {{ type_double() }}) as weighted_points,
        ledger.last_event_date,
        ledger.as_of_date
    from ledger
    inner join scoring_dates
        on ledger.as_of_date = scoring_dates.as_of_date
    inner join scoring_models
        on ledger.scoring_model_id = scoring_models.scoring_model_id
    where scoring_dates.is_current and scoring_models.is_active
)

select * from final
