{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['lead_id', 'feature_date'],
        on_schema_change='fail',
        post_hook=[
            "{{ delete_rows_not_in(this, ref('int_lead_conversion_labels'), ['lead_id', 'feature_date']) }}",
        ],
    )
}}
{%- set categorical_attributes = [
    'industry', 'country', 'lead_source', 'seniority', 'email_domain_class', 'job_title', 'timeline',
    'budget_confirmed', 'product_interest', 'tech_stack', 'preferred_language', 'newsletter_opt_in',
] -%}
{%- set numeric_attributes = ['employee_count', 'annual_revenue'] -%}
{%- set event_types = [
    'page_view', 'pricing_page_view', 'demo_request', 'form_submit', 'content_download', 'webinar_page_view',
    'careers_page_view', 'email_open', 'email_click', 'email_unsubscribe', 'email_spam_report', 'email_bounce',
    'meeting', 'call', 'webinar_registered', 'webinar_attended', 'event_attended',
] -%}
{%- set window_days = [7, 30, 90] -%}
{%- set page_sections = ['docs', 'product', 'customers', 'integrations', 'blog'] -%}
-- One row per canonical lead and feature date (int_prediction_dates) at which the lead existed: what
-- was known about the lead at the end of that day, and nothing later. Attributes are the versions
-- valid that day (int_lead_attribute_versions); engagement counts unfiltered events per event type
-- in the 7 / 30 / 90 days up to the feature date, page views per site section, engagement recency,
-- sales ratings. Opportunities are the outcome and never a feature. The lists above name feature
-- columns (SQL needs them at compile time); which of them the model uses, and how a reason reads,
-- is the predictive_features seed.
-- Incremental (the predictive models run on DuckDB only): a run computes the lead-dates it does not
-- hold with the lead's current input fingerprint (int_lead_input_fingerprints and the code
-- fingerprint): the new scoring date for every lead, and every date of the leads whose inputs
-- changed; the training cutoffs are calendar dates, so the rest is kept. Lead-dates the labels no
-- longer hold are deleted after the run.
with

label_dates as (
    -- Both prediction runs read some dates (the holdout's scoring date is a training cutoff of the
    -- current run): features are computed once per lead and date.
    select distinct
        lead_id,
        feature_date
    from {{ ref('int_lead_conversion_labels') }}
),

fingerprints as (
    select * from {{ ref('int_lead_input_fingerprints') }}
),

labels as (
    select
        label_dates.lead_id,
        label_dates.feature_date,
        coalesce(fingerprints.input_fingerprint, 'none') as input_fingerprint
    from label_dates
    left join fingerprints
        on label_dates.lead_id = fingerprints.lead_id
    {% if is_incremental() -%}
        where not exists (
            select 1
            from {{ this }} as stored
            where
                stored.lead_id = label_dates.lead_id
                and stored.feature_date = label_dates.feature_date
                and stored.input_fingerprint = coalesce(fingerprints.input_fingerprint, 'none')
        )
    {%- endif %}
),

attribute_versions as (
    select * from {{ ref('int_lead_attribute_versions') }}
),

events as (
    select * from {{ ref('int_lead_events_resolved') }}
),

source_events as (
    select * from {{ ref('int_events_unioned') }}
),

visitors as (
    select * from {{ ref('int_web_visitors_identified') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

attributes_as_of as (
    select
        labels.lead_id,
        labels.feature_date,
        {% for attribute in categorical_attributes -%}
            max(case when attribute_versions.attribute_name = '{{ attribute }}' then attribute_versions.attribute_value end)
                as {{ attribute }},
        {% endfor -%}
        {% for attribute in numeric_attributes -%}
            max(
                case
                    when attribute_versions.attribute_name = '{{ attribute }}'
                        then {{ safe_to_double('attribute_versions.attribute_value') }}
                end
            ) as {{ attribute }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from labels
    inner join attribute_versions
        on
            labels.lead_id = attribute_versions.lead_id
            and labels.feature_date >= attribute_versions.valid_from_date
            and (attribute_versions.valid_to_date is null or labels.feature_date < attribute_versions.valid_to_date)
    group by labels.lead_id, labels.feature_date
),

-- Unfiltered events with the day they became known: the event day, or for an anonymous visit the
-- day its visitor identified (it counts only from then). Resolved once per event, before the
-- events meet the feature dates.
lead_events as (
    select
        events.lead_id,
        events.event_type,
        events.is_engagement,
        events.url_path,
        events.rating,
        events.occurred_at,
        events.event_date,
        case
            when source_events.lead_id is not null then events.event_date
            when cast(visitors.identified_at as date) > events.event_date then cast(visitors.identified_at as date)
            else events.event_date
        end as known_from_date,
        source_events.lead_id is null and visitors.identified_at is null as is_never_known
    from events
    inner join source_events
        on events.event_id = source_events.event_id
    left join visitors
        on source_events.anonymous_id = visitors.anonymous_id
    where not events.is_filtered
),

known_events as (
    -- Unfiltered events of the lead up to the end of the feature date, as known that day.
    select
        labels.lead_id,
        labels.feature_date,
        lead_events.event_type,
        lead_events.is_engagement,
        lead_events.url_path,
        lead_events.rating,
        lead_events.occurred_at,
        lead_events.event_date,
        {{ days_between('lead_events.event_date', 'labels.feature_date') }} as age_days
    from labels
    inner join lead_events
        on
            labels.lead_id = lead_events.lead_id
            and labels.feature_date >= lead_events.known_from_date
    where not lead_events.is_never_known
),

recent_events as (
    select * from known_events
    where age_days < 90
),

event_counts as (
    select
        lead_id,
        feature_date,
        {% for event_type in event_types -%}
            {% for days in window_days -%}
                sum(case when event_type = '{{ event_type }}' and age_days < {{ days }} then 1 else 0 end)
                    as {{ event_type }}_count_{{ days }}d,
            {% endfor -%}
        {% endfor -%}
        {% for section in page_sections -%}
            {% for days in [30, 90] -%}
                sum(
                    case
                        when
                            event_type = 'page_view'
                            and {{ dbt.split_part('url_path', "'/'", 2) }} = '{{ section }}'
                            and age_days < {{ days }}
                            then 1
                        else 0
                    end
                ) as {{ section }}_page_view_count_{{ days }}d,
            {% endfor -%}
        {% endfor -%}
        sum(case when event_type = 'email_delivered' then 1 else 0 end) as email_delivered_count_90d
    from recent_events
    group by lead_id, feature_date
),

ratings as (
    select
        lead_id,
        feature_date,
        {{ safe_to_double('rating') }} as rating,
        row_number() over (partition by lead_id, feature_date order by occurred_at desc) as rating_rank
    from recent_events
    where event_type = 'sales_rating' and {{ safe_to_double('rating') }} is not null
),

engagement_recency as (
    select
        lead_id,
        feature_date,
        min(age_days) as days_since_last_engagement,
        count(distinct case when age_days < 30 then event_date end) as engagement_day_count_30d,
        count(distinct case when age_days < 90 then event_date end) as engagement_day_count_90d
    from known_events
    where is_engagement
    group by lead_id, feature_date
),

disqualifications as (
    select distinct
        lead_id,
        feature_date
    from known_events
    where event_type = 'sales_disqualification'
),

final as (
    select
        labels.lead_id,
        labels.feature_date,
        {% for attribute in categorical_attributes -%}
            attributes_as_of.{{ attribute }},
        {% endfor -%}
        {% for attribute in numeric_attributes -%}
            attributes_as_of.{{ attribute }},
        {% endfor -%}
        {{ days_between('cast(leads.created_at as date)', 'labels.feature_date') }} as lead_age_days,
        {% for event_type in event_types -%}
            {% for days in window_days -%}
                coalesce(event_counts.{{ event_type }}_count_{{ days }}d, 0) as {{ event_type }}_count_{{ days }}d,
            {% endfor -%}
        {% endfor -%}
        {% for section in page_sections -%}
            {% for days in [30, 90] -%}
                coalesce(event_counts.{{ section }}_page_view_count_{{ days }}d, 0)
                    as {{ section }}_page_view_count_{{ days }}d,
            {% endfor -%}
        {% endfor -%}
        coalesce(event_counts.email_delivered_count_90d, 0) as email_delivered_count_90d,
        coalesce(engagement_recency.engagement_day_count_30d, 0) as engagement_day_count_30d,
        coalesce(engagement_recency.engagement_day_count_90d, 0) as engagement_day_count_90d,
        engagement_recency.days_since_last_engagement,
        ratings.rating as latest_sales_rating_90d,
        disqualifications.lead_id is not null as is_disqualified,
        labels.input_fingerprint
    from labels
    inner join leads
        on labels.lead_id = leads.lead_id
    left join attributes_as_of
        on labels.lead_id = attributes_as_of.lead_id and labels.feature_date = attributes_as_of.feature_date
    left join event_counts
        on labels.lead_id = event_counts.lead_id and labels.feature_date = event_counts.feature_date
    left join ratings
        on labels.lead_id = ratings.lead_id and labels.feature_date = ratings.feature_date and ratings.rating_rank = 1
    left join engagement_recency
        on labels.lead_id = engagement_recency.lead_id and labels.feature_date = engagement_recency.feature_date
    left join disqualifications
        on labels.lead_id = disqualifications.lead_id and labels.feature_date = disqualifications.feature_date
)

select * from final
