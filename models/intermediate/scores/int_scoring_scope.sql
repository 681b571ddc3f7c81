{#-
    What this run scores. The stored scores (int_lead_scores_as_of, an incremental model; it cannot be
    ref'd here, it is downstream) say per row which input fingerprint they were computed from. Code and
    configuration are fingerprinted here, at compile time: the checksums of the project's models and
    seeds, the text of its macros, and the vars that choose who is scored. A change to any of them,
    a --full-refresh, or no stored scores (first run, Spark, where the scores are a table) score
    everything.
-#}
{%- set scores_node = graph.nodes.get('model.' ~ project_name ~ '.int_lead_scores_as_of') if execute else none -%}
{%- set previous = none -%}
{%- if scores_node and scores_node.config.materialized == 'incremental' and not flags.FULL_REFRESH -%}
    {%- set previous = load_relation(api.Relation.create(
        database=scores_node.database, schema=scores_node.schema, identifier=scores_node.alias,
    )) -%}
    {%- if previous is not none and 'input_fingerprint' not in column_names(previous, []) -%}
        {#- stored by a version of the project without fingerprints: score everything -#}
        {%- set previous = none -%}
    {%- endif -%}
{%- endif -%}
{%- set code_parts = [target.type] -%}
{%- if execute -%}
    {%- for unique_id in graph.nodes | sort -%}
        {%- set node = graph.nodes[unique_id] -%}
        {%- if node.package_name == project_name and node.resource_type in ['model', 'seed'] -%}
            {%- do code_parts.append(unique_id ~ '=' ~ node.checksum.checksum) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set project_macros = context[project_name] -%}
    {%- for name in project_macros | sort -%}
        {%- do code_parts.append(name ~ '=' ~ local_md5(project_macros[name].macro.macro_sql)) -%}
    {%- endfor -%}
{%- endif -%}
{%- for name in ['evaluation_holdout', 'evaluation_random_seed', 'evaluation_holdout_percent'] -%}
    {%- do code_parts.append(name ~ '=' ~ var(name)) -%}
{%- endfor -%}
{%- set code_fingerprint = local_md5(code_parts | join('\n')) -%}
-- One row per scoring date, lead and scoring model that this run scores (int_scoring_population's
-- rows, and the lead's input fingerprint), and why:
-- * full_refresh: no usable stored scores (first run, --full-refresh, changed code or configuration);
-- * current_date: the as-of date is scored for every lead on every run (the ledger and the public
--   marts are written from it);
-- * date_added: a scoring date the stored scores do not hold, or hold with another role (a new
--   history checkpoint, the previous as-of date turned checkpoint, moved backtest dates);
-- * inputs_changed: the lead's inputs (int_lead_input_fingerprints) differ from those its stored
--   scores were computed from: all its dates are scored again.
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
        {{ dbt.concat([
            "coalesce(fingerprints.input_fingerprint, 'none')", "'/'", "'" ~ code_fingerprint ~ "'",
        ]) }} as input_fingerprint
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
