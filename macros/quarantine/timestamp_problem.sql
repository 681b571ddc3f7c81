{#-
    The rejection reason of one raw timestamp column, or null when it is fine: `missing_timestamp`
    (only when `required`), `unparseable_timestamp`, `future_timestamp` (after
    future_timestamp_limit()) or `timestamp_too_old` (before past_timestamp_limit()).
    `raw` is the raw column, `parsed` the same column through safe_to_timestamp().

    Example: {{ timestamp_problem('source.occurred_at', 'typed.occurred_at', required=true) }}
-#}
{% macro timestamp_problem(raw, parsed, required=true) -%}
    case
        {% if required -%}
            when {{ raw }} is null then 'missing_timestamp'
        {% endif -%}
        when {{ raw }} is not null and {{ parsed }} is null then 'unparseable_timestamp'
        when {{ parsed }} > {{ future_timestamp_limit() }} then 'future_timestamp'
        when {{ parsed }} < {{ past_timestamp_limit() }} then 'timestamp_too_old'
    end
{%- endmacro %}
