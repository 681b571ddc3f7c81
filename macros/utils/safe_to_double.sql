{#-
    Cast a text expression to a double precision number, or null when it is not a number (never
    an error). Used wherever text attribute values meet numeric rule operators (gt, between, ...).
    dbt.safe_cast is a plain cast on some adapters, hence this macro. PostgreSQL and Spark accept
    only plain decimal numbers: Spark's try_cast would also read Java forms such as `30d`, `5f`
    or `0x1p3`, which DuckDB rejects.

    Example: {{ safe_to_double('attribute_value') }}
-#}
{% macro safe_to_double(expression) -%}
    {{ return(adapter.dispatch('safe_to_double', 'lead_scoring')(expression)) }}
{%- endmacro %}

{% macro default__safe_to_double(expression) -%}
    try_cast({{ expression }} as {{ type_double() }})
{%- endmacro %}

{% macro postgres__safe_to_double(expression) -%}
    case
        when {{ expression }} ~ '^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$'
            then cast({{ expression }} as {{ type_double() }})
    end
{%- endmacro %}

{% macro spark__safe_to_double(expression) -%}
    case
        when trim({{ expression }}) rlike '^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$'
            then cast({{ expression }} as {{ type_double() }})
    end
{%- endmacro %}
