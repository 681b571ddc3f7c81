-- Where should the hot / warm / MQL thresholds sit? For every scoring model, leads by 5-point
-- total-score band with how many converted (an opportunity was opened) and the cumulative MQL
-- volume if the threshold were the band's lower bound.
-- Run: .venv/bin/dbt compile --select threshold_tuning, then the SQL in target/compiled/.
with

scores as (
    select * from {{ ref('fct_lead_scores') }}
),

converted_leads as (
    select * from {{ ref('int_lead_conversions') }}
),

banded as (
    select
        scores.scoring_model_id,
        cast(floor(scores.total_score / 5) * 5 as {{ dbt.type_int() }}) as score_band_floor,
        case when converted_leads.lead_id is not null then 1 else 0 end as has_converted
    from scores
    left join converted_leads
        on scores.lead_id = converted_leads.lead_id
),

by_band as (
    select
        scoring_model_id,
        score_band_floor,
        count(*) as lead_count,
        sum(has_converted) as converted_count,
        avg(cast(has_converted as {{ type_double() }})) as conversion_rate
    from banded
    group by scoring_model_id, score_band_floor
)

select
    scoring_model_id,
    score_band_floor,
    lead_count,
    converted_count,
    conversion_rate,
    sum(lead_count) over (
        partition by scoring_model_id
        order by score_band_floor desc
        rows between unbounded preceding and current row
    ) as leads_at_or_above
from by_band
order by scoring_model_id asc, score_band_floor desc
