{#-
    Whole days from date `start_date` to date `end_date` (positive when end is later). Both must
    be dates, not timestamps. Cheaper than dbt.datediff, which casts to timestamps on DuckDB.

    Example: {{ days_between('event_date', 'as_of_date') }} as age_days
-#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between', 'lead_scoring')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    ({{ end_date }} - {{ start_date }})
{%- endmacro %}

{% macro spark__days_between(start_date, end_date) -%}
    datediff({{ end_date }}, {{ start_date }})
{%- endmacro %}
