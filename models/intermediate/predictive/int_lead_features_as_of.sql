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
        {{ known_from_date('events', 'source_events', 'visitors') }} as known_from_date,
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

-- Every event feature of a lead-date in one aggregate over the known events: DuckDB copies a CTE
-- that several queries read (known_events is lead-dates x events, ~100M rows at 1M leads, and ran
-- out of memory as such a copy), so known_events is read here only. Counts are bigint (count of a
-- case), not the hugeint a sum of integers gives: half the aggregate state per lead-date.
event_features as (
    select
        lead_id,
        feature_date,
        {% for event_type in event_types -%}
            {% for days in window_days -%}
                count(case when event_type = '{{ event_type }}' and age_days < {{ days }} then 1 end)
                    as {{ event_type }}_count_{{ days }}d,
            {% endfor -%}
        {% endfor -%}
        {% for section in page_sections -%}
            {% for days in [30, 90] -%}
                count(
                    case
                        when
                            event_type = 'page_view'
                            and {{ dbt.split_part('url_path', "'/'", 2) }} = '{{ section }}'
                            and age_days < {{ days }}
                            then 1
                    end
                ) as {{ section }}_page_view_count_{{ days }}d,
            {% endfor -%}
        {% endfor -%}
        count(case when event_type = 'email_delivered' and age_days < 90 then 1 end) as email_delivered_count_90d,
        min(case when is_engagement then age_days end) as days_since_last_engagement,
        count(distinct case when is_engagement and age_days < 30 then event_date end) as engagement_day_count_30d,
        count(distinct case when is_engagement and age_days < 90 then event_date end) as engagement_day_count_90d,
        max(case when event_type = 'sales_disqualification' then 1 else 0 end) as has_disqualification
    from known_events
    group by lead_id, feature_date
),

-- The latest sales rating in the 90 days up to the feature date, from the few rating events (read
-- from the models here, not from lead_events, which would then be copied whole as a CTE read twice).
rating_events as (
    select
        events.lead_id,
        events.occurred_at,
        events.event_date,
        {{ known_from_date('events', 'source_events', 'visitors') }} as known_from_date,
        {{ safe_to_double('events.rating') }} as rating
    from {{ ref('int_lead_events_resolved') }} as events
    inner join {{ ref('int_events_unioned') }} as source_events
        on events.event_id = source_events.event_id
    left join {{ ref('int_web_visitors_identified') }} as visitors
        on source_events.anonymous_id = visitors.anonymous_id
    where
        not events.is_filtered
        and events.event_type = 'sales_rating'
        and {{ safe_to_double('events.rating') }} is not null
        and (source_events.lead_id is not null or visitors.identified_at is not null)
),

ratings as (
    select
        labels.lead_id,
        labels.feature_date,
        rating_events.rating,
        row_number() over (
            partition by labels.lead_id, labels.feature_date
            order by rating_events.occurred_at desc
        ) as rating_rank
    from labels
    inner join rating_events
        on
            labels.lead_id = rating_events.lead_id
            and labels.feature_date >= rating_events.known_from_date
    where {{ days_between('rating_events.event_date', 'labels.feature_date') }} < 90
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
                coalesce(event_features.{{ event_type }}_count_{{ days }}d, 0) as {{ event_type }}_count_{{ days }}d,
            {% endfor -%}
        {% endfor -%}
        {% for section in page_sections -%}
            {% for days in [30, 90] -%}
                coalesce(event_features.{{ section }}_page_view_count_{{ days }}d, 0)
                    as {{ section }}_page_view_count_{{ days }}d,
            {% endfor -%}
        {% endfor -%}
        coalesce(event_features.email_delivered_count_90d, 0) as email_delivered_count_90d,
        coalesce(event_features.engagement_day_count_30d, 0) as engagement_day_count_30d,
        coalesce(event_features.engagement_day_count_90d, 0) as engagement_day_count_90d,
        event_features.days_since_last_engagement,
        ratings.rating as latest_sales_rating_90d,
        coalesce(event_features.has_disqualification = 1, false) as is_disqualified,
        labels.input_fingerprint
    from labels
    inner join leads
        on labels.lead_id = leads.lead_id
    left join attributes_as_of
        on labels.lead_id = attributes_as_of.lead_id and labels.feature_date = attributes_as_of.feature_date
    left join event_features
        on labels.lead_id = event_features.lead_id and labels.feature_date = event_features.feature_date
    left join ratings
        on labels.lead_id = ratings.lead_id and labels.feature_date = ratings.feature_date and ratings.rating_rank = 1
)

select * from final
