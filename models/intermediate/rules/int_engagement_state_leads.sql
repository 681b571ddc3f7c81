{#-
    The stored engagement states (int_engagement_rule_daily_states, an incremental model downstream
    of this one) carry the events fingerprint they were computed from; none on a first run,
    --full-refresh or Spark (a table there): every lead is computed then.
-#}
{%- set previous = stored_relation('int_engagement_rule_daily_states', 'events_fingerprint') -%}
-- One row per canonical lead with events: its events fingerprint (its resolved events and the decay
-- epoch, int_lead_input_fingerprints, with the code and configuration fingerprint), the epoch, and
-- whether this run computes its engagement states (is_computed): always on a full refresh, else
-- only when the stored states were computed from another fingerprint (new or late events, events
-- moved between leads by identity resolution, changed rules or code). int_engagement_rule_daily_counts
-- counts the computed leads' events only; the states of the others are kept. A lead whose events
-- match no engagement rule has no stored states and is computed every run (nothing matches: cheap).
with

fingerprints as (
    select * from {{ ref('int_lead_input_fingerprints') }}
),

{% if previous is not none -%}
    stored_leads as (
        select distinct
            lead_id,
            events_fingerprint
        from {{ previous }}
    ),

{% endif -%}

leads as (
    select
        lead_id,
        events_fingerprint,
        epoch_date
    from fingerprints
    where events_fingerprint is not null
),

final as (
    select
        leads.lead_id,
        leads.events_fingerprint,
        leads.epoch_date,
        {% if previous is none -%}
            true
        {%- else -%}
            stored_leads.lead_id is null
        {%- endif %} as is_computed
    from leads
    {% if previous is not none -%}
        left join stored_leads
            on
                leads.lead_id = stored_leads.lead_id
                and leads.events_fingerprint = stored_leads.events_fingerprint
    {%- endif %}
)

select * from final
