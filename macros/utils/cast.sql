{#-
    Spark implementation of dbt's own cross-database cast(), which dbt uses to check a model
    contract: it casts null to every declared `data_type` and compares the result with the model's
    columns. The contracts declare text columns as `varchar` and floating point ones as
    `double precision` (both valid on DuckDB and PostgreSQL). Spark knows varchar only with a length
    and has no `double precision`: they are read as `string` and `double`; any other type is passed
    through. Other engines keep dbt's default__cast.

    Example: {{ dbt.cast('null', 'varchar') }}  ->  cast(null as string) on Spark
-#}
{% macro spark__cast(field, type) -%}
    {%- set spark_types = {'varchar': 'string', 'double precision': 'double'} -%}
    {%- set normalised = type | trim | lower -%}
    cast({{ field }} as {{ spark_types.get(normalised, type) }})
{%- endmacro %}
