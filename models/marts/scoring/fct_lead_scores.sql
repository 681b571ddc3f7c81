-- One row per lead per active scoring model, scored as of the as-of date: the public score mart.
-- Candidate models (scoring_models.is_active = false) are left to the evaluation reports.
with

scores as (
    select * from {{ ref('int_lead_scores_as_of') }}
),

ledger as (
    select * from {{ ref('int_score_points_capped') }}
),

scoring_dates as (
    select * from {{ ref('int_scoring_dates') }}
),

current_scores as (
    select * from scores
    where is_current and is_active_model
),

reason_candidates as (
    select
        ledger.lead_id,
        ledger.scoring_model_id,
        {{ dbt.concat([
            'ledger.rule_description',
            "' ('",
            "case when ledger.weighted_points > 0 then '+' else '' end",
            'cast(cast(ledger.weighted_points as decimal(10, 1)) as ' ~ dbt.type_string() ~ ')',
            "')'",
        ]) }} as reason,
        row_number() over (
            partition by ledger.lead_id, ledger.scoring_model_id
            order by abs(ledger.weighted_points) desc, ledger.rule_id
        ) as reason_rank
    from ledger
    inner join scoring_dates
        on ledger.as_of_date = scoring_dates.as_of_date
    inner join current_scores
        on
            ledger.lead_id = current_scores.lead_id
            and ledger.scoring_model_id = current_scores.scoring_model_id
    where
        scoring_dates.is_current
        and ledger.rule_type in ('fit', 'engagement', 'inactivity')
        and abs(ledger.weighted_points) >= 0.05
),

top_reasons as (
    select
        lead_id,
        scoring_model_id,
        max(case when reason_rank = 1 then reason end) as reason_1,
        max(case when reason_rank = 2 then reason end) as reason_2,
        max(case when reason_rank = 3 then reason end) as reason_3
    from reason_candidates
    where reason_rank <= 3
    group by lead_id, scoring_model_id
),

final as (
    select
        current_scores.lead_id,
        current_scores.scoring_model_id,
        cast(current_scores.fit_score as {{ type_double() }}) as fit_score,
        cast(current_scores.engagement_score as {{ type_double() }}) as engagement_score,
        cast(current_scores.total_score as {{ type_double() }}) as total_score,
        current_scores.fit_grade,
        current_scores.engagement_level,
        current_scores.score_matrix_cell,
        current_scores.tier,
        current_scores.is_mql,
        current_scores.is_sql,
        current_scores.is_disqualified,
        coalesce(
            top_reasons.reason_1
            || coalesce('; ' || top_reasons.reason_2, '')
            || coalesce('; ' || top_reasons.reason_3, ''),
            'No scoring rule applies'
        ) as top_reasons,
        current_scores.as_of_date,
        cast({{ add_days('current_scores.as_of_date', 1) }} as {{ dbt.type_timestamp() }}) as scored_at
    from current_scores
    left join top_reasons
        on
            current_scores.lead_id = top_reasons.lead_id
            and current_scores.scoring_model_id = top_reasons.scoring_model_id
)

select * from final
