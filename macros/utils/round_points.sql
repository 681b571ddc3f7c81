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
    {#- a tiny negative rounds to -0.0, which equals 0.0 but prints (and hashes) differently, and
        max() over both picks either: return 0.0 instead -#}
    {%- set rounded = 'round(' ~ expression ~ ', ' ~ digits ~ ')' -%}
    cast(case when {{ rounded }} = 0 then 0 else {{ rounded }} end as {{ type_double() }})
{%- endmacro %}

{% macro postgres__round_points(expression, digits=6) -%}
    cast(round(cast({{ expression }} as numeric), {{ digits }}) as {{ type_double() }})
{%- endmacro %}
