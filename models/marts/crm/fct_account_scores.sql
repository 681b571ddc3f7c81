-- One row per account (company domain) per scoring model, rolled up from its scored leads:
-- fit of the best-fitting contact, engagement of the whole buying group (summed, capped at 100),
-- combined with the model's fit/engagement weights. Leads without a company domain have no account.
with

lead_scores as (
    select * from {{ ref('fct_lead_scores') }}
),

leads as (
    select * from {{ ref('dim_leads') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

thresholds as (
    select * from {{ ref('score_thresholds') }}
),

rolled_up as (
    select
        leads.company_domain as account_domain,
        lead_scores.scoring_model_id,
        max(leads.company_name) as company_name,
        count(*) as lead_count,
        sum(case when lead_scores.tier = 'hot' then 1 else 0 end) as hot_lead_count,
        sum(case when lead_scores.is_mql then 1 else 0 end) as mql_count,
        sum(case when lead_scores.is_sql then 1 else 0 end) as sql_count,
        max(lead_scores.fit_score) as account_fit_score,
        {{ sum_points('lead_scores.engagement_score') }} as summed_engagement_score,
        max(lead_scores.total_score) as max_lead_total_score,
        max(lead_scores.as_of_date) as as_of_date
    from lead_scores
    inner join leads
        on lead_scores.lead_id = leads.lead_id
    where leads.company_domain is not null
    group by leads.company_domain, lead_scores.scoring_model_id
),

scored as (
    select
        rolled_up.*,
        {{ clamp('rolled_up.summed_engagement_score', '0.0', '100.0') }} as account_engagement_score,
        cast(scoring_models.fit_weight as {{ type_double() }}) * rolled_up.account_fit_score
        + cast(scoring_models.engagement_weight as {{ type_double() }})
        * {{ clamp('rolled_up.summed_engagement_score', '0.0', '100.0') }} as account_score
    from rolled_up
    inner join scoring_models
        on rolled_up.scoring_model_id = scoring_models.scoring_model_id
),

final as (
    select
        scored.account_domain,
        scored.scoring_model_id,
        scored.company_name,
        cast(scored.lead_count as {{ dbt.type_int() }}) as lead_count,
        cast(scored.hot_lead_count as {{ dbt.type_int() }}) as hot_lead_count,
        cast(scored.mql_count as {{ dbt.type_int() }}) as mql_count,
        cast(scored.sql_count as {{ dbt.type_int() }}) as sql_count,
        cast(scored.account_fit_score as {{ type_double() }}) as account_fit_score,
        cast(scored.account_engagement_score as {{ type_double() }}) as account_engagement_score,
        cast(scored.account_score as {{ type_double() }}) as account_score,
        cast(scored.max_lead_total_score as {{ type_double() }}) as max_lead_total_score,
        case
            when scored.account_score >= thresholds.hot_min_score then 'hot'
            when scored.account_score >= thresholds.warm_min_score then 'warm'
            else 'cold'
        end as account_tier,
        scored.as_of_date
    from scored
    inner join thresholds
        on scored.scoring_model_id = thresholds.scoring_model_id
)

select * from final
