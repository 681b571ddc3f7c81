-- One row per raw opportunity row (every row of every opportunities file): the raw values as
-- text, the typed values and the reason the row cannot be used, if any: missing id or lead id,
-- missing/unparseable/future/implausibly old timestamp, an amount that is not a number or is
-- negative, a repeated opportunity id (the first created is kept) or a lead id the CRM does not
-- hold. stg_crm__opportunities takes the rows without a reason, stg_crm__opportunities_rejected
-- the others.
with

source as (
    select * from {{ source('crm', 'opportunities') }}
),

leads as (
    select lead_id from {{ ref('stg_crm__leads') }}
),

typed as (
    select
        {{ raw_as_text(['opportunity_id', 'lead_id', 'stage', 'amount', 'is_closed', 'is_won', 'created_at', 'closed_at']) }},
        nullif(trim(cast(opportunity_id as {{ dbt.type_string() }})), '') as opportunity_id,
        nullif(trim(cast(lead_id as {{ dbt.type_string() }})), '') as lead_id,
        lower(trim(cast(stage as {{ dbt.type_string() }}))) as stage,
        {{ safe_to_double('cast(amount as ' ~ dbt.type_string() ~ ')') }} as amount,
        coalesce(lower(trim(cast(is_closed as {{ dbt.type_string() }}))) in ('true', 't', '1', 'yes'), false) as is_closed,
        coalesce(lower(trim(cast(is_won as {{ dbt.type_string() }}))) in ('true', 't', '1', 'yes'), false) as is_won,
        {{ safe_to_timestamp('created_at') }} as created_at,
        {{ safe_to_timestamp('closed_at') }} as closed_at
    from source
),

row_checked as (
    select
        *,
        case
            when opportunity_id is null then 'missing_id'
            when lead_id is null then 'missing_lead_id'
            when {{ timestamp_problem('raw_created_at', 'created_at') }} is not null
                then {{ timestamp_problem('raw_created_at', 'created_at') }}
            when {{ timestamp_problem('raw_closed_at', 'closed_at', required=false) }} is not null
                then {{ timestamp_problem('raw_closed_at', 'closed_at', required=false) }}
            when nullif(trim(raw_amount), '') is not null and amount is null then 'invalid_number'
            when amount < 0 then 'negative_number'
        end as row_rejection_reason
    from typed
),

ranked as (
    select
        *,
        row_number() over (
            partition by row_rejection_reason, opportunity_id
            order by created_at, lead_id, stage, coalesce(amount, 0)
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
                then {{ dbt.concat([
                    "'created_at: '", "coalesce(ranked.raw_created_at, 'null')",
                    "', closed_at: '", "coalesce(ranked.raw_closed_at, 'null')"
                ]) }}
            when ranked.row_rejection_reason in ('invalid_number', 'negative_number')
                then {{ dbt.concat(["'amount: '", 'ranked.raw_amount']) }}
            when ranked.row_rejection_reason = 'missing_id' then 'opportunity_id is empty'
            when ranked.row_rejection_reason = 'missing_lead_id' then 'lead_id is empty'
            when ranked.duplicate_rank > 1 then {{ dbt.concat(["'opportunity_id seen before: '", 'ranked.opportunity_id']) }}
            when leads.lead_id is null
                then {{ dbt.concat(["'lead_id '", 'ranked.lead_id', "' is not among the usable CRM leads'"]) }}
        end as rejection_detail
    from ranked
    left join leads
        on ranked.lead_id = leads.lead_id
)

select * from checked
