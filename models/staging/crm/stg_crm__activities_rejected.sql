-- One row per raw CRM activity row that stg_crm__activities does not hold, with the raw values as
-- text and why (see base_crm__activities). Raw rows = rows of stg_crm__activities + rows of this
-- model (tested).
with

checked as (
    select * from {{ ref('base_crm__activities') }}
),

rejected as (
    select
        'crm_activities' as source_table,
        raw_activity_id,
        raw_lead_id,
        raw_activity_type,
        raw_subject,
        raw_occurred_at,
        rejection_reason,
        rejection_detail
    from checked
    where rejection_reason is not null
)

select
    {{ rejected_row_id(['activity_id', 'lead_id', 'activity_type', 'subject', 'occurred_at']) }} as rejected_row_id,
    *
from rejected
