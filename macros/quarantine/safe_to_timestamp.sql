{#-
    Parse a raw value (text, or already a timestamp) into a timestamp without time zone, or null
    when it is not a timestamp (never an error): quarantine needs to see unparseable values rather
    than fail the run on the first one. Accepted text: ISO 8601 dates and date-times
    (`2026-05-01`, `2026-05-01 10:15:00`, `2026-05-01T10:15:00.123`), optionally with a UTC offset.

    Example: {{ safe_to_timestamp('occurred_at') }}
-#}
{% macro safe_to_timestamp(expression) -%}
    {{ return(adapter.dispatch('safe_to_timestamp', 'lead_scoring')(expression)) }}
{%- endmacro %}

{% macro default__safe_to_timestamp(expression) -%}
    try_cast({{ expression }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro postgres__safe_to_timestamp(expression) -%}
    case
        when
            cast({{ expression }} as text)
            ~ '^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?\s*(Z|[-+][0-9]{2}(:?[0-9]{2})?)?\s*$'
            then cast(cast({{ expression }} as text) as {{ dbt.type_timestamp() }})
    end
{%- endmacro %}
