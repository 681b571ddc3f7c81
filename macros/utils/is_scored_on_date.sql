{#-
    SQL condition: a scoring model is scored at a scoring date (a row of int_scoring_dates, by alias).
    Active models (scoring_models.is_active) are scored on every date; candidate models on the
    backtest dates only, and on the as-of date when the evaluation holdout is a random split (var
    evaluation_holdout). One definition for who is scored when (int_scoring_population) and for the
    last date a candidate is scored at (int_lead_input_fingerprints), which bounds the events its
    engagement states need. Plain boolean SQL, the same on every engine.

    Example: where {{ is_scored_on_date('segments.is_active', 'scoring_dates') }}
-#}
{% macro is_scored_on_date(is_active_model, scoring_dates) -%}
    (
        {{ is_active_model }}
        or {{ scoring_dates }}.is_backtest_date
        {%- if var('evaluation_holdout') == 'random_split' %}
            or {{ scoring_dates }}.is_current
        {%- endif %}
    )
{%- endmacro %}
