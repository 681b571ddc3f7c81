{#-
    Aggregate: a fingerprint of a group's rows that does not depend on their order. Two groups with
    the same rows (the same values in `columns`, as many times) get the same text; a changed, added
    or removed row changes it (up to hash collisions). Nulls hash apart from empty text.
    DuckDB sums its 64-bit row hashes (exact, as a hugeint); other engines hash the sorted list of
    row md5s. Compare fingerprints made on the same engine only.
    `where` (optional SQL condition): only the group's rows that meet it count, in the same pass as
    other aggregates of the group; a group with no such row gets null.

    Example: select lead_id, {{ hash_agg(['event_id', 'occurred_at']) }} as events_fingerprint,
                    {{ hash_agg(['event_id', 'occurred_at'], "event_date <= '2026-03-31'") }} as early_fingerprint
             from events group by lead_id
-#}
{% macro hash_agg(columns, where=none) -%}
    {{ return(adapter.dispatch('hash_agg', 'lead_scoring')(columns, where)) }}
{%- endmacro %}

{% macro hash_agg_row_text(columns) -%}
    concat(
        {%- for column in columns %}
            coalesce(cast({{ column }} as {{ dbt.type_string() }}), '<null>')
            {%- if not loop.last %}, '|',{% endif %}
        {%- endfor %}
    )
{%- endmacro %}

{#- the row's value for the aggregate: null (ignored by it) where the row does not meet `where` -#}
{% macro hash_agg_when(where, value) -%}
    {%- if where is none -%}
        {{ value }}
    {%- else -%}
        case when {{ where }} then {{ value }} end
    {%- endif -%}
{%- endmacro %}

{% macro default__hash_agg(columns, where=none) -%}
    {%- set row_hash = hash_agg_when(where, 'md5(' ~ hash_agg_row_text(columns) ~ ')') -%}
    md5(string_agg({{ row_hash }}, ',' order by {{ row_hash }}))
{%- endmacro %}

{% macro duckdb__hash_agg(columns, where=none) -%}
    cast(sum({{ hash_agg_when(where, 'hash(' ~ columns | join(', ') ~ ')') }}) as varchar)
{%- endmacro %}

{% macro spark__hash_agg(columns, where=none) -%}
    {%- set row_hash = hash_agg_when(where, 'md5(' ~ hash_agg_row_text(columns) ~ ')') -%}
    {#- concat_ws of an empty list is '': null it, as the other engines give for no rows -#}
    md5(nullif(concat_ws(',', array_sort(collect_list({{ row_hash }}))), ''))
{%- endmacro %}
