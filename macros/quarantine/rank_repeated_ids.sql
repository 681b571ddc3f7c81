{#-
    Two CTEs, `repeated_ids` and `ranked`: the rows of `relation` (a CTE of typed event rows) with
    `duplicate_rank`, 1 for the first occurrence of an event id and 2, 3, ... for its repeats, in
    the order of `source_system` below. The staging model keeps rank 1 and its quarantine model
    rejects the rest, so both call this macro and rank alike.

    The repeated ids are found by an aggregate and only their rows go through the window: a
    window over every event (a sort of all rows with their text columns) spilled tens of GB at
    50M events, the aggregate spills little; the ranks are the same.

    The order columns are left unqualified: `repeated_ids` holds only `event_id`.
    `rankable`: a condition on the rows that take part (the quarantine model ranks only rows
    without a row-level fault); the other rows get a null rank. Portable SQL (every engine).

    Example:
        {{ rank_repeated_ids('usable', 'web') }},

        known as (
            select * from ranked where duplicate_rank = 1
        )
-#}
{% macro rank_repeated_ids(relation, source_system, rankable=none) -%}
    {%- set order_by = {
        'web': ['occurred_at', 'source_event_type', "coalesce(lead_id, '')",
                "coalesce(anonymous_id, '')", "coalesce(url_path, '')"],
        'email': ['occurred_at', 'source_event_type', 'lead_id',
                  "coalesce(campaign_id, '')", "coalesce(clicked_url, '')"],
    }[source_system] -%}
repeated_ids as (
    select {{ relation }}.event_id
    from {{ relation }}
    {% if rankable %}where {{ rankable }}{% endif %}
    group by {{ relation }}.event_id
    having count(*) > 1
),

ranked as (
    select
        {{ relation }}.*,
        {% if rankable %}case when {{ rankable }} then 1 end{% else %}1{% endif %} as duplicate_rank
    from {{ relation }}
    left join repeated_ids
        on {{ relation }}.event_id = repeated_ids.event_id
    where repeated_ids.event_id is null{% if rankable %} or not ({{ rankable }}){% endif %}
    union all
    select
        {{ relation }}.*,
        row_number() over (
            partition by {{ relation }}.event_id
            order by
            {%- for expression in order_by %}
                {{ expression }}{{ ',' if not loop.last }}
            {%- endfor %}
        ) as duplicate_rank
    from {{ relation }}
    inner join repeated_ids
        on {{ relation }}.event_id = repeated_ids.event_id
    {% if rankable %}where {{ rankable }}{% endif %}
)
{%- endmacro %}
