{%- set as_of_date = var('as_of_date', env_var('LEAD_SCORING_AS_OF_DATE', '')) | string | trim -%}
{%- if as_of_date and not modules.re.match('^\d{4}-\d{2}-\d{2}$', as_of_date) -%}
    {{ exceptions.raise_compiler_error("var as_of_date must be a date like 2026-06-30, got '" ~ as_of_date ~ "'") }}
{%- endif -%}
{%- set history_interval_days = var('score_history_interval_days') | int -%}
{%- set label_window_days = var('prediction_label_window_days') | int -%}
{%- set backtest_interval_days = var('backtest_interval_days') | int -%}
-- One row per date the leads are scored "as of" (end of that day), with what the date is for:
-- * the as-of date (var `as_of_date`, default the date of the latest event): the public marts;
-- * `score_history_checkpoints` past checkpoints, `score_history_interval_days` apart, on the
--   calendar (macro anchor_date: with 7 days, the Sundays before the as-of date): score history and
--   MQL hand-off;
-- * `backtest_cohorts` backtest dates: the evaluation date (the anchored date on or before the
--   as-of date minus the label window `prediction_label_window_days`, so the outcome window after
--   it is fully observed) and further dates `backtest_interval_days` before it (monthly cohorts).
--   Candidate scoring models (scoring_models.is_active = false) are scored on these dates only.
-- Past dates are anchored so that they stay put while the as-of date moves day by day: a daily run
-- adds one scoring date (the new as-of date) and re-scores past dates only for leads whose inputs
-- changed (int_scoring_scope).
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

anchors as (
    select
        as_of_date,
        {{ anchor_date(add_days('as_of_date', -1), history_interval_days) }} as last_checkpoint_date,
        {{ anchor_date(add_days('as_of_date', -1 * label_window_days), history_interval_days) }}
            as evaluation_date
    from as_of
),

history_dates as (
    select
        case
            when checkpoint_numbers.checkpoint_number = 0 then anchors.as_of_date
            else {{ add_days(
                'anchors.last_checkpoint_date',
                '-1 * (checkpoint_numbers.checkpoint_number - 1) * ' ~ history_interval_days,
            ) }}
        end as as_of_date,
        checkpoint_numbers.checkpoint_number,
        cast(null as {{ dbt.type_int() }}) as backtest_cohort_number
    from anchors
    cross join checkpoint_numbers
),

backtest_dates as (
    select
        {{ add_days(
            'anchors.evaluation_date',
            '-1 * cohort_numbers.backtest_cohort_number * ' ~ backtest_interval_days,
        ) }} as as_of_date,
        cast(null as {{ dbt.type_int() }}) as checkpoint_number,
        cohort_numbers.backtest_cohort_number
    from anchors
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
