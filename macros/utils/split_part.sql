{#-
    Spark implementation of dbt's own cross-database split_part(): Spark's native split_part (3.3+),
    which like DuckDB and PostgreSQL returns '' for a part that does not exist and takes the
    delimiter literally. dbt-spark's version splits on a regular expression built from the
    delimiter and returns null for a missing part (an email without '@' would get a null domain
    on Spark and '' elsewhere). Other engines keep their adapter's split_part.

    Example: {{ dbt.split_part('email', "'@'", 2) }}
-#}
{% macro spark__split_part(string_text, delimiter_text, part_number) -%}
    split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
{%- endmacro %}
