-- One row per raw sales-feedback row that stg_crm__sales_feedback does not hold, with the raw
-- values as text and why (see base_crm__sales_feedback). Raw rows = rows of
-- stg_crm__sales_feedback + rows of this model (tested).
with

checked as (
    select * from {{ ref('base_crm__sales_feedback') }}
),

rejected as (
    select
        'sales_feedback' as source_table,
        raw_feedback_id,
        raw_lead_id,
        raw_rep_id,
        raw_rating,
        raw_disqualification_reason,
        raw_created_at,
        rejection_reason,
        rejection_detail
    from checked
    where rejection_reason is not null
)

select
    {{ rejected_row_id(['feedback_id', 'lead_id', 'rep_id', 'rating', 'disqualification_reason', 'created_at']) }}
        as rejected_row_id,
    *
from rejected
