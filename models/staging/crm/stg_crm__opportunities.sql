-- One row per usable opportunity, typed. Raw rows that cannot be used are in
-- stg_crm__opportunities_rejected (see base_crm__opportunities for the checks).
with

checked as (
    select * from {{ ref('base_crm__opportunities') }}
)

select
    opportunity_id,
    lead_id,
    stage,
    amount,
    is_closed,
    is_won,
    created_at,
    closed_at
from checked
where rejection_reason is null
