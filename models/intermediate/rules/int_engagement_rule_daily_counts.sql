-- One row per lead, engagement rule and day with events the rule matches: how many matched events
-- count (matched_event_count) and how many were ignored as filtered traffic (filtered_event_count:
-- bots, scanners, privacy-proxy opens, internal traffic, events after deletion). Days are the unit
-- of decay and of the per-day frequency caps. Only the leads and scoring models whose engagement
-- states this run computes (int_engagement_state_leads.is_computed: all on a full refresh, those
-- with new or changed events on an incremental run), and for a candidate model only the days up to
-- the last date it is scored at (state_horizon_date).
with

events as (
    select * from {{ ref('int_lead_events_resolved') }}
),

computed_leads as (
    select * from {{ ref('int_engagement_state_leads') }}
    where is_computed
),

engagement_rules as (
    select * from {{ ref('engagement_rules') }}
),

matched as (
    select
        events.lead_id,
        engagement_rules.scoring_model_id,
        engagement_rules.rule_id,
        events.event_date,
        events.is_filtered
    from events
    inner join engagement_rules
        on events.event_type = engagement_rules.event_type
    inner join computed_leads
        on
            events.lead_id = computed_leads.lead_id
            and engagement_rules.scoring_model_id = computed_leads.scoring_model_id
    where
        -- a candidate model's states stop at the last date it is scored at
        (computed_leads.is_active_model or events.event_date <= computed_leads.state_horizon_date)
        and (
            engagement_rules.property_name is null
            or {{ rule_condition(
                'engagement_rules.property_operator',
                "case engagement_rules.property_name
                    when 'url_path' then events.url_path
                    when 'referrer' then events.referrer
                    when 'campaign_id' then events.campaign_id
                    when 'clicked_url' then events.clicked_url
                    when 'activity_subject' then events.activity_subject
                    when 'rating' then events.rating
                end",
                'engagement_rules.property_value',
            ) }}
        )
),

final as (
    select
        lead_id,
        scoring_model_id,
        rule_id,
        event_date,
        cast(sum(case when is_filtered then 0 else 1 end) as {{ dbt.type_bigint() }}) as matched_event_count,
        cast(sum(case when is_filtered then 1 else 0 end) as {{ dbt.type_bigint() }}) as filtered_event_count
    from matched
    group by lead_id, scoring_model_id, rule_id, event_date
)

select * from final
