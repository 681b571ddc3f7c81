-- One row per lead and scoring model that was an MQL at any scoring checkpoint: the MQL hand-off.
-- An MQL episode starts at a checkpoint where the lead qualifies after one where it did not (or at
-- its first scored checkpoint). A recycled lead is one that dropped out and qualified again.
with

history as (
    select * from {{ ref('int_lead_scores_as_of') }}
    where is_history_checkpoint and is_active_model
),

with_previous as (
    select
        *,
        lag(is_mql) over (
            partition by lead_id, scoring_model_id
            order by as_of_date
        ) as was_mql
    from history
),

episodes as (
    select
        lead_id,
        scoring_model_id,
        as_of_date
    from with_previous
    where is_mql and not coalesce(was_mql, false)
),

episode_summary as (
    select
        lead_id,
        scoring_model_id,
        min(as_of_date) as first_mql_date,
        max(as_of_date) as latest_mql_date,
        count(*) as mql_episode_count
    from episodes
    group by lead_id, scoring_model_id
),

current_status as (
    select
        lead_id,
        scoring_model_id,
        is_mql as is_currently_mql,
        is_sql as is_currently_sql,
        as_of_date
    from history
    where is_current
),

final as (
    select
        episode_summary.lead_id,
        episode_summary.scoring_model_id,
        cast(episode_summary.mql_episode_count as {{ dbt.type_int() }}) as mql_episode_count,
        episode_summary.mql_episode_count > 1 as is_recycled,
        coalesce(current_status.is_currently_mql, false) as is_currently_mql,
        coalesce(current_status.is_currently_sql, false) as is_currently_sql,
        episode_summary.first_mql_date,
        episode_summary.latest_mql_date
    from episode_summary
    left join current_status
        on
            episode_summary.lead_id = current_status.lead_id
            and episode_summary.scoring_model_id = current_status.scoring_model_id
)

select * from final
