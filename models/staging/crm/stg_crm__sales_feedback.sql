-- One row per usable rating or disqualification a sales rep gave a lead, typed. Raw rows that
-- cannot be used are in stg_crm__sales_feedback_rejected (see base_crm__sales_feedback).
with

checked as (
    select * from {{ ref('base_crm__sales_feedback') }}
)

select
    feedback_id,
    lead_id,
    rep_id,
    disqualification_reason,
    rating,
    created_at,
    case when disqualification_reason is not null then 'disqualification' else 'rating' end as feedback_type
from checked
where rejection_reason is null
