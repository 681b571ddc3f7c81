{#-
    Incremental-load condition: true for rows whose `timestamp_column` is on or after the day
    `event_lookback_days` before the newest row already loaded into this model (optionally only
    the rows of `source_system`, so each source keeps its own watermark). With nothing loaded yet
    every row is new. Use inside `{% if is_incremental() %}`.

    Example:
        {% if is_incremental() %}
            where {{ is_new_event('occurred_at', 'web') }}
        {% endif %}
-#}
{% macro is_new_event(timestamp_column, source_system=none) -%}
    {{ timestamp_column }} >= (
        select coalesce(
            {{ add_days('cast(max(occurred_at) as date)', -1 * var('event_lookback_days')) }},
            cast('1900-01-01' as date)
        )
        from {{ this }}
        {% if source_system %}where source_system = '{{ source_system }}'{% endif %}
    )
{%- endmacro %}
