-- The tiers must mean something: for every scoring model, the share of leads that converted
-- (an opportunity was opened for them) is strictly higher for hot than warm, and warm than cold.
-- A tier with fewer than 20 leads cannot be judged and fails the test too (it is written for the
-- generated demo data, where every tier is well populated). Returns the failing models.
with

scores as (
    select * from {{ ref('fct_lead_scores') }}
),

converted_leads as (
    select * from {{ ref('int_lead_conversions') }}
),

tier_rates as (
    select
        scores.scoring_model_id,
        scores.tier,
        count(*) as lead_count,
        avg(case when converted_leads.lead_id is not null then 1.0 else 0.0 end) as conversion_rate
    from scores
    left join converted_leads
        on scores.lead_id = converted_leads.lead_id
    group by scores.scoring_model_id, scores.tier
),

by_model as (
    select
        scoring_model_id,
        max(case when tier = 'hot' and lead_count >= 20 then conversion_rate end) as hot_rate,
        max(case when tier = 'warm' and lead_count >= 20 then conversion_rate end) as warm_rate,
        max(case when tier = 'cold' and lead_count >= 20 then conversion_rate end) as cold_rate
    from tier_rates
    group by scoring_model_id
)

select * from by_model
where
    not coalesce(hot_rate > warm_rate, false)
    or not coalesce(warm_rate > cold_rate, false)
