{{
    config(
        materialized='table' if target.type == 'spark' else 'incremental',
        incremental_strategy='delete+insert',
        unique_key=['lead_id', 'scoring_model_id'],
        on_schema_change='fail',
        post_hook=[
            "{{ delete_rows_not_in(this, ref('int_engagement_state_leads'), ['lead_id', 'scoring_model_id', 'events_fingerprint']) }}",
        ],
    )
}}
-- One row per lead, scoring model, engagement rule and day with events the rule matches: the
-- rule's sufficient statistics through that day, from which int_engagement_points_decayed computes
-- the decayed, capped points at any scoring date by arithmetic (no re-scan of events per date).
--   capped_through          events counted so far after the per-day cap (max_per_day)
--   capped_weight_through   the same, each weighted by 2 ^ (days from epoch_date / half-life): the
--                           decayed sum at date T is this x 0.5 ^ (days from epoch_date to T / half-life)
--   matched_through, matched_weight_through, filtered_through: the same before the caps
--   cap_cut_count, cap_cut_weight: what the total cap (max_total, the most recent events) leaves
--                           out as of that day: the running totals at the cap's cut
-- half_life_days, max_per_day and max_total are the rule's values the row was computed with.
-- epoch_date is the first event day in the data when the row was computed (stored per row, so rows
-- computed on different runs stay valid; a new first day changes every lead's events fingerprint,
-- so all are computed again and the states match a full refresh).
-- A candidate scoring model (is_active = false) has rows up to the last date it is scored at only
-- (int_engagement_state_leads.state_horizon_date): later ones would never be read.
-- Incremental: a run computes the leads and scoring models int_engagement_state_leads marks (new or
-- changed events, changed rules or code), replaces their rows and keeps the others; rows whose
-- events fingerprint is no longer current (no events left) are deleted after the run. On Spark
-- (parquet tables, no delete) a table rebuilt in full. Exponents stay below 2 ^ 1000 (doubles reach
-- 2 ^ 1023) while the events span under 1,000 half-lives: 19 years at the shortest half-life
-- shipped, 7 days.
with

daily_counts as (
    select * from {{ ref('int_engagement_rule_daily_counts') }}
),

engagement_rules as (
    select * from {{ ref('engagement_rules') }}
),

-- the computed leads and models, their events fingerprint and the first event day of all (weights
-- grow from it)
computed_leads as (
    select * from {{ ref('int_engagement_state_leads') }}
    where is_computed
),

-- Only what the running totals need goes through the two window passes (sorted, and spilled at large
-- scale): keys, day counts and weights. The lead's events fingerprint and epoch and the rule's
-- parameters are joined back afterwards, so the long fingerprint text is not carried through sorts.
rule_days as (
    select
        daily_counts.lead_id,
        daily_counts.scoring_model_id,
        daily_counts.rule_id,
        daily_counts.event_date,
        daily_counts.matched_event_count,
        daily_counts.filtered_event_count,
        engagement_rules.max_total,
        case
            when engagement_rules.max_per_day is null then daily_counts.matched_event_count
            when daily_counts.matched_event_count < engagement_rules.max_per_day
                then daily_counts.matched_event_count
            else engagement_rules.max_per_day
        end as day_capped_count,
        -- 1 / the decay factor from the epoch: later days weigh more, by 2 per half-life
        case
            when engagement_rules.half_life_days is null then 1.0
            else
                power(
                    2.0,
                    cast({{ days_between('computed_leads.epoch_date', 'daily_counts.event_date') }} as {{ type_double() }})
                    / engagement_rules.half_life_days
                )
        end as growth_weight
    from daily_counts
    inner join computed_leads
        on
            daily_counts.lead_id = computed_leads.lead_id
            and daily_counts.scoring_model_id = computed_leads.scoring_model_id
    inner join engagement_rules
        on
            daily_counts.scoring_model_id = engagement_rules.scoring_model_id
            and daily_counts.rule_id = engagement_rules.rule_id
),

running_totals as (
    select
        *,
        sum(day_capped_count) over rule_history as capped_through,
        sum(day_capped_count * growth_weight) over rule_history as capped_weight_through,
        sum(matched_event_count) over rule_history as matched_through,
        sum(matched_event_count * growth_weight) over rule_history as matched_weight_through,
        sum(filtered_event_count) over rule_history as filtered_through,
        max(case when matched_event_count > 0 then event_date end) over rule_history as last_matched_date,
        lead(event_date) over (
            partition by lead_id, scoring_model_id, rule_id
            order by event_date
        ) as next_event_date
    from rule_days
    window rule_history as (
        partition by lead_id, scoring_model_id, rule_id
        order by event_date
        rows between unbounded preceding and current row
    )
),

-- The total cap at each event day: the day-capped events that end after position
-- capped_through - max_total, i.e. the last max_total events. The frame orders by position in units
-- of max_total and reaches back just under 1 unit, so it holds exactly the days ending after the
-- cut; the first of them may straddle it, and its events before the cut come off.
cap_frames as (
    select
        *,
        sum(day_capped_count * growth_weight) over cap_frame as frame_weight,
        min(case when day_capped_count > 0 then capped_through - day_capped_count end) over cap_frame
            as frame_first_start,
        min(case when day_capped_count > 0 then growth_weight end) over cap_frame as frame_first_weight
    from running_totals
    window cap_frame as (
        partition by lead_id, scoring_model_id, rule_id
        order by cast(capped_through as {{ type_double() }}) / coalesce(nullif(max_total, 0), 1)
        range between 0.999999999 preceding and current row
    )
),

final as (
    select
        cap_frames.lead_id,
        cap_frames.scoring_model_id,
        cap_frames.rule_id,
        cap_frames.event_date,
        cap_frames.next_event_date,
        computed_leads.epoch_date,
        engagement_rules.half_life_days,
        engagement_rules.max_per_day,
        engagement_rules.max_total,
        cap_frames.matched_event_count,
        cap_frames.filtered_event_count,
        cap_frames.day_capped_count,
        cap_frames.capped_through,
        cap_frames.capped_weight_through,
        cap_frames.matched_through,
        cap_frames.matched_weight_through,
        cap_frames.filtered_through,
        cap_frames.last_matched_date,
        computed_leads.events_fingerprint,
        -- where the total cap cuts: events (and their weight) before it do not count
        case
            when cap_frames.max_total is null or cap_frames.capped_through <= cap_frames.max_total then 0
            else cap_frames.capped_through - cap_frames.max_total
        end as cap_cut_count,
        case
            when cap_frames.max_total is null or cap_frames.capped_through <= cap_frames.max_total then 0.0
            when cap_frames.max_total = 0 then cap_frames.capped_weight_through
            else
                cap_frames.capped_weight_through - cap_frames.frame_weight
                + (cap_frames.capped_through - cap_frames.max_total - cap_frames.frame_first_start)
                * cap_frames.frame_first_weight
        end as cap_cut_weight
    from cap_frames
    inner join computed_leads
        on
            cap_frames.lead_id = computed_leads.lead_id
            and cap_frames.scoring_model_id = computed_leads.scoring_model_id
    inner join engagement_rules
        on
            cap_frames.scoring_model_id = engagement_rules.scoring_model_id
            and cap_frames.rule_id = engagement_rules.rule_id
)

select * from final
