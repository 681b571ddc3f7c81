{{
    config(
        materialized='table' if target.type == 'spark' else 'incremental',
        unique_key='event_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
-- One row per event from every source system (web, email, CRM activities, opportunities, sales
-- feedback) in one shape, as the sources recorded it. Incremental: a run reads, per source system,
-- events from `event_lookback_days` before that source's newest loaded one. Everything that can change after an event
-- arrived (identity stitching, deleted leads, the event-type catalogue) is resolved downstream,
-- so an incremental run and a full refresh hold the same rows.
-- On Spark a table rebuilt in full on every run: without Delta, dbt-spark has no delete+insert or
-- merge, `append` would duplicate the re-read lookback days and an unpartitioned `insert_overwrite`
-- would keep only them. Every run then gives the rows of a full refresh, re-reading all files.
with

web_events as (
    select * from {{ ref('stg_web__events') }}
),

email_events as (
    select * from {{ ref('stg_email__events') }}
),

activities as (
    select * from {{ ref('stg_crm__activities') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

sales_feedback as (
    select * from {{ ref('stg_crm__sales_feedback') }}
),

unioned as (
    select
        {{ dbt.concat(["'web:'", 'event_id']) }} as event_id,
        'web' as source_system,
        source_event_type,
        lead_id,
        anonymous_id,
        url_path,
        referrer,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as clicked_url,
        cast(null as {{ dbt.type_string() }}) as activity_subject,
        cast(null as {{ dbt.type_string() }}) as rating,
        filter_reason as source_filter_reason,
        occurred_at
    from web_events
    {% if is_incremental() %}
        where {{ is_new_event('occurred_at', 'web') }}
    {% endif %}

    union all

    select
        {{ dbt.concat(["'email:'", 'event_id']) }} as event_id,
        'email' as source_system,
        source_event_type,
        lead_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        cast(null as {{ dbt.type_string() }}) as url_path,
        cast(null as {{ dbt.type_string() }}) as referrer,
        campaign_id,
        clicked_url,
        cast(null as {{ dbt.type_string() }}) as activity_subject,
        cast(null as {{ dbt.type_string() }}) as rating,
        filter_reason as source_filter_reason,
        occurred_at
    from email_events
    {% if is_incremental() %}
        where {{ is_new_event('occurred_at', 'email') }}
    {% endif %}

    union all

    select
        {{ dbt.concat(["'activity:'", 'activity_id']) }} as event_id,
        'crm_activities' as source_system,
        activity_type as source_event_type,
        lead_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        cast(null as {{ dbt.type_string() }}) as url_path,
        cast(null as {{ dbt.type_string() }}) as referrer,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as clicked_url,
        activity_subject,
        cast(null as {{ dbt.type_string() }}) as rating,
        cast(null as {{ dbt.type_string() }}) as source_filter_reason,
        occurred_at
    from activities
    {% if is_incremental() %}
        where {{ is_new_event('occurred_at', 'crm_activities') }}
    {% endif %}

    union all

    select
        {{ dbt.concat(["'opportunity:'", 'opportunity_id']) }} as event_id,
        'opportunities' as source_system,
        'opportunity_created' as source_event_type,
        lead_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        cast(null as {{ dbt.type_string() }}) as url_path,
        cast(null as {{ dbt.type_string() }}) as referrer,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as clicked_url,
        stage as activity_subject,
        cast(null as {{ dbt.type_string() }}) as rating,
        cast(null as {{ dbt.type_string() }}) as source_filter_reason,
        created_at as occurred_at
    from opportunities
    {% if is_incremental() %}
        where {{ is_new_event('created_at', 'opportunities') }}
    {% endif %}

    union all

    select
        {{ dbt.concat(["'feedback:'", 'feedback_id']) }} as event_id,
        'sales_feedback' as source_system,
        feedback_type as source_event_type,
        lead_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        cast(null as {{ dbt.type_string() }}) as url_path,
        cast(null as {{ dbt.type_string() }}) as referrer,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as clicked_url,
        disqualification_reason as activity_subject,
        cast(rating as {{ dbt.type_string() }}) as rating,
        cast(null as {{ dbt.type_string() }}) as source_filter_reason,
        created_at as occurred_at
    from sales_feedback
    {% if is_incremental() %}
        where {{ is_new_event('created_at', 'sales_feedback') }}
    {% endif %}
),

final as (
    select
        *,
        cast(occurred_at as date) as event_date
    from unioned
)

select * from final
