{#-
    The earliest plausible timestamp, as a SQL timestamp literal: the variable `min_valid_date`
    (default 2000-01-01). Raw rows dated earlier (`1900-01-01` placeholders, epoch zero) are
    quarantined as `timestamp_too_old`.

    Example: where occurred_at < {{ past_timestamp_limit() }}
-#}
{% macro past_timestamp_limit() -%}
    cast('{{ var("min_valid_date", "2000-01-01") }} 00:00:00' as {{ dbt.type_timestamp() }})
{%- endmacro %}
