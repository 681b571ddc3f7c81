{%- set holdout = var('evaluation_holdout') -%}
{%- if holdout not in ['out_of_time', 'random_split'] -%}
    {{ exceptions.raise_compiler_error("var evaluation_holdout must be out_of_time or random_split, got '" ~ holdout ~ "'") }}
{%- endif -%}
{%- set out_of_time = holdout == 'out_of_time' -%}
{%- set label_window_days = var('prediction_label_window_days') | int -%}
-- One row per evaluation date, scoring model and lead the evaluation judges: the lead's score that
-- day and whether it converted afterwards. Every scoring model takes part: each rule model, active
-- or candidate (scoring_models.is_active = false), and the predictive score (DuckDB).
-- * out_of_time (default): the evaluation dates are int_scoring_dates' backtest dates (cohort 0 =
--   the as-of date minus the label window; then monthly cohorts before it). The leads are those
--   scored that day that had not converted by then (deleted leads are not scored); the outcome is
--   an opportunity opened in the label window after the date, which the as-of date has fully seen.
--   The predictive score is judged on cohort 0 only, from its holdout run, trained on outcomes
--   known that day (random_split: trained on the leads outside the split).
-- * random_split (data without dates): one evaluation date, the as-of date; the leads are a seeded
--   random `evaluation_holdout_percent` % of the leads (macro is_in_random_holdout); the outcome is
--   any conversion. Rule models are not trained, so the split only fixes which leads are judged.
with

scores as (
    select * from {{ ref('int_lead_scores_as_of') }}
),

scoring_dates as (
    select * from {{ ref('int_scoring_dates') }}
),

conversions as (
    select * from {{ ref('int_lead_conversions') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

evaluation_dates as (
    {% if out_of_time -%}
        select
            as_of_date as evaluation_date,
            backtest_cohort_number
        from scoring_dates
        where is_backtest_date
    {%- else -%}
        select
            as_of_date as evaluation_date,
            0 as backtest_cohort_number
        from scoring_dates
        where is_current
    {%- endif %}
),

rule_scores as (
    select
        evaluation_dates.evaluation_date,
        evaluation_dates.backtest_cohort_number,
        scores.scoring_model_id,
        'rules' as model_kind,
        scores.is_active_model as is_active,
        scores.lead_id,
        cast(scores.total_score as {{ type_double() }}) as score,
        cast(null as {{ type_double() }}) as predicted_probability,
        scores.tier,
        scores.is_mql,
        scores.score_matrix_cell
    from scores
    inner join evaluation_dates
        on scores.as_of_date = evaluation_dates.evaluation_date
    {% if not out_of_time -%}
        where {{ is_in_random_holdout('scores.lead_id', var('evaluation_random_seed'), var('evaluation_holdout_percent')) }}
    {%- endif %}
),

{% if target.type == 'duckdb' -%}
    -- The predictive chain runs on DuckDB only (dbt_project.yml).
    predictive_scores as (
        select
            labels.feature_date as evaluation_date,
            0 as backtest_cohort_number,
            'predictive' as scoring_model_id,
            'predictive' as model_kind,
            true as is_active,
            predictions.lead_id,
            cast(100 * predictions.conversion_probability as {{ type_double() }}) as score,
            cast(predictions.conversion_probability as {{ type_double() }}) as predicted_probability,
            cast(null as {{ dbt.type_string() }}) as tier,
            cast(null as boolean) as is_mql,
            cast(null as {{ dbt.type_string() }}) as score_matrix_cell
        from {{ ref('int_lead_conversions_predicted') }} as predictions
        inner join {{ ref('int_lead_conversion_labels') }} as labels
            on
                predictions.lead_id = labels.lead_id
                and predictions.feature_date = labels.feature_date
                -- The random split's holdout run reuses the current run's scoring date.
                and labels.prediction_run = '{{ 'holdout' if out_of_time else 'current' }}'
                and labels.feature_date_role = 'scoring'
        where
            predictions.prediction_run = 'holdout'
            and not labels.is_deleted_at_feature_date
    ),
{%- endif %}

all_scores as (
    select * from rule_scores
    {% if target.type == 'duckdb' -%}
        union all
        select * from predictive_scores
    {%- endif %}
),

with_outcomes as (
    select
        all_scores.*,
        cast(leads.created_at as date) as created_date,
        cast(conversions.first_converted_at as date) as converted_date,
        {% if out_of_time -%}
            {{ add_days('all_scores.evaluation_date', label_window_days) }}
        {%- else -%}
            all_scores.evaluation_date
        {%- endif %} as label_window_end_date
    from all_scores
    inner join leads
        on all_scores.lead_id = leads.lead_id
    left join conversions
        on all_scores.lead_id = conversions.lead_id
    {% if out_of_time -%}
        -- Judge only leads still open on the evaluation date.
        where conversions.first_converted_at is null or cast(conversions.first_converted_at as date) > all_scores.evaluation_date
    {%- endif %}
),

labelled as (
    select
        *,
        coalesce(converted_date <= label_window_end_date, false) as has_converted
    from with_outcomes
),

final as (
    select
        evaluation_date,
        cast(backtest_cohort_number as {{ dbt.type_int() }}) as backtest_cohort_number,
        '{{ holdout }}' as holdout_method,
        label_window_end_date,
        scoring_model_id,
        model_kind,
        is_active,
        lead_id,
        score,
        predicted_probability,
        tier,
        is_mql,
        score_matrix_cell,
        has_converted,
        case when has_converted then converted_date end as converted_date,
        case when has_converted then {{ days_between('created_date', 'converted_date') }} end as days_to_convert,
        cast(
            ntile(10) over (partition by evaluation_date, scoring_model_id order by score desc, lead_id asc)
            as {{ dbt.type_int() }}
        ) as score_decile,
        -- Mid-rank of the score among the model's leads that day (ties share the average rank):
        -- the Mann-Whitney form of ROC AUC sums these over the converted leads.
        cast(rank() over (partition by evaluation_date, scoring_model_id order by score) as {{ type_double() }})
        + (
            cast(count(*) over (partition by evaluation_date, scoring_model_id, score) as {{ type_double() }}) - 1
        ) / 2 as score_mid_rank
    from labelled
)

select * from final
