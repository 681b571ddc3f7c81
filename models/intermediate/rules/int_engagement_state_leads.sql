{#-
    The stored engagement states (int_engagement_rule_daily_states, an incremental model downstream
    of this one) carry the events fingerprint they were computed from; none on a first run,
    --full-refresh or Spark (a table there): every lead is computed then.
-#}
{%- set previous = stored_relation('int_engagement_rule_daily_states', 'events_fingerprint') -%}
-- One row per canonical lead with events and scoring model: the events fingerprint its engagement
-- states for that model depend on, the epoch, the last event day they need, and whether this run
-- computes them (is_computed): always on a full refresh, else only when the stored states were
-- computed from another fingerprint (new or late events, events moved between leads by identity
-- resolution, changed rules or code). int_engagement_rule_daily_counts counts the computed leads'
-- and models' events only; the other states are kept.
-- * An active scoring model is scored at every date up to the as-of date: all the lead's events
--   (int_lead_input_fingerprints.events_fingerprint), no last day (state_horizon_date null).
-- * A candidate model (is_active = false) is scored at the backtest dates only: the events up to the
--   last of them (candidate_horizon_date, candidate_events_fingerprint). A daily run's new events fall
--   after it, so the candidates' states (most of all states with a generated candidate of 60 rules)
--   are kept; when the horizon moves (weekly), the leads with events in between are computed again.
--   A candidate scored at no date needs no states (horizon null, no events counted).
-- A lead and model whose events match no engagement rule have no stored states and are computed every
-- run (nothing matches: cheap).
with

fingerprints as (
    select * from {{ ref('int_lead_input_fingerprints') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

{% if previous is not none -%}
    stored_states as (
        select distinct
            lead_id,
            scoring_model_id,
            events_fingerprint
        from {{ previous }}
    ),

{% endif -%}

lead_models as (
    select
        fingerprints.lead_id,
        scoring_models.scoring_model_id,
        scoring_models.is_active as is_active_model,
        fingerprints.epoch_date,
        case
            when scoring_models.is_active then fingerprints.events_fingerprint
            else fingerprints.candidate_events_fingerprint
        end as events_fingerprint,
        case
            when not scoring_models.is_active then fingerprints.candidate_horizon_date
        end as state_horizon_date
    from fingerprints
    cross join scoring_models
    where fingerprints.events_fingerprint is not null
),

final as (
    select
        lead_models.lead_id,
        lead_models.scoring_model_id,
        lead_models.is_active_model,
        lead_models.events_fingerprint,
        lead_models.epoch_date,
        lead_models.state_horizon_date,
        {% if previous is none -%}
            true
        {%- else -%}
            stored_states.lead_id is null
        {%- endif %} as is_computed
    from lead_models
    {% if previous is not none -%}
        left join stored_states
            on
                lead_models.lead_id = stored_states.lead_id
                and lead_models.scoring_model_id = stored_states.scoring_model_id
                and lead_models.events_fingerprint = stored_states.events_fingerprint
    {%- endif %}
)

select * from final
