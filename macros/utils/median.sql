{#-
    The median of a numeric expression, as an aggregate (continuous: the mean of the two middle
    values when the count is even). Null when no row has a value.

    Example: {{ median('days_to_convert') }} as median_days_to_convert
-#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'lead_scoring')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro spark__median(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
