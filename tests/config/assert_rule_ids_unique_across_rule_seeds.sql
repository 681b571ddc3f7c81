-- A rule id must be unique within its scoring model across fit, engagement and inactivity rules:
-- the points ledger is keyed by it. Returns each clash.
with

rule_ids as (
    select
        scoring_model_id,
        rule_id,
        'fit_rules' as seed_name
    from {{ ref('fit_rules') }}
    union all
    select
        scoring_model_id,
        rule_id,
        'engagement_rules' as seed_name
    from {{ ref('engagement_rules') }}
    union all
    select
        scoring_model_id,
        rule_id,
        'inactivity_rules' as seed_name
    from {{ ref('inactivity_rules') }}
)

select
    scoring_model_id,
    rule_id,
    count(*) as rule_count
from rule_ids
group by scoring_model_id, rule_id
having count(*) > 1
