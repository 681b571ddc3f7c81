-- One row per rule scoring model, tier type and tier on the evaluation date (backtest cohort 0):
-- conversion in the label window by tier (hot / warm / cold), by MQL status (mql / not_mql) and by
-- A1..D3 matrix cell, with lift against the model's overall rate and the median sales cycle (days
-- from lead creation to its first opportunity) of the converted leads.
with

scored as (
    select * from {{ ref('int_evaluation_scores') }}
    where backtest_cohort_number = 0 and model_kind = 'rules'
),

tiered as (
    select
        scoring_model_id,
        evaluation_date,
        'tier' as tier_type,
        tier,
        has_converted,
        days_to_convert
    from scored
    union all
    select
        scoring_model_id,
        evaluation_date,
        'mql' as tier_type,
        case when is_mql then 'mql' else 'not_mql' end as tier,
        has_converted,
        days_to_convert
    from scored
    union all
    select
        scoring_model_id,
        evaluation_date,
        'score_matrix_cell' as tier_type,
        coalesce(score_matrix_cell, 'none') as tier,
        has_converted,
        days_to_convert
    from scored
),

grouped as (
    select
        scoring_model_id,
        evaluation_date,
        tier_type,
        tier,
        count(*) as lead_count,
        sum(case when has_converted then 1 else 0 end) as conversion_count,
        {{ median('days_to_convert') }} as median_days_to_convert
    from tiered
    group by scoring_model_id, evaluation_date, tier_type, tier
),

with_totals as (
    select
        *,
        sum(lead_count) over (partition by scoring_model_id, evaluation_date, tier_type) as total_lead_count,
        sum(conversion_count) over (partition by scoring_model_id, evaluation_date, tier_type) as total_conversion_count
    from grouped
),

final as (
    select
        scoring_model_id,
        evaluation_date,
        tier_type,
        tier,
        cast(lead_count as {{ dbt.type_bigint() }}) as lead_count,
        cast(conversion_count as {{ dbt.type_bigint() }}) as conversion_count,
        cast(conversion_count as {{ type_double() }}) / lead_count as conversion_rate,
        {{ lift('conversion_count', 'lead_count', 'total_conversion_count', 'total_lead_count') }} as lift,
        cast(median_days_to_convert as {{ type_double() }}) as median_days_to_convert
    from with_totals
)

select * from final
