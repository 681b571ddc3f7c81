{%- set as_of_date = var('as_of_date', env_var('LEAD_SCORING_AS_OF_DATE', '')) | string | trim -%}
{%- if as_of_date and not modules.re.match('^\d{4}-\d{2}-\d{2}$', as_of_date) -%}
    {{ exceptions.raise_compiler_error("var as_of_date must be a date like 2026-06-30, got '" ~ as_of_date ~ "'") }}
{%- endif -%}
{%- set history_interval_days = var('score_history_interval_days') | int -%}
{%- set label_window_days = var('prediction_label_window_days') | int -%}
{%- set backtest_interval_days = var('backtest_interval_days') | int -%}
-- One row per date the leads are scored "as of" (end of that day), with what the date is for:
-- * the as-of date (var `as_of_date`, default the date of the latest event): the public marts;
-- * `score_history_checkpoints` past checkpoints, `score_history_interval_days` apart: score
--   history and MQL hand-off;
-- * `backtest_cohorts` backtest dates: the evaluation date (the as-of date minus the label window
--   `prediction_label_window_days`, so the outcome window after it is fully observed) and further
--   dates `backtest_interval_days` before it (monthly cohorts). Candidate scoring models
--   (scoring_models.is_active = false) are scored on these dates only.
with

events as (
    select * from {{ ref('int_lead_events_resolved') }}
),

as_of as (
    {% if as_of_date -%}
        select cast('{{ as_of_date }}' as date) as as_of_date
    {%- else -%}
        select max(event_date) as as_of_date
        from events
    {%- endif %}
),

checkpoint_numbers as (
    {% for checkpoint_number in range(var('score_history_checkpoints') | int + 1) -%}
        select {{ checkpoint_number }} as checkpoint_number
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

cohort_numbers as (
    {% for cohort_number in range(var('backtest_cohorts') | int) -%}
        select {{ cohort_number }} as backtest_cohort_number
        {% if not loop.last %}union all{% endif %}
    {% else -%}
        -- backtest_cohorts: 0, no backtest dates (no evaluation)
        select 0 as backtest_cohort_number
        where 1 = 0
    {% endfor %}
),

history_dates as (
    select
        {{ add_days('as_of.as_of_date', '-1 * checkpoint_numbers.checkpoint_number * ' ~ history_interval_days) }}
            as as_of_date,
        checkpoint_numbers.checkpoint_number,
        cast(null as {{ dbt.type_int() }}) as backtest_cohort_number
    from as_of
    cross join checkpoint_numbers
),

backtest_dates as (
    select
        {{ add_days(
            'as_of.as_of_date',
            '-1 * (' ~ label_window_days ~ ' + cohort_numbers.backtest_cohort_number * ' ~ backtest_interval_days ~ ')',
        ) }} as as_of_date,
        cast(null as {{ dbt.type_int() }}) as checkpoint_number,
        cohort_numbers.backtest_cohort_number
    from as_of
    cross join cohort_numbers
),

all_dates as (
    select * from history_dates
    union all
    select * from backtest_dates
),

final as (
    select
        as_of_date,
        min(checkpoint_number) as checkpoint_number,
        min(backtest_cohort_number) as backtest_cohort_number,
        coalesce(min(checkpoint_number) = 0, false) as is_current,
        min(checkpoint_number) is not null as is_history_checkpoint,
        min(backtest_cohort_number) is not null as is_backtest_date
    from all_dates
    group by as_of_date
)

select * from final
