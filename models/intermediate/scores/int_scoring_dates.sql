{%- set as_of_date = var('as_of_date', env_var('LEAD_SCORING_AS_OF_DATE', '')) | string | trim -%}
{%- if as_of_date and not modules.re.match('^\d{4}-\d{2}-\d{2}$', as_of_date) -%}
    {{ exceptions.raise_compiler_error("var as_of_date must be a date like 2026-06-30, got '" ~ as_of_date ~ "'") }}
{%- endif -%}
-- One row per date the leads are scored "as of" (end of that day): the as-of date itself
-- (var `as_of_date`, default the date of the latest event) and `score_history_checkpoints` past
-- checkpoints, `score_history_interval_days` apart, from which MQL history is read.
with

events as (
    select * from {{ ref('int_lead_events_resolved') }}
),

as_of as (
    select
        {% if as_of_date -%}
            -- An aggregate, like max(event_date): one row, not one per event.
            max(cast('{{ as_of_date }}' as date))
        {%- else -%}
            max(event_date)
        {%- endif %} as as_of_date
    from events
),

checkpoint_numbers as (
    {% for checkpoint_number in range(var('score_history_checkpoints') | int + 1) -%}
        select {{ checkpoint_number }} as checkpoint_number
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        {{ add_days(
            'as_of.as_of_date',
            '-1 * checkpoint_numbers.checkpoint_number * ' ~ (var('score_history_interval_days') | int),
        ) }} as as_of_date,
        checkpoint_numbers.checkpoint_number,
        checkpoint_numbers.checkpoint_number = 0 as is_current
    from as_of
    cross join checkpoint_numbers
)

select * from final
