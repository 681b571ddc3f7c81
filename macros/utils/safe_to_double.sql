{#-
    Cast a text expression to a double precision number, or null when it is not a number (never
    an error). Used wherever text attribute values meet numeric rule operators (gt, between, ...).
    dbt.safe_cast is a plain cast on some adapters, hence this macro.

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
