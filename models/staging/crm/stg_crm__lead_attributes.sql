-- One row per lead, attribute name and update time: long-format CRM properties, trimmed,
-- attribute names lower-cased. Raw rows that cannot be used (and repeats of the same update) are
-- in stg_crm__lead_attributes_rejected (see base_crm__lead_attributes for the checks).
with

checked as (
    select * from {{ ref('base_crm__lead_attributes') }}
)

select
    lead_id,
    attribute_name,
    attribute_value,
    updated_at
from checked
where rejection_reason is null
