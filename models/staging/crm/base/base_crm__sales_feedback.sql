-- One row per raw sales-feedback row (every row of every sales_feedback file): the raw values as
-- text, the typed values and the reason the row cannot be used, if any: missing id or lead id,
-- missing/unparseable/future/implausibly old timestamp, a rating that is not a whole number from
-- 1 to 5, neither a rating nor a disqualification reason, a repeated feedback id (the first given
-- is kept) or a lead id the CRM does not hold. stg_crm__sales_feedback takes the rows without a
-- reason, stg_crm__sales_feedback_rejected the others.
with

source as (
    select * from {{ source('crm', 'sales_feedback') }}
),

leads as (
    select lead_id from {{ ref('stg_crm__leads') }}
),

typed as (
    select
        {{ raw_as_text(['feedback_id', 'lead_id', 'rep_id', 'rating', 'disqualification_reason', 'created_at']) }},
        nullif(trim(cast(feedback_id as {{ dbt.type_string() }})), '') as feedback_id,
        nullif(trim(cast(lead_id as {{ dbt.type_string() }})), '') as lead_id,
        nullif(trim(cast(rep_id as {{ dbt.type_string() }})), '') as rep_id,
        nullif(lower(trim(cast(disqualification_reason as {{ dbt.type_string() }}))), '') as disqualification_reason,
        {{ safe_to_double('cast(rating as ' ~ dbt.type_string() ~ ')') }} as rating_number,
        {{ safe_to_timestamp('created_at') }} as created_at
    from source
),

row_checked as (
    select
        *,
        case
            when feedback_id is null then 'missing_id'
            when lead_id is null then 'missing_lead_id'
            when {{ timestamp_problem('raw_created_at', 'created_at') }} is not null
                then {{ timestamp_problem('raw_created_at', 'created_at') }}
            when nullif(trim(raw_rating), '') is not null and rating_number is null then 'invalid_number'
            when rating_number is not null and (rating_number < 1 or rating_number > 5 or rating_number != floor(rating_number))
                then 'rating_out_of_range'
            when rating_number is null and disqualification_reason is null then 'empty_feedback'
        end as row_rejection_reason
    from typed
),

ranked as (
    select
        *,
        row_number() over (
            partition by row_rejection_reason, feedback_id
            order by created_at, lead_id, coalesce(rating_number, 0), coalesce(disqualification_reason, '')
        ) as duplicate_rank
    from row_checked
),

checked as (
    select
        ranked.*,
        cast(ranked.rating_number as {{ dbt.type_int() }}) as rating,
        case
            when ranked.row_rejection_reason is not null then ranked.row_rejection_reason
            when ranked.duplicate_rank > 1 then 'duplicate_id'
            when leads.lead_id is null then 'unknown_lead_id'
        end as rejection_reason,
        case
            when ranked.row_rejection_reason like '%timestamp%'
                then {{ dbt.concat(["'created_at: '", "coalesce(ranked.raw_created_at, 'null')"]) }}
            when ranked.row_rejection_reason in ('invalid_number', 'rating_out_of_range')
                then {{ dbt.concat(["'rating: '", 'ranked.raw_rating']) }}
            when ranked.row_rejection_reason = 'empty_feedback' then 'neither a rating nor a disqualification reason'
            when ranked.row_rejection_reason = 'missing_id' then 'feedback_id is empty'
            when ranked.row_rejection_reason = 'missing_lead_id' then 'lead_id is empty'
            when ranked.duplicate_rank > 1 then {{ dbt.concat(["'feedback_id seen before: '", 'ranked.feedback_id']) }}
            when leads.lead_id is null
                then {{ dbt.concat(["'lead_id '", 'ranked.lead_id', "' is not among the usable CRM leads'"]) }}
        end as rejection_detail
    from ranked
    left join leads
        on ranked.lead_id = leads.lead_id
)

select * from checked
