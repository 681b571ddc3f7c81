-- One row per raw lead-attribute row that stg_crm__lead_attributes does not hold, with the raw
-- values as text and why (see base_crm__lead_attributes). Raw rows = rows of
-- stg_crm__lead_attributes + rows of this model (tested).
with

checked as (
    select * from {{ ref('base_crm__lead_attributes') }}
),

rejected as (
    select
        'crm_lead_attributes' as source_table,
        raw_lead_id,
        raw_attribute_name,
        raw_attribute_value,
        raw_updated_at,
        rejection_reason,
        rejection_detail
    from checked
    where rejection_reason is not null
)

select
    {{ rejected_row_id(['lead_id', 'attribute_name', 'attribute_value', 'updated_at']) }} as rejected_row_id,
    *
from rejected
