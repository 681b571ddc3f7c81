-- One row per scoring model and score decile on the evaluation date (backtest cohort 0): decile 1
-- holds the 10 % highest scores. Conversion rate and lift per decile, and the cumulative gains
-- (share of all conversions caught by the top deciles down to this one).
with

scored as (
    select * from {{ ref('int_evaluation_scores') }}
    where backtest_cohort_number = 0
),

deciles as (
    select
        scoring_model_id,
        evaluation_date,
        score_decile as decile,
        count(*) as lead_count,
        sum(case when has_converted then 1 else 0 end) as conversion_count,
        min(score) as min_score,
        max(score) as max_score
    from scored
    group by scoring_model_id, evaluation_date, score_decile
),

with_totals as (
    select
        *,
        sum(lead_count) over (partition by scoring_model_id, evaluation_date) as total_lead_count,
        sum(conversion_count) over (partition by scoring_model_id, evaluation_date) as total_conversion_count,
        sum(lead_count) over (
            partition by scoring_model_id, evaluation_date order by decile rows between unbounded preceding and current row
        ) as cumulative_lead_count,
        sum(conversion_count) over (
            partition by scoring_model_id, evaluation_date order by decile rows between unbounded preceding and current row
        ) as cumulative_conversion_count
    from deciles
),

final as (
    select
        scoring_model_id,
        evaluation_date,
        cast(decile as {{ dbt.type_int() }}) as decile,
        cast(lead_count as {{ dbt.type_bigint() }}) as lead_count,
        cast(conversion_count as {{ dbt.type_bigint() }}) as conversion_count,
        cast(conversion_count as {{ type_double() }}) / lead_count as conversion_rate,
        {{ lift('conversion_count', 'lead_count', 'total_conversion_count', 'total_lead_count') }} as lift,
        cast(cumulative_lead_count as {{ type_double() }}) / total_lead_count as cumulative_lead_share,
        case
            when total_conversion_count > 0
                then cast(cumulative_conversion_count as {{ type_double() }}) / total_conversion_count
        end as cumulative_conversion_share,
        min_score,
        max_score
    from with_totals
)

select * from final
