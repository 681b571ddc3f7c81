{#-
    A non-integral number as text with up to 6 decimals, trailing zeros removed (`7.5`, `0.125`).
    Used by number_as_text(); engines print decimals identically once the scale is fixed.

    Example: {{ decimal_as_text('points') }}
-#}
{% macro decimal_as_text(expression) -%}
    {{ return(adapter.dispatch('decimal_as_text', 'lead_scoring')(expression)) }}
{%- endmacro %}

{% macro default__decimal_as_text(expression) -%}
    trim(trailing '0' from cast(cast({{ expression }} as decimal(38, 6)) as {{ dbt.type_string() }}))
{%- endmacro %}
