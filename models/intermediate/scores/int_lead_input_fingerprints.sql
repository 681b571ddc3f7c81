{%- set code_fingerprint = scoring_code_fingerprint() -%}
-- One row per canonical lead with a fingerprint of every input its scores and predictive features
-- are computed from: its CRM record(s) (stg_crm__leads, the lead and the duplicates folded into it),
-- its attribute versions (fit rules and segments), its resolved events (engagement rules,
-- inactivity, milestones) and its identified web visitors (when their visits became known), plus
-- the first event day of the data (the decay epoch of int_engagement_rule_daily_states). Everything
-- else a score depends on is configuration and code (macro scoring_code_fingerprint), appended to
-- both fingerprints here so that every model comparing them reads one value. A lead whose
-- fingerprint is unchanged since its stored scores were computed keeps them at past dates; a lead
-- whose events_fingerprint is unchanged keeps its engagement states (int_engagement_state_leads).
-- Candidate scoring models (is_active = false) are scored up to candidate_horizon_date only (the
-- last backtest date): candidate_events_fingerprint covers the lead's events up to it, so their
-- states are kept while new events fall after it (a daily run) and computed again for the leads
-- with events between the old and the new horizon when it moves (weekly).
with

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

attribute_versions as (
    select * from {{ ref('int_lead_attribute_versions') }}
),

events as (
    select * from {{ ref('int_lead_events_resolved') }}
),

visitors as (
    select * from {{ ref('int_web_visitors_identified') }}
),

scoring_dates as (
    select * from {{ ref('int_scoring_dates') }}
),

epoch as (
    select min(event_date) as epoch_date
    from events
),

-- the last date a candidate model is scored at (null: none is scored at any date)
candidate_horizon as (
    select max(scoring_dates.as_of_date) as candidate_horizon_date
    from scoring_dates
    where {{ is_scored_on_date('false', 'scoring_dates') }}
),

input_fingerprints as (
    select
        coalesce(canonical_lead_id, lead_id) as lead_id,
        'crm_leads' as input_name,
        {{ hash_agg(column_names(ref('stg_crm__leads'), ['lead_id'])) }} as fingerprint,
        cast(null as {{ dbt.type_string() }}) as candidate_fingerprint
    from leads
    group by coalesce(canonical_lead_id, lead_id)
    union all
    select
        lead_id,
        'attribute_versions' as input_name,
        {{ hash_agg(column_names(ref('int_lead_attribute_versions'), ['lead_id'])) }} as fingerprint,
        cast(null as {{ dbt.type_string() }}) as candidate_fingerprint
    from attribute_versions
    group by lead_id
    union all
    select
        events.lead_id,
        'events' as input_name,
        {{ hash_agg(column_names(ref('int_lead_events_resolved'), ['lead_id'])) }} as fingerprint,
        {{ hash_agg(
            column_names(ref('int_lead_events_resolved'), ['lead_id']),
            'events.event_date <= candidate_horizon.candidate_horizon_date',
        ) }} as candidate_fingerprint
    from events
    cross join candidate_horizon
    where events.lead_id is not null
    group by events.lead_id
    union all
    select
        coalesce(leads.canonical_lead_id, leads.lead_id) as lead_id,
        'visitors' as input_name,
        {{ hash_agg(['visitors.anonymous_id', 'visitors.lead_id', 'visitors.identified_at']) }} as fingerprint,
        cast(null as {{ dbt.type_string() }}) as candidate_fingerprint
    from visitors
    inner join leads
        on visitors.lead_id = leads.lead_id
    group by coalesce(leads.canonical_lead_id, leads.lead_id)
),

final as (
    select
        input_fingerprints.lead_id,
        {{ dbt.concat([
            hash_agg(['input_fingerprints.input_name', 'input_fingerprints.fingerprint', 'epoch.epoch_date']),
            "'/" ~ code_fingerprint ~ "'",
        ]) }} as input_fingerprint,
        max(
            case
                when input_fingerprints.input_name = 'events'
                    then {{ dbt.concat([
                        'input_fingerprints.fingerprint', "'@'", dbt.cast('epoch.epoch_date', dbt.type_string()),
                        "'/" ~ code_fingerprint ~ "'",
                    ]) }}
            end
        ) as events_fingerprint,
        -- the same for the events up to the candidate horizon ('none' when the lead has none)
        max(
            case
                when input_fingerprints.input_name = 'events'
                    then {{ dbt.concat([
                        "coalesce(input_fingerprints.candidate_fingerprint, 'none')", "'@'",
                        dbt.cast('epoch.epoch_date', dbt.type_string()), "'/" ~ code_fingerprint ~ "'",
                    ]) }}
            end
        ) as candidate_events_fingerprint,
        max(epoch.epoch_date) as epoch_date,
        max(candidate_horizon.candidate_horizon_date) as candidate_horizon_date
    from input_fingerprints
    cross join epoch
    cross join candidate_horizon
    group by input_fingerprints.lead_id
)

select * from final
