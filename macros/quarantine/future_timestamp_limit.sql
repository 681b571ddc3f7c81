{#-
    The latest plausible timestamp, as a SQL timestamp literal: the run's start (UTC) plus the
    variable `max_future_days` (default 1, for clock skew between systems). Raw rows dated later
    are quarantined as `future_timestamp`: a single row dated 2099 would otherwise become the
    "latest event" the scores are computed as of. A run parameter, not a rule value.

    Example: where occurred_at > {{ future_timestamp_limit() }}
-#}
{% macro future_timestamp_limit() -%}
    {%- set limit = run_started_at + modules.datetime.timedelta(days=var('max_future_days', 1) | int) -%}
    cast('{{ limit.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
