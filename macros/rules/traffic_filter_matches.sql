{#-
    Select statement listing, for each event of `events` (a CTE or relation name) that a traffic
    filter of the `traffic_filters` seed matches (bot, internal traffic, privacy-proxy open,
    security-scanner click, ...), the first matching filter: columns `event_id`, `filter_id`,
    `filter_reason`. `fields` names the event columns a filter's `field_name` may point at.

    Filters are rows of data evaluated with rule_condition(). They are evaluated once per distinct
    (event type, field value) rather than once per event, then joined back on equality: user
    agents and paths repeat millions of times, and a regex pattern read from a column is compiled
    for every row it is applied to.

    Example:
        filter_matches as (
            {{ traffic_filter_matches('typed', 'web', ['user_agent', 'ip_address']) }}
        )
-#}
{% macro traffic_filter_matches(events, source_system, fields) -%}
    with

    filters as (
        select * from {{ ref('traffic_filters') }}
        where source_system = '{{ source_system }}'
    ),

    distinct_values as (
        {% for field in fields -%}
            select distinct
                '{{ field }}' as field_name,
                source_event_type,
                cast({{ field }} as {{ dbt.type_string() }}) as field_value
            from {{ events }}
            where {{ field }} is not null
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ),

    value_matches as (
        select
            distinct_values.field_name,
            distinct_values.source_event_type,
            distinct_values.field_value,
            filters.filter_id,
            filters.filter_reason
        from distinct_values
        inner join filters
            on
                distinct_values.field_name = filters.field_name
                and (filters.source_event_type is null or filters.source_event_type = distinct_values.source_event_type)
        where {{ rule_condition('filters.match_operator', 'distinct_values.field_value', 'filters.match_value') }}
    ),

    event_matches as (
        {% for field in fields -%}
            select
                events.event_id,
                value_matches.filter_id,
                value_matches.filter_reason
            from {{ events }} as events
            inner join value_matches
                on
                    value_matches.field_name = '{{ field }}'
                    and events.source_event_type = value_matches.source_event_type
                    and cast(events.{{ field }} as {{ dbt.type_string() }}) = value_matches.field_value
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ),

    ranked_matches as (
        select
            event_id,
            filter_id,
            filter_reason,
            row_number() over (partition by event_id order by filter_id) as match_rank
        from event_matches
    )

    select
        event_id,
        filter_id,
        filter_reason
    from ranked_matches
    where match_rank = 1
{%- endmacro %}
