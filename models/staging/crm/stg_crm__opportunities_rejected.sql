-- One row per raw opportunity row that stg_crm__opportunities does not hold, with the raw values
-- as text and why (see base_crm__opportunities). Raw rows = rows of stg_crm__opportunities + rows
-- of this model (tested).
with

checked as (
    select * from {{ ref('base_crm__opportunities') }}
),

rejected as (
    select
        'opportunities' as source_table,
        raw_opportunity_id,
        raw_lead_id,
        raw_stage,
        raw_amount,
        raw_is_closed,
        raw_is_won,
        raw_created_at,
        raw_closed_at,
        rejection_reason,
        rejection_detail
    from checked
    where rejection_reason is not null
)

select
    {{ rejected_row_id(['opportunity_id', 'lead_id', 'stage', 'amount', 'is_closed', 'is_won', 'created_at', 'closed_at']) }}
        as rejected_row_id,
    *
from rejected
