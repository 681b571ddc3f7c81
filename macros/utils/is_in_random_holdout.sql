{#-
    True for the rows a seeded random split puts in the holdout: the first 8 hex digits of
    md5(seed || ':' || key) read as a number below `percent` % of 16^8. The same key, seed and percent
    give the same split on every engine (hex digits of the same length compare as numbers do), and
    the split of one key does not depend on the other rows.

    Example: {{ is_in_random_holdout('lead_id', var('evaluation_random_seed'), var('evaluation_holdout_percent')) }}
-#}
{% macro is_in_random_holdout(key, seed, percent) -%}
    {%- set percent = percent | float -%}
    {%- if percent < 0 or percent > 100 -%}
        {{ exceptions.raise_compiler_error("holdout percent must be between 0 and 100, got " ~ percent) }}
    {%- endif -%}
    {%- set threshold = '%08x' % ([(percent / 100.0 * 4294967296) | int, 4294967295] | min) -%}
    {%- set salted = dbt.concat(["'" ~ (seed | string) ~ ":'", key]) -%}
    (substr({{ dbt.hash(salted) }}, 1, 8) < '{{ threshold }}')
{%- endmacro %}
