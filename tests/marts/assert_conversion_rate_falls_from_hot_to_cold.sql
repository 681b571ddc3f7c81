-- The tiers must mean something: for every scoring model, the share of leads that converted
-- (an opportunity was opened for them) is strictly higher for hot than warm, and warm than cold.
-- Tiers with fewer than 20 leads are too small to measure, and a model with such a tier (a small
-- segment) is not judged; but at least one model must be judged in full, so the test cannot pass
-- on data where nothing could be measured. Returns the failing models.
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
),

judged as (
    select *
    from by_model
    where hot_rate is not null and warm_rate is not null and cold_rate is not null
)

select
    scoring_model_id,
    hot_rate,
    warm_rate,
    cold_rate
from judged
where not (hot_rate > warm_rate and warm_rate > cold_rate)

union all

select
    'no scoring model has 20 or more leads in every tier' as scoring_model_id,
    null as hot_rate,
    null as warm_rate,
    null as cold_rate
from (select count(*) as judged_count from judged) as judged_counts
where judged_count = 0
