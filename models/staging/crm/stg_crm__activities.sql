-- One row per usable CRM activity (meeting, call, webinar, event), typed. Raw rows that cannot be
-- used are in stg_crm__activities_rejected (see base_crm__activities for the checks).
with

checked as (
    select * from {{ ref('base_crm__activities') }}
)

select
    activity_id,
    lead_id,
    activity_type,
    activity_subject,
    occurred_at
from checked
where rejection_reason is null
