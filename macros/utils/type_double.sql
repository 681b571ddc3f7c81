{#-
    The 8-byte floating point type name of the current engine. dbt.type_float() is not enough:
    `float` is 4 bytes on DuckDB but 8 on PostgreSQL, and points must add up exactly everywhere.

    Example: cast(points as {{ type_double() }})
-#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'lead_scoring')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{% macro postgres__type_double() -%}
    double precision
{%- endmacro %}
