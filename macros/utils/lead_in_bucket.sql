{#-
    SQL condition: the row's lead falls in bucket `bucket` (0-based) of `buckets` (macro
    lead_bucket_count), by a hash of `column`: every lead in exactly one bucket, all its rows together.
    With one bucket, true. Only DuckDB splits aggregates into buckets (lead_bucket_count is 1
    elsewhere); other engines raise a compile error if asked for more than one.

    Example: where {{ lead_in_bucket('rule_points.lead_id', 0, 4) }}
-#}
{% macro lead_in_bucket(column, bucket, buckets) -%}
    {{ return(adapter.dispatch('lead_in_bucket', 'lead_scoring')(column, bucket, buckets)) }}
{%- endmacro %}

{% macro default__lead_in_bucket(column, bucket, buckets) -%}
    {%- if buckets > 1 -%}
        {{ exceptions.raise_compiler_error('lead buckets are for DuckDB only (lead_bucket_count is 1 elsewhere)') }}
    {%- endif -%}
    true
{%- endmacro %}

{% macro duckdb__lead_in_bucket(column, bucket, buckets) -%}
    {%- if buckets > 1 -%}
        hash({{ column }}) % {{ buckets }} = {{ bucket }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
