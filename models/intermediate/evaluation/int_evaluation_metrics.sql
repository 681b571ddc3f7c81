-- One row per evaluation date and scoring model (int_evaluation_scores): how well the model's score
-- ranked the leads that converted in the label window after that date.
-- * roc_auc: chance that a converted lead outscores an unconverted one (ties count half), from the
--   Mann-Whitney rank sum; null when the date has no conversion or nothing but conversions.
-- * pr_auc: average precision, the mean over converted leads of the precision among leads scoring at
--   least as high (sklearn's average_precision_score, ties taken together).
-- * top decile: the 10 % highest scores (ties at the boundary split by lead_id).
-- * MQL: leads that were MQL that day (rule models); the share of conversions they caught.
with

scored as (
    select * from {{ ref('int_evaluation_scores') }}
),

totals as (
    select
        evaluation_date,
        scoring_model_id,
        max(backtest_cohort_number) as backtest_cohort_number,
        max(holdout_method) as holdout_method,
        max(label_window_end_date) as label_window_end_date,
        max(model_kind) as model_kind,
        max(case when is_active then 1 else 0 end) = 1 as is_active,
        count(*) as lead_count,
        sum(case when has_converted then 1 else 0 end) as conversion_count,
        sum(case when has_converted then score_mid_rank else 0 end) as converted_rank_sum,
        sum(case when score_decile = 1 then 1 else 0 end) as top_decile_lead_count,
        sum(case when score_decile = 1 and has_converted then 1 else 0 end) as top_decile_conversion_count,
        sum(case when is_mql then 1 else 0 end) as mql_count,
        sum(case when is_mql and has_converted then 1 else 0 end) as mql_conversion_count,
        {{ median('days_to_convert') }} as median_days_to_convert
    from scored
    group by evaluation_date, scoring_model_id
),

score_levels as (
    select
        evaluation_date,
        scoring_model_id,
        score,
        count(*) as lead_count,
        sum(case when has_converted then 1 else 0 end) as conversion_count
    from scored
    group by evaluation_date, scoring_model_id, score
),

cumulative as (
    select
        evaluation_date,
        scoring_model_id,
        conversion_count,
        sum(lead_count) over (
            partition by evaluation_date, scoring_model_id order by score desc rows between unbounded preceding and current row
        ) as leads_at_or_above,
        sum(conversion_count) over (
            partition by evaluation_date, scoring_model_id order by score desc rows between unbounded preceding and current row
        ) as conversions_at_or_above
    from score_levels
),

precision_sums as (
    select
        evaluation_date,
        scoring_model_id,
        -- Summed as decimals (sum_points): the same result whatever order parallel threads add in.
        {{ sum_points('conversion_count * cast(conversions_at_or_above as ' ~ type_double() ~ ') / leads_at_or_above') }}
            as precision_sum
    from cumulative
    group by evaluation_date, scoring_model_id
),

final as (
    select
        totals.evaluation_date,
        cast(totals.backtest_cohort_number as {{ dbt.type_int() }}) as backtest_cohort_number,
        totals.holdout_method,
        totals.label_window_end_date,
        totals.scoring_model_id,
        totals.model_kind,
        totals.is_active,
        cast(totals.lead_count as {{ dbt.type_bigint() }}) as lead_count,
        cast(totals.conversion_count as {{ dbt.type_bigint() }}) as conversion_count,
        cast(totals.conversion_count as {{ type_double() }}) / totals.lead_count as conversion_rate,
        case
            when totals.conversion_count > 0 and totals.conversion_count < totals.lead_count
                then (
                    totals.converted_rank_sum
                    - cast(totals.conversion_count as {{ type_double() }}) * (totals.conversion_count + 1) / 2
                )
                / (cast(totals.conversion_count as {{ type_double() }}) * (totals.lead_count - totals.conversion_count))
        end as roc_auc,
        case
            when totals.conversion_count > 0
                then precision_sums.precision_sum / totals.conversion_count
        end as pr_auc,
        case
            when totals.top_decile_lead_count > 0
                then cast(totals.top_decile_conversion_count as {{ type_double() }}) / totals.top_decile_lead_count
        end as top_decile_conversion_rate,
        case
            when totals.top_decile_lead_count > 0
                then {{ lift(
                    'totals.top_decile_conversion_count',
                    'totals.top_decile_lead_count',
                    'totals.conversion_count',
                    'totals.lead_count',
                ) }}
        end as top_decile_lift,
        case when totals.model_kind = 'rules' then cast(totals.mql_count as {{ dbt.type_bigint() }}) end as mql_count,
        case
            when totals.model_kind = 'rules' and totals.mql_count > 0
                then cast(totals.mql_conversion_count as {{ type_double() }}) / totals.mql_count
        end as mql_conversion_rate,
        case
            when totals.model_kind = 'rules' and totals.conversion_count > 0
                then cast(totals.mql_conversion_count as {{ type_double() }}) / totals.conversion_count
        end as mql_conversion_share,
        cast(totals.median_days_to_convert as {{ type_double() }}) as median_days_to_convert
    from totals
    left join precision_sums
        on
            totals.evaluation_date = precision_sums.evaluation_date
            and totals.scoring_model_id = precision_sums.scoring_model_id
)

select * from final
