{#-
    What this run scores. The stored scores (int_lead_scores_as_of, an incremental model; it cannot be
    ref'd here, it is downstream) say per row which input fingerprint they were computed from (it
    carries the code and configuration fingerprint, int_lead_input_fingerprints). A change to them,
    a --full-refresh, or no stored scores (first run, Spark, where the scores are a table) score
    everything.
-#}
{%- set previous = stored_relation('int_lead_scores_as_of', 'input_fingerprint') -%}
-- One row per scoring date, lead and scoring model that this run scores (int_scoring_population's
-- rows, and the lead's input fingerprint), and why:
-- * full_refresh: no usable stored scores (first run, --full-refresh, Spark);
-- * current_date: the as-of date is scored for every lead on every run (the ledger and the public
--   marts are written from it);
-- * date_added: a scoring date the stored scores do not hold, or hold with another role (a new
--   history checkpoint, the previous as-of date turned checkpoint, moved backtest dates);
-- * inputs_changed: the lead's inputs (int_lead_input_fingerprints) or the code and configuration
--   differ from those its stored scores were computed from: all its dates are scored again.
-- The rule models (fit, engagement, inactivity) and the score groups compute these rows only;
-- int_lead_scores_as_of replaces them and keeps the rest. A daily run after new events scores the
-- new as-of date for everyone and past dates for the leads with new data.
with

population as (
    select * from {{ ref('int_scoring_population') }}
),

fingerprints as (
    select * from {{ ref('int_lead_input_fingerprints') }}
),

{% if previous is not none -%}
    stored_leads as (
        select
            lead_id,
            min(input_fingerprint) as min_fingerprint,
            max(input_fingerprint) as max_fingerprint
        from {{ previous }}
        group by lead_id
    ),

    stored_dates as (
        select distinct
            as_of_date,
            is_current,
            is_history_checkpoint,
            is_backtest_date
        from {{ previous }}
    ),

{% endif -%}

population_fingerprinted as (
    select
        population.as_of_date,
        population.is_current,
        population.is_history_checkpoint,
        population.is_backtest_date,
        population.lead_id,
        population.scoring_model_id,
        population.is_active_model,
        coalesce(fingerprints.input_fingerprint, 'none') as input_fingerprint
    from population
    left join fingerprints
        on population.lead_id = fingerprints.lead_id
),

scoped as (
    select
        population_fingerprinted.as_of_date,
        population_fingerprinted.is_current,
        population_fingerprinted.is_history_checkpoint,
        population_fingerprinted.is_backtest_date,
        population_fingerprinted.lead_id,
        population_fingerprinted.scoring_model_id,
        population_fingerprinted.is_active_model,
        population_fingerprinted.input_fingerprint,
        {% if previous is none -%}
            'full_refresh' as scope_reason
        {%- else -%}
            case
                when population_fingerprinted.is_current then 'current_date'
                when stored_dates.as_of_date is null then 'date_added'
                when
                    stored_leads.lead_id is null
                    or stored_leads.min_fingerprint != population_fingerprinted.input_fingerprint
                    or stored_leads.max_fingerprint != population_fingerprinted.input_fingerprint
                    then 'inputs_changed'
            end as scope_reason
        {%- endif %}
    from population_fingerprinted
    {% if previous is not none -%}
        left join stored_dates
            on
                population_fingerprinted.as_of_date = stored_dates.as_of_date
                and population_fingerprinted.is_current = stored_dates.is_current
                and population_fingerprinted.is_history_checkpoint = stored_dates.is_history_checkpoint
                and population_fingerprinted.is_backtest_date = stored_dates.is_backtest_date
        left join stored_leads
            on population_fingerprinted.lead_id = stored_leads.lead_id
    {%- endif %}
),

final as (
    select
        as_of_date,
        is_current,
        is_history_checkpoint,
        is_backtest_date,
        lead_id,
        scoring_model_id,
        is_active_model,
        input_fingerprint,
        scope_reason
    from scoped
    where scope_reason is not null
)

select * from final
