-- One row per raw lead-attribute row (every row of every crm_lead_attributes file): the raw values
-- as text, the typed values and the reason the row cannot be used, if any: missing lead id or
-- attribute name, missing/unparseable/future/implausibly old timestamp, a repeat of the same
-- lead, attribute and update time (the first value in text order is kept) or a lead id the CRM
-- does not hold. stg_crm__lead_attributes takes the rows without a reason,
-- stg_crm__lead_attributes_rejected the others.
with

source as (
    select * from {{ source('crm', 'crm_lead_attributes') }}
),

leads as (
    select lead_id from {{ ref('stg_crm__leads') }}
),

typed as (
    select
        {{ raw_as_text(['lead_id', 'attribute_name', 'attribute_value', 'updated_at']) }},
        nullif(trim(cast(lead_id as {{ dbt.type_string() }})), '') as lead_id,
        nullif(lower(trim(cast(attribute_name as {{ dbt.type_string() }}))), '') as attribute_name,
        nullif(trim(cast(attribute_value as {{ dbt.type_string() }})), '') as attribute_value,
        {{ safe_to_timestamp('updated_at') }} as updated_at
    from source
),

row_checked as (
    select
        *,
        case
            when lead_id is null then 'missing_lead_id'
            when attribute_name is null then 'missing_attribute_name'
            when {{ timestamp_problem('raw_updated_at', 'updated_at') }} is not null
                then {{ timestamp_problem('raw_updated_at', 'updated_at') }}
        end as row_rejection_reason
    from typed
),

ranked as (
    select
        *,
        row_number() over (
            partition by row_rejection_reason, lead_id, attribute_name, updated_at
            order by coalesce(attribute_value, '')
        ) as duplicate_rank
    from row_checked
),

checked as (
    select
        ranked.*,
        case
            when ranked.row_rejection_reason is not null then ranked.row_rejection_reason
            when ranked.duplicate_rank > 1 then 'duplicate_id'
            when leads.lead_id is null then 'unknown_lead_id'
        end as rejection_reason,
        case
            when ranked.row_rejection_reason like '%timestamp%'
                then {{ dbt.concat(["'updated_at: '", "coalesce(ranked.raw_updated_at, 'null')"]) }}
            when ranked.row_rejection_reason = 'missing_lead_id' then 'lead_id is empty'
            when ranked.row_rejection_reason = 'missing_attribute_name' then 'attribute_name is empty'
            when ranked.duplicate_rank > 1
                then {{ dbt.concat([
                    "'attribute '", 'ranked.attribute_name', "' of lead '", 'ranked.lead_id', "' set twice at the same time'"
                ]) }}
            when leads.lead_id is null
                then {{ dbt.concat(["'lead_id '", 'ranked.lead_id', "' is not among the usable CRM leads'"]) }}
        end as rejection_detail
    from ranked
    left join leads
        on ranked.lead_id = leads.lead_id
)

select * from checked
