-- One row per scoring date, lead, scoring model and engagement rule with matched events in the
-- rule's recency window: events and points before and after decay and frequency caps.
--   raw_points      = points x matched events (no decay, no caps)
--   decayed_points  = sum of points x events x 0.5 ^ (age in days / rule half-life) (no caps)
--   counted_points  = the same after the per-day cap and then the total cap, which keeps the
--                     most recent events (they are worth most under decay)
-- Arithmetic on the rule's sufficient statistics (int_engagement_rule_daily_states), not a re-scan
-- of events per scoring date: a scoring date T reads the state of the last event day on or before T
-- and, for a recency window, of the last event day on or before T - window_days; the events in the
-- window are the difference, those counted start after the later of the window's and the total
-- cap's cut, and the decayed sum is the weighted running total x 0.5 ^ (days from the state's epoch
-- to T / half-life). Each scoring date joins one state per lead and rule, not every event day.
-- Which states a run reads. A --full-refresh scores every lead at every date: one range join of all
-- states with all dates. A daily run scores every lead at the as-of date and the leads whose inputs
-- changed at past dates (history checkpoints, backtest dates): two passes, the as-of date as one row
-- (an aggregate without group by, so the engine compares each state with it instead of sorting all
-- states for a range join; the states of the models scored at it only, not the candidates') and
-- the past dates for those leads' states only. At M the daily decay takes 6 s instead of 12 s this
-- way, while one pass is quicker for a full refresh (17 s against 32 s).
-- The states and the scope are read with ref() where they are used, not through import CTEs: DuckDB
-- materializes a CTE that is read more than once, which here would copy tens of millions of states.
{%- if flags.FULL_REFRESH %}
    {%- set passes = [{'dates': 'all_dates', 'leads': none, 'dates_by_model': true}] %}
{%- else %}
    {%- set passes = [
        {'dates': 'current_dates', 'leads': none, 'models': 'current_models'},
        {'dates': 'past_dates', 'leads': 'past_scope', 'dates_by_model': true},
    ] %}
{%- endif %}
with

engagement_rules as (
    select * from {{ ref('engagement_rules') }}
),

{% if flags.FULL_REFRESH -%}
    -- each scoring date with the models scored at it: a candidate model's states meet its backtest
    -- dates only, not every history checkpoint
    all_dates as (
        select distinct
            as_of_date,
            scoring_model_id
        from {{ ref('int_scoring_scope') }}
    ),
{%- else -%}
    current_dates as (
        select max(as_of_date) as as_of_date
        from {{ ref('int_scoring_scope') }}
        where is_current
    ),

    -- the models scored at the as-of date: not the candidates (backtest dates only), whose states
    -- would otherwise all be read for the as-of date and dropped by the scope
    current_models as (
        select distinct scoring_model_id
        from {{ ref('int_scoring_scope') }}
        where is_current
    ),

    past_dates as (
        select distinct
            as_of_date,
            scoring_model_id
        from {{ ref('int_scoring_scope') }}
        where not is_current
    ),

    past_scope as (
        select distinct
            lead_id,
            scoring_model_id
        from {{ ref('int_scoring_scope') }}
        where not is_current
    ),
{%- endif %}

-- the state in force at each scoring date: the last event day on or before it, where that day is
-- still inside the recency window (else no event of the rule is: no row)
state_at_date as (
    {%- for pass in passes %}
        select
            daily_states.*,
            engagement_rules.score_group,
            cast(engagement_rules.points as {{ type_double() }}) as points,
            engagement_rules.window_days,
            scoring_dates.as_of_date
        from {{ ref('int_engagement_rule_daily_states') }} as daily_states
        inner join engagement_rules
            on
                daily_states.scoring_model_id = engagement_rules.scoring_model_id
                and daily_states.rule_id = engagement_rules.rule_id
        {%- if pass.leads %}
            inner join {{ pass.leads }} as scoped_leads
                on
                    daily_states.lead_id = scoped_leads.lead_id
                    and daily_states.scoring_model_id = scoped_leads.scoring_model_id
        {%- endif %}
        {%- if pass.models %}
            inner join {{ pass.models }} as scored_models
                on daily_states.scoring_model_id = scored_models.scoring_model_id
        {%- endif %}
        inner join {{ pass.dates }} as scoring_dates
            on
                daily_states.event_date <= scoring_dates.as_of_date
                and (daily_states.next_event_date is null or daily_states.next_event_date > scoring_dates.as_of_date)
                and (
                    engagement_rules.window_days is null
                    or {{ add_days('daily_states.event_date', 'engagement_rules.window_days') }} > scoring_dates.as_of_date
                )
                {%- if pass.dates_by_model %}
                    and daily_states.scoring_model_id = scoring_dates.scoring_model_id
                {%- endif %}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

-- the state just before the recency window: the last event day on or before date - window_days,
-- where a later event day is inside the window (else state_at_date has no row for the date)
state_before_window as (
    {%- for pass in passes %}
        select
            scoring_dates.as_of_date,
            daily_states.lead_id,
            daily_states.scoring_model_id,
            daily_states.rule_id,
            daily_states.capped_through,
            daily_states.capped_weight_through,
            daily_states.matched_through,
            daily_states.matched_weight_through,
            daily_states.filtered_through
        from {{ ref('int_engagement_rule_daily_states') }} as daily_states
        inner join engagement_rules
            on
                daily_states.scoring_model_id = engagement_rules.scoring_model_id
                and daily_states.rule_id = engagement_rules.rule_id
        {%- if pass.leads %}
            inner join {{ pass.leads }} as scoped_leads
                on
                    daily_states.lead_id = scoped_leads.lead_id
                    and daily_states.scoring_model_id = scoped_leads.scoring_model_id
        {%- endif %}
        {%- if pass.models %}
            inner join {{ pass.models }} as scored_models
                on daily_states.scoring_model_id = scored_models.scoring_model_id
        {%- endif %}
        inner join {{ pass.dates }} as scoring_dates
            on
                {{ add_days('daily_states.event_date', 'engagement_rules.window_days') }} <= scoring_dates.as_of_date
                and daily_states.next_event_date <= scoring_dates.as_of_date
                and {{ add_days('daily_states.next_event_date', 'engagement_rules.window_days') }} > scoring_dates.as_of_date
                {%- if pass.dates_by_model %}
                    and daily_states.scoring_model_id = scoring_dates.scoring_model_id
                {%- endif %}
        where engagement_rules.window_days is not null and daily_states.next_event_date is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

in_window as (
    select
        state_at_date.as_of_date,
        state_at_date.lead_id,
        state_at_date.scoring_model_id,
        state_at_date.rule_id,
        state_at_date.score_group,
        state_at_date.points,
        state_at_date.matched_through - coalesce(state_before_window.matched_through, 0) as event_count,
        state_at_date.filtered_through - coalesce(state_before_window.filtered_through, 0)
            as filtered_event_count,
        state_at_date.matched_weight_through - coalesce(state_before_window.matched_weight_through, 0.0)
            as matched_weight,
        -- counted: after the later of the two cuts (the total cap's, the window's)
        case
            when state_at_date.cap_cut_count >= coalesce(state_before_window.capped_through, 0)
                then state_at_date.capped_through - state_at_date.cap_cut_count
            else state_at_date.capped_through - state_before_window.capped_through
        end as counted_event_count,
        case
            when state_at_date.cap_cut_count >= coalesce(state_before_window.capped_through, 0)
                then state_at_date.capped_weight_through - state_at_date.cap_cut_weight
            else state_at_date.capped_weight_through - state_before_window.capped_weight_through
        end as counted_weight,
        case
            when
                state_at_date.window_days is null
                or {{ days_between('state_at_date.last_matched_date', 'state_at_date.as_of_date') }}
                < state_at_date.window_days
                then state_at_date.last_matched_date
        end as last_event_date,
        case
            when state_at_date.half_life_days is null then 1.0
            else power(
                0.5,
                cast({{ days_between('state_at_date.epoch_date', 'state_at_date.as_of_date') }} as {{ type_double() }})
                / state_at_date.half_life_days
            )
        end as decay_from_epoch
    from state_at_date
    inner join {{ ref('int_scoring_scope') }} as population
        on
            state_at_date.as_of_date = population.as_of_date
            and state_at_date.lead_id = population.lead_id
            and state_at_date.scoring_model_id = population.scoring_model_id
    left join state_before_window
        on
            state_at_date.as_of_date = state_before_window.as_of_date
            and state_at_date.lead_id = state_before_window.lead_id
            and state_at_date.scoring_model_id = state_before_window.scoring_model_id
            and state_at_date.rule_id = state_before_window.rule_id
),

final as (
    select
        as_of_date,
        lead_id,
        scoring_model_id,
        rule_id,
        'engagement' as rule_type,
        score_group,
        cast(event_count as {{ dbt.type_bigint() }}) as event_count,
        cast(filtered_event_count as {{ dbt.type_bigint() }}) as filtered_event_count,
        cast(counted_event_count as {{ dbt.type_bigint() }}) as counted_event_count,
        {{ round_points('points * event_count', 12) }} as raw_points,
        {{ round_points('points * matched_weight * decay_from_epoch', 12) }} as decayed_points,
        {{ round_points('points * counted_weight * decay_from_epoch', 12) }} as counted_points,
        last_event_date,
        cast(null as {{ dbt.type_string() }}) as matched_value
    from in_window
    where event_count + filtered_event_count > 0
)

select * from final
