{#-
    How many lead buckets a large aggregate is split into (macro lead_in_bucket): one per
    `rows_per_bucket` rows of `relation` (default: var lead_bucket_rows, 100M), its input, counted when
    the model runs; 1 when the relation does not exist yet (parsing, linting), in unit tests and on
    engines other than DuckDB. tests/python/test_lead_buckets.py forces several at small scale.
    Why: DuckDB runs out of memory writing a table from one aggregate with hundreds of millions of
    groups (known issue duckdb/duckdb#5315: the same query alone, or with one thread, fits). At 1M
    leads the score groups (230M groups from 315M rule points) stopped with "Out of Memory Error"
    within 4 GB; as four aggregates of a quarter of the leads each, one after another, they fit
    (119 s; one thread: 233 s). A daily run's scoped input is small: one bucket, the plain aggregate.

    Example: {%- set buckets = lead_bucket_count(ref('int_rule_points')) -%}
-#}
{% macro lead_bucket_count(relation, rows_per_bucket=none) -%}
    {%- set rows_per_bucket = (rows_per_bucket or var('lead_bucket_rows')) | int -%}
    {{ return(adapter.dispatch('lead_bucket_count', 'lead_scoring')(relation, rows_per_bucket)) }}
{%- endmacro %}

{% macro default__lead_bucket_count(relation, rows_per_bucket) -%}
    {{ return(1) }}
{%- endmacro %}

{% macro duckdb__lead_bucket_count(relation, rows_per_bucket) -%}
    {#- not when parsing, nor in a unit test (its inputs are fixtures, relations without a schema) -#}
    {%- if not execute or relation.schema is none or load_relation(relation) is none -%}
        {{ return(1) }}
    {%- endif -%}
    {%- set rows = run_query('select count(*) from ' ~ relation).columns[0].values()[0] | int -%}
    {{ return([1, (rows + rows_per_bucket - 1) // rows_per_bucket] | max) }}
{%- endmacro %}
