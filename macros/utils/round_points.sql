{#-
    Round a double expression to `digits` decimals (default 6) and keep it a double. Scores are
    sums of decayed points: rounding them removes floating-point noise such as -4e-16 that would
    otherwise fall outside 0..100 or below a band's lower bound. PostgreSQL rounds only numerics.

    Example: {{ round_points('sum(counted_points)') }}
-#}
{% macro round_points(expression, digits=6) -%}
    {{ return(adapter.dispatch('round_points', 'lead_scoring')(expression, digits)) }}
{%- endmacro %}

{% macro default__round_points(expression, digits=6) -%}
    cast(round({{ expression }}, {{ digits }}) as {{ type_double() }})
{%- endmacro %}

{% macro postgres__round_points(expression, digits=6) -%}
    cast(round(cast({{ expression }} as numeric), {{ digits }}) as {{ type_double() }})
{%- endmacro %}
