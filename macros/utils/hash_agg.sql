{#-
    Aggregate: a fingerprint of a group's rows that does not depend on their order. Two groups with
    the same rows (the same values in `columns`, as many times) get the same text; a changed, added
    or removed row changes it (up to hash collisions). Nulls hash apart from empty text.
    DuckDB sums its 64-bit row hashes (exact, as a hugeint); other engines hash the sorted list of
    row md5s. Compare fingerprints made on the same engine only.

    Example: select lead_id, {{ hash_agg(['event_id', 'occurred_at']) }} as events_fingerprint
             from events group by lead_id
-#}
{% macro hash_agg(columns) -%}
    {{ return(adapter.dispatch('hash_agg', 'lead_scoring')(columns)) }}
{%- endmacro %}

{% macro hash_agg_row_text(columns) -%}
    concat(
        {%- for column in columns %}
            coalesce(cast({{ column }} as {{ dbt.type_string() }}), '<null>')
            {%- if not loop.last %}, '|',{% endif %}
        {%- endfor %}
    )
{%- endmacro %}

{% macro default__hash_agg(columns) -%}
    md5(string_agg(md5({{ hash_agg_row_text(columns) }}), ',' order by md5({{ hash_agg_row_text(columns) }})))
{%- endmacro %}

{% macro duckdb__hash_agg(columns) -%}
    cast(sum(hash({{ columns | join(', ') }})) as varchar)
{%- endmacro %}

{% macro spark__hash_agg(columns) -%}
    md5(concat_ws(',', array_sort(collect_list(md5({{ hash_agg_row_text(columns) }})))))
{%- endmacro %}
