{#-
    The date `days` days after date `date_expression` (negative `days` go back); stays a date.

    Example: {{ add_days('as_of_date', -7) }}
-#}
{% macro add_days(date_expression, days) -%}
    {{ return(adapter.dispatch('add_days', 'lead_scoring')(date_expression, days)) }}
{%- endmacro %}

{% macro default__add_days(date_expression, days) -%}
    cast({{ date_expression }} + ({{ days }}) as date)
{%- endmacro %}

{% macro spark__add_days(date_expression, days) -%}
    {#- Spark's date_add takes an int, not the bigint a seed column reads as -#}
    date_add({{ date_expression }}, cast({{ days }} as int))
{%- endmacro %}
