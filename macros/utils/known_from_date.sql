{#-
    The day an event became known about its lead: its event day, or for an anonymous visit (no lead
    id in the source row) the day its visitor identified, when that is later. `events` is an alias
    of int_lead_events_resolved, `source_events` of int_events_unioned (joined by event_id) and
    `visitors` of int_web_visitors_identified (left joined by anonymous_id).

    Example: {{ known_from_date('events', 'source_events', 'visitors') }} as known_from_date
-#}
{% macro known_from_date(events, source_events, visitors) -%}
    case
        when {{ source_events }}.lead_id is not null then {{ events }}.event_date
        when cast({{ visitors }}.identified_at as date) > {{ events }}.event_date
            then cast({{ visitors }}.identified_at as date)
        else {{ events }}.event_date
    end
{%- endmacro %}
