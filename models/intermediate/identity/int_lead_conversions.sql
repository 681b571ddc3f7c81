-- One row per canonical lead that converted (an opportunity was opened for it or for one of its
-- duplicate records): when it first converted, how many opportunities, and whether any was won.
-- The outcome that tiers, thresholds and (later) models are judged against.
with

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

final as (
    select
        leads.canonical_lead_id as lead_id,
        count(*) as opportunity_count,
        max(case when opportunities.is_won then 1 else 0 end) = 1 as has_won,
        min(opportunities.created_at) as first_converted_at
    from opportunities
    inner join leads
        on opportunities.lead_id = leads.lead_id
    group by leads.canonical_lead_id
)

select * from final
