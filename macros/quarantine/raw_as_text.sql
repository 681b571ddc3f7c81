{#-
    Select-list items that keep raw columns as text, untouched (no trimming or case changes), for
    the quarantine models: `cast(<column> as string) as <prefix><column>` for each column.

    Example:
        select {{ raw_as_text(['event_id', 'occurred_at']) }}, ... from source
        -- cast(event_id as varchar) as raw_event_id, cast(occurred_at as varchar) as raw_occurred_at
-#}
{% macro raw_as_text(columns, prefix='raw_') -%}
    {%- for column in columns -%}
        cast({{ column }} as {{ dbt.type_string() }}) as {{ prefix }}{{ column }}{{ ',' if not loop.last }}
    {% endfor -%}
{%- endmacro %}
