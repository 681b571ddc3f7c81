{#-
    A deterministic key for a quarantined raw row, which may lack (or repeat) its own id: the hash
    of its raw values (`raw_<column>`, nulls marked) and reason, plus the row's number among rows
    with the same hash (exact repeats of a row get -1, -2, ...).

    Example: {{ rejected_row_id(['event_id', 'lead_id', 'occurred_at']) }} as rejected_row_id
-#}
{% macro rejected_row_id(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(raw_" ~ column ~ ", '<null>')") -%}
        {%- do parts.append("'|'") -%}
    {%- endfor -%}
    {%- do parts.append('rejection_reason') -%}
    {%- set row_hash = dbt.hash(dbt.concat(parts)) -%}
    {{ dbt.concat([
        row_hash,
        "'-'",
        "cast(row_number() over (partition by " ~ row_hash ~ " order by rejection_reason) as " ~ dbt.type_string() ~ ")"
    ]) }}
{%- endmacro %}
