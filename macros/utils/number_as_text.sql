{#-
    A number as text that reads the same on every engine: whole numbers without a decimal part
    (`25`, not DuckDB's `25.0`; never Java's `4.2368E7` on Spark), others with up to 6 decimals
    and no trailing zeros beyond the first. Attribute values are matched as text by rules, and
    readable reasons print limits, so engines must agree.

    Example: {{ number_as_text('annual_revenue') }}
-#}
{% macro number_as_text(expression) -%}
    case
        when {{ expression }} is null then null
        when {{ expression }} = floor({{ expression }})
            then cast(cast({{ expression }} as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
        else {{ decimal_as_text(expression) }}
    end
{%- endmacro %}
