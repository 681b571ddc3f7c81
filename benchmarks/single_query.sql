-- The "practical limit" of benchmarks/run.py: ONE hand-written DuckDB query that computes the rows of
-- marts.fct_lead_scores (lead_id, scoring_model_id, fit_score, engagement_score, total_score, tier,
-- is_mql, as_of_date; no reason strings, no history, evaluation or predictive score) straight from
-- the raw parquet files and the seed CSVs. It reproduces the dbt models' semantics at the as-of date
-- only (the latest event's day): quarantine of unusable rows, first-version dedup of repeated ids,
-- latest version of re-exported leads, duplicate leads folded into the canonical one, anonymous
-- visitors stitched, traffic filters, attribute versions, fit / engagement / inactivity rules,
-- group caps, 0..100 bounds, weights, tiers and MQL. Sums are decimal like macro sum_points, so the
-- scores equal dbt's bit for bit (tests/python/test_single_query.py; 10,600 of 10,600 rows at scale S).
-- @RAW_DIR@ and @SEED_DIR@ are replaced by benchmarks/run.py. Not covered: CSV raw files
-- (LEAD_SCORING_RAW_FORMAT=csv), an as-of date other than the latest event's day
-- (LEAD_SCORING_AS_OF_DATE), and the vars max_future_days / min_valid_date (their defaults, 1 day and
-- 2000-01-01, are built in). The 15 operators of macro rule_condition are spelled out for fit rules,
-- engagement-rule property filters and segments; traffic filters and email-domain classes handle the
-- operators their seeds use (no not_in / between / is_null there).
with

seed_event_types as (
    select * from read_csv('@SEED_DIR@/event_types.csv', header = true, all_varchar = true)
),

seed_traffic_filters as (
    select * from read_csv('@SEED_DIR@/traffic_filters.csv', header = true, all_varchar = true)
),

seed_domain_classes as (
    select * from read_csv('@SEED_DIR@/email_domain_classes.csv', header = true, all_varchar = true)
),

seed_seniorities as (
    select * from read_csv('@SEED_DIR@/job_title_seniorities.csv', header = true, all_varchar = true)
),

seed_scoring_models as (
    select * from read_csv('@SEED_DIR@/scoring_models.csv', header = true, all_varchar = true)
    where lower(trim(is_active)) = 'true'
),

seed_fit_rules as (
    select * from read_csv('@SEED_DIR@/fit_rules.csv', header = true, all_varchar = true)
),

seed_engagement_rules as (
    select * from read_csv('@SEED_DIR@/engagement_rules.csv', header = true, all_varchar = true)
),

seed_inactivity_rules as (
    select * from read_csv('@SEED_DIR@/inactivity_rules.csv', header = true, all_varchar = true)
),

seed_score_groups as (
    select * from read_csv('@SEED_DIR@/score_groups.csv', header = true, all_varchar = true)
),

seed_thresholds as (
    select * from read_csv('@SEED_DIR@/score_thresholds.csv', header = true, all_varchar = true)
),

limits as (
    select
        cast(now() as timestamp) + interval 1 day as future_limit,
        timestamp '2000-01-01 00:00:00' as past_limit
),

-- ---- CRM leads: usable rows, latest version per id, classification, canonical id
raw_leads as (
    select
        nullif(trim(cast(lead_id as varchar)), '') as lead_id,
        nullif(lower(trim(cast(email as varchar), chr(32) || chr(9) || chr(10) || chr(13))), '') as email,
        nullif(trim(cast(job_title as varchar)), '') as job_title,
        nullif(lower(trim(cast(company_domain as varchar))), '') as company_domain,
        nullif(trim(cast(company_name as varchar)), '') as company_name,
        nullif(lower(trim(cast(industry as varchar))), '') as industry,
        nullif(upper(trim(cast(country as varchar))), '') as country,
        nullif(lower(trim(cast(lead_source as varchar))), '') as lead_source,
        nullif(trim(cast(owner_id as varchar)), '') as owner_id,
        cast(employee_count as varchar) as raw_employee_count,
        cast(annual_revenue as varchar) as raw_annual_revenue,
        try_cast(cast(employee_count as varchar) as double) as employee_count_number,
        try_cast(cast(annual_revenue as varchar) as double) as annual_revenue,
        cast(created_at as varchar) as raw_created_at,
        cast(updated_at as varchar) as raw_updated_at,
        cast(deleted_at as varchar) as raw_deleted_at,
        try_cast(created_at as timestamp) as created_at,
        try_cast(updated_at as timestamp) as updated_at,
        try_cast(deleted_at as timestamp) as deleted_at
    from read_parquet('@RAW_DIR@/crm_leads*.parquet', union_by_name = true)
),

usable_leads as (
    select raw_leads.*
    from raw_leads
    cross join limits
    where
        lead_id is not null
        and created_at is not null and created_at <= future_limit and created_at >= past_limit
        and (raw_updated_at is null or (updated_at is not null and updated_at <= future_limit and updated_at >= past_limit))
        and (raw_deleted_at is null or (deleted_at is not null and deleted_at <= future_limit and deleted_at >= past_limit))
        and (email is null or regexp_matches(email, '^[^@ ]+@[^@ ]+[.][^@ .]+$'))
        and not (nullif(trim(raw_employee_count), '') is not null and employee_count_number is null)
        and not (nullif(trim(raw_annual_revenue), '') is not null and annual_revenue is null)
        and coalesce(employee_count_number >= 0, true) and coalesce(annual_revenue >= 0, true)
),

latest_leads as (
    select
        *,
        split_part(email, '@', 2) as email_domain,
        cast(employee_count_number as bigint) as employee_count
    from usable_leads
    qualify row_number() over (
        partition by lead_id
        order by
            coalesce(updated_at, created_at) desc, created_at desc, coalesce(email, '') desc,
            coalesce(raw_updated_at, '') desc
    ) = 1
),

domain_class_matches as (
    select
        domains.email_domain,
        min(seed_domain_classes.domain_class) as email_domain_class
    from (select distinct email_domain from latest_leads where email_domain is not null) as domains
    inner join seed_domain_classes
        on case seed_domain_classes.match_operator
            when 'equals' then domains.email_domain = lower(trim(seed_domain_classes.match_value))
            when 'ends_with' then suffix(domains.email_domain, lower(trim(seed_domain_classes.match_value)))
            when 'starts_with' then starts_with(domains.email_domain, lower(trim(seed_domain_classes.match_value)))
            when 'contains' then contains(domains.email_domain, lower(trim(seed_domain_classes.match_value)))
            when 'regex' then regexp_matches(domains.email_domain, trim(seed_domain_classes.match_value))
            when 'in' then contains('|' || lower(trim(seed_domain_classes.match_value)) || '|', '|' || domains.email_domain || '|')
            else false
        end
    group by domains.email_domain
),

seniority_matches as (
    select
        titles.job_title_key,
        arg_min(seed_seniorities.seniority, cast(seed_seniorities.priority as integer)) as seniority
    from (select distinct lower(job_title) as job_title_key from latest_leads where job_title is not null) as titles
    inner join seed_seniorities
        on regexp_matches(titles.job_title_key, seed_seniorities.title_pattern)
    group by titles.job_title_key
),

leads as (
    select
        latest_leads.*,
        case
            when latest_leads.email_domain is null or latest_leads.email_domain = '' then 'unknown'
            else coalesce(domain_class_matches.email_domain_class, 'business')
        end as email_domain_class,
        case
            when latest_leads.job_title is null then 'unknown'
            else coalesce(seniority_matches.seniority, 'individual_contributor')
        end as seniority,
        case
            when latest_leads.email is null then latest_leads.lead_id
            else first_value(latest_leads.lead_id) over (
                partition by latest_leads.email order by latest_leads.created_at, latest_leads.lead_id
            )
        end as canonical_lead_id
    from latest_leads
    left join domain_class_matches on latest_leads.email_domain = domain_class_matches.email_domain
    left join seniority_matches on lower(latest_leads.job_title) = seniority_matches.job_title_key
),

-- ---- events: usable rows, first version of a repeated id, known leads
web_raw as (
    select
        nullif(trim(cast(event_id as varchar)), '') as event_id,
        nullif(trim(cast(lead_id as varchar)), '') as lead_id,
        nullif(trim(cast(anonymous_id as varchar)), '') as anonymous_id,
        lower(trim(cast(event_type as varchar))) as source_event_type,
        nullif(trim(cast(url_path as varchar)), '') as url_path,
        nullif(trim(cast(referrer as varchar)), '') as referrer,
        nullif(trim(cast(user_agent as varchar)), '') as user_agent,
        nullif(trim(cast(ip_address as varchar)), '') as ip_address,
        try_cast(occurred_at as timestamp) as occurred_at
    from read_parquet('@RAW_DIR@/web_events*.parquet', union_by_name = true)
),

web_usable as (
    select web_raw.*
    from web_raw
    cross join limits
    where
        web_raw.event_id is not null
        and (web_raw.lead_id is not null or web_raw.anonymous_id is not null)
        and web_raw.occurred_at between limits.past_limit and limits.future_limit
        and web_raw.source_event_type in (select source_event_type from seed_event_types where source_system = 'web')
),

-- repeated event ids: only their rows are ranked (an aggregate, not a window over every event)
web_repeated_ids as (
    select event_id from web_usable group by event_id having count(*) > 1
),

web_events as (
    select * from web_usable
    where event_id not in (select event_id from web_repeated_ids)
    union all
    select * from web_usable
    where event_id in (select event_id from web_repeated_ids)
    qualify row_number() over (
        partition by event_id
        order by occurred_at, source_event_type, coalesce(lead_id, ''), coalesce(anonymous_id, ''), coalesce(url_path, '')
    ) = 1
),

known_web_events as (
    select * from web_events
    where lead_id is null or lead_id in (select lead_id from leads)
),

email_raw as (
    select
        nullif(trim(cast(event_id as varchar)), '') as event_id,
        nullif(trim(cast(lead_id as varchar)), '') as lead_id,
        nullif(trim(cast(campaign_id as varchar)), '') as campaign_id,
        lower(trim(cast(event_type as varchar))) as source_event_type,
        nullif(trim(cast(url as varchar)), '') as clicked_url,
        nullif(trim(cast(user_agent as varchar)), '') as user_agent,
        try_cast(occurred_at as timestamp) as occurred_at
    from read_parquet('@RAW_DIR@/email_events*.parquet', union_by_name = true)
),

email_usable as (
    select email_raw.*
    from email_raw
    cross join limits
    where
        email_raw.event_id is not null
        and email_raw.lead_id is not null
        and email_raw.occurred_at between limits.past_limit and limits.future_limit
        and email_raw.source_event_type in (select source_event_type from seed_event_types where source_system = 'email')
),

-- repeated event ids: only their rows are ranked (an aggregate, not a window over every event)
email_repeated_ids as (
    select event_id from email_usable group by event_id having count(*) > 1
),

email_events as (
    select * from email_usable
    where event_id not in (select event_id from email_repeated_ids)
    union all
    select * from email_usable
    where event_id in (select event_id from email_repeated_ids)
    qualify row_number() over (
        partition by event_id
        order by occurred_at, source_event_type, lead_id, coalesce(campaign_id, ''), coalesce(clicked_url, '')
    ) = 1
),

known_email_events as (
    select * from email_events
    where lead_id in (select lead_id from leads)
),

deliveries as (
    select lead_id, campaign_id, min(occurred_at) as delivered_at
    from known_email_events
    where source_event_type = 'delivered'
    group by lead_id, campaign_id
),

timed_email_events as (
    select
        known_email_events.*,
        case
            when known_email_events.source_event_type != 'delivered' and deliveries.delivered_at <= known_email_events.occurred_at
                then date_diff('second', deliveries.delivered_at, known_email_events.occurred_at)
        end as seconds_after_delivery
    from known_email_events
    left join deliveries
        on known_email_events.lead_id = deliveries.lead_id and known_email_events.campaign_id = deliveries.campaign_id
),

activities as (
    select
        nullif(trim(cast(activity_id as varchar)), '') as activity_id,
        nullif(trim(cast(lead_id as varchar)), '') as lead_id,
        lower(trim(cast(activity_type as varchar))) as activity_type,
        nullif(trim(cast(subject as varchar)), '') as activity_subject,
        try_cast(occurred_at as timestamp) as occurred_at
    from read_parquet('@RAW_DIR@/crm_activities*.parquet', union_by_name = true)
),

usable_activities as (
    select activities.*
    from activities
    cross join limits
    where
        activities.activity_id is not null
        and activities.lead_id is not null
        and activities.occurred_at between limits.past_limit and limits.future_limit
        and activities.activity_type in (select source_event_type from seed_event_types where source_system = 'crm_activities')
    qualify row_number() over (
        partition by activities.activity_id
        order by activities.occurred_at, activities.lead_id, activities.activity_type, coalesce(activities.activity_subject, '')
    ) = 1
),

opportunities as (
    select
        nullif(trim(cast(opportunity_id as varchar)), '') as opportunity_id,
        nullif(trim(cast(lead_id as varchar)), '') as lead_id,
        lower(trim(cast(stage as varchar))) as stage,
        cast(amount as varchar) as raw_amount,
        try_cast(cast(amount as varchar) as double) as amount,
        cast(closed_at as varchar) as raw_closed_at,
        try_cast(created_at as timestamp) as created_at,
        try_cast(closed_at as timestamp) as closed_at
    from read_parquet('@RAW_DIR@/opportunities*.parquet', union_by_name = true)
),

usable_opportunities as (
    select opportunities.*
    from opportunities
    cross join limits
    where
        opportunities.opportunity_id is not null
        and opportunities.lead_id is not null
        and opportunities.created_at between limits.past_limit and limits.future_limit
        and (opportunities.raw_closed_at is null or opportunities.closed_at between limits.past_limit and limits.future_limit)
        and not (nullif(trim(opportunities.raw_amount), '') is not null and opportunities.amount is null)
        and coalesce(opportunities.amount >= 0, true)
    qualify row_number() over (
        partition by opportunities.opportunity_id
        order by opportunities.created_at, opportunities.lead_id, opportunities.stage, coalesce(opportunities.amount, 0)
    ) = 1
),

feedback as (
    select
        nullif(trim(cast(feedback_id as varchar)), '') as feedback_id,
        nullif(trim(cast(lead_id as varchar)), '') as lead_id,
        nullif(lower(trim(cast(disqualification_reason as varchar))), '') as disqualification_reason,
        cast(rating as varchar) as raw_rating,
        try_cast(cast(rating as varchar) as double) as rating_number,
        try_cast(created_at as timestamp) as created_at
    from read_parquet('@RAW_DIR@/sales_feedback*.parquet', union_by_name = true)
),

usable_feedback as (
    select feedback.*
    from feedback
    cross join limits
    where
        feedback.feedback_id is not null
        and feedback.lead_id is not null
        and feedback.created_at between limits.past_limit and limits.future_limit
        and not (nullif(trim(feedback.raw_rating), '') is not null and feedback.rating_number is null)
        and not coalesce(feedback.rating_number < 1 or feedback.rating_number > 5 or feedback.rating_number != floor(feedback.rating_number), false)
        and not (feedback.rating_number is null and feedback.disqualification_reason is null)
    qualify row_number() over (
        partition by feedback.feedback_id
        order by
            feedback.created_at, feedback.lead_id, coalesce(feedback.rating_number, 0),
            coalesce(feedback.disqualification_reason, '')
    ) = 1
),

-- ---- traffic filters: evaluated once per distinct (field, event type, value)
web_filter_values as (
    select distinct 'user_agent' as field_name, source_event_type, user_agent as field_value from known_web_events where user_agent is not null
    union all
    select distinct 'ip_address', source_event_type, ip_address from known_web_events where ip_address is not null
    union all
    select distinct 'url_path', source_event_type, url_path from known_web_events where url_path is not null
    union all
    select distinct 'referrer', source_event_type, referrer from known_web_events where referrer is not null
),

email_filter_values as (
    select distinct 'user_agent' as field_name, source_event_type, user_agent as field_value from timed_email_events where user_agent is not null
    union all
    select distinct 'seconds_after_delivery', source_event_type, cast(seconds_after_delivery as varchar) from timed_email_events
    where seconds_after_delivery is not null
    union all
    select distinct 'clicked_url', source_event_type, clicked_url from timed_email_events where clicked_url is not null
    union all
    select distinct 'campaign_id', source_event_type, campaign_id from timed_email_events where campaign_id is not null
),

filter_values as (
    select 'web' as source_system, * from web_filter_values
    union all
    select 'email' as source_system, * from email_filter_values
),

filtered_values as (
    select distinct filter_values.source_system, filter_values.field_name, filter_values.source_event_type, filter_values.field_value
    from filter_values
    inner join seed_traffic_filters as filters
        on
            filter_values.source_system = filters.source_system
            and filter_values.field_name = filters.field_name
            and (filters.source_event_type is null or filters.source_event_type = filter_values.source_event_type)
    where coalesce(case filters.match_operator
        when 'equals' then lower(trim(filter_values.field_value)) = lower(trim(filters.match_value))
        when 'not_equals' then lower(trim(filter_values.field_value)) != lower(trim(filters.match_value))
        when 'in' then contains('|' || lower(trim(filters.match_value)) || '|', '|' || lower(trim(filter_values.field_value)) || '|')
        when 'contains' then contains(lower(trim(filter_values.field_value)), lower(trim(filters.match_value)))
        when 'starts_with' then starts_with(lower(trim(filter_values.field_value)), lower(trim(filters.match_value)))
        when 'ends_with' then suffix(lower(trim(filter_values.field_value)), lower(trim(filters.match_value)))
        when 'regex' then regexp_matches(lower(trim(filter_values.field_value)), trim(filters.match_value))
        when 'gt' then try_cast(trim(filter_values.field_value) as double) > try_cast(trim(filters.match_value) as double)
        when 'gte' then try_cast(trim(filter_values.field_value) as double) >= try_cast(trim(filters.match_value) as double)
        when 'lt' then try_cast(trim(filter_values.field_value) as double) < try_cast(trim(filters.match_value) as double)
        when 'lte' then try_cast(trim(filter_values.field_value) as double) <= try_cast(trim(filters.match_value) as double)
        else false
    end, false)
),

-- ---- all events, attributed to canonical leads (anonymous web visits through the visitor's identification)
visitors as (
    select anonymous_id, arg_min(lead_id, (occurred_at, event_id)) as lead_id
    from known_web_events
    where lead_id is not null and anonymous_id is not null
    group by anonymous_id
),

web_filter_hits as (
    select distinct field_name, source_event_type, field_value, true as hit from filtered_values where source_system = 'web'
),

email_filter_hits as (
    select distinct field_name, source_event_type, field_value, true as hit from filtered_values where source_system = 'email'
),

unioned as (
    select
        'web' as source_system,
        events.source_event_type,
        coalesce(events.lead_id, visitors.lead_id) as source_lead_id,
        events.url_path,
        events.referrer,
        cast(null as varchar) as campaign_id,
        cast(null as varchar) as clicked_url,
        cast(null as varchar) as activity_subject,
        cast(null as varchar) as rating,
        events.occurred_at,
        coalesce(by_agent.hit or by_ip.hit or by_path.hit or by_referrer.hit, false) as is_traffic_filtered
    from known_web_events as events
    left join visitors on events.anonymous_id = visitors.anonymous_id
    left join web_filter_hits as by_agent
        on by_agent.field_name = 'user_agent' and events.source_event_type = by_agent.source_event_type and events.user_agent = by_agent.field_value
    left join web_filter_hits as by_ip
        on by_ip.field_name = 'ip_address' and events.source_event_type = by_ip.source_event_type and events.ip_address = by_ip.field_value
    left join web_filter_hits as by_path
        on by_path.field_name = 'url_path' and events.source_event_type = by_path.source_event_type and events.url_path = by_path.field_value
    left join web_filter_hits as by_referrer
        on by_referrer.field_name = 'referrer' and events.source_event_type = by_referrer.source_event_type and events.referrer = by_referrer.field_value
    union all
    select
        'email',
        events.source_event_type,
        events.lead_id,
        null,
        null,
        events.campaign_id,
        events.clicked_url,
        null,
        null,
        events.occurred_at,
        coalesce(by_agent.hit or by_delay.hit or by_url.hit or by_campaign.hit, false)
    from timed_email_events as events
    left join email_filter_hits as by_agent
        on by_agent.field_name = 'user_agent' and events.source_event_type = by_agent.source_event_type and events.user_agent = by_agent.field_value
    left join email_filter_hits as by_delay
        on
            by_delay.field_name = 'seconds_after_delivery' and events.source_event_type = by_delay.source_event_type
            and cast(events.seconds_after_delivery as varchar) = by_delay.field_value
    left join email_filter_hits as by_url
        on by_url.field_name = 'clicked_url' and events.source_event_type = by_url.source_event_type and events.clicked_url = by_url.field_value
    left join email_filter_hits as by_campaign
        on by_campaign.field_name = 'campaign_id' and events.source_event_type = by_campaign.source_event_type and events.campaign_id = by_campaign.field_value
    union all
    select 'crm_activities', activity_type, lead_id, null, null, null, null, activity_subject, null, occurred_at, false
    from usable_activities where lead_id in (select lead_id from leads)
    union all
    select 'opportunities', 'opportunity_created', lead_id, null, null, null, null, stage, null, created_at, false
    from usable_opportunities where lead_id in (select lead_id from leads)
    union all
    select
        'sales_feedback',
        case when disqualification_reason is not null then 'disqualification' else 'rating' end,
        lead_id, null, null, null, null, disqualification_reason, cast(cast(rating_number as integer) as varchar),
        created_at, false
    from usable_feedback where lead_id in (select lead_id from leads)
),

as_of as (
    select max(cast(occurred_at as date)) as as_of_date from unioned
),

resolved as (
    select
        leads.canonical_lead_id as lead_id,
        seed_event_types.event_type,
        lower(trim(seed_event_types.is_engagement)) = 'true' as is_engagement,
        unioned.url_path,
        unioned.referrer,
        unioned.campaign_id,
        unioned.clicked_url,
        unioned.activity_subject,
        unioned.rating,
        cast(unioned.occurred_at as date) as event_date
    from unioned
    cross join as_of
    inner join leads on unioned.source_lead_id = leads.lead_id
    inner join seed_event_types
        on unioned.source_system = seed_event_types.source_system and unioned.source_event_type = seed_event_types.source_event_type
    where
        not unioned.is_traffic_filtered
        and (leads.deleted_at is null or unioned.occurred_at <= leads.deleted_at)
        and seed_event_types.event_type is not null
        and cast(unioned.occurred_at as date) <= as_of.as_of_date
),

-- ---- attributes valid at the as-of date (CRM columns from creation, long-format attributes per day)
canonical_leads as (
    select leads.*, cast(leads.created_at as date) as created_date
    from leads
    where leads.lead_id = leads.canonical_lead_id
),

attribute_updates as (
    select
        nullif(trim(cast(lead_id as varchar)), '') as lead_id,
        nullif(lower(trim(cast(attribute_name as varchar))), '') as attribute_name,
        nullif(trim(cast(attribute_value as varchar)), '') as attribute_value,
        cast(updated_at as varchar) as raw_updated_at,
        try_cast(updated_at as timestamp) as updated_at
    from read_parquet('@RAW_DIR@/crm_lead_attributes*.parquet', union_by_name = true)
),

usable_attribute_updates as (
    select attribute_updates.*
    from attribute_updates
    cross join limits
    where
        attribute_updates.lead_id is not null
        and attribute_updates.attribute_name is not null
        and attribute_updates.updated_at between limits.past_limit and limits.future_limit
        and attribute_updates.lead_id in (select lead_id from leads)
    qualify row_number() over (
        partition by attribute_updates.lead_id, attribute_updates.attribute_name, attribute_updates.updated_at
        order by coalesce(attribute_updates.attribute_value, '')
    ) = 1
),

long_versions as (
    select
        leads.canonical_lead_id as lead_id,
        updates.attribute_name,
        updates.attribute_value,
        cast(updates.updated_at as date) as valid_from_date
    from usable_attribute_updates as updates
    inner join leads on updates.lead_id = leads.lead_id
    qualify row_number() over (
        partition by leads.canonical_lead_id, updates.attribute_name, cast(updates.updated_at as date)
        order by updates.updated_at desc, updates.attribute_value asc
    ) = 1
),

crm_column_versions as (
    select lead_id, attribute_name, attribute_value, created_date as valid_from_date
    from canonical_leads
    cross join lateral (
        values
            ('job_title', job_title),
            ('seniority', seniority),
            ('company_name', company_name),
            ('company_domain', company_domain),
            ('industry', industry),
            ('country', country),
            ('lead_source', lead_source),
            ('owner_id', owner_id),
            ('email_domain', email_domain),
            ('email_domain_class', email_domain_class),
            (
                'employee_count',
                case
                    when employee_count is null then null
                    when employee_count = floor(employee_count) then cast(cast(employee_count as bigint) as varchar)
                    else trim(trailing '0' from cast(cast(employee_count as decimal(38, 6)) as varchar))
                end
            ),
            (
                'annual_revenue',
                case
                    when annual_revenue is null then null
                    when annual_revenue = floor(annual_revenue) then cast(cast(annual_revenue as bigint) as varchar)
                    else trim(trailing '0' from cast(cast(annual_revenue as decimal(38, 6)) as varchar))
                end
            )
    ) as crm_columns (attribute_name, attribute_value)
),

referenced_long_attributes as (
    select attribute_name from (
        select lower(trim(attribute_name)) as attribute_name from seed_fit_rules
        union
        select lower(trim(segment_attribute)) from read_csv('@SEED_DIR@/scoring_models.csv', header = true, all_varchar = true)
        where segment_attribute is not null
    )
    where attribute_name not in (
        'job_title', 'seniority', 'company_name', 'company_domain', 'industry', 'country', 'lead_source',
        'owner_id', 'email_domain', 'email_domain_class', 'employee_count', 'annual_revenue'
    )
),

null_gap_versions as (
    select canonical_leads.lead_id, referenced.attribute_name, cast(null as varchar) as attribute_value, canonical_leads.created_date
    from canonical_leads
    cross join referenced_long_attributes as referenced
    left join (
        select lead_id, attribute_name, min(valid_from_date) as first_date from long_versions group by all
    ) as firsts
        on canonical_leads.lead_id = firsts.lead_id and referenced.attribute_name = firsts.attribute_name
    where firsts.first_date is null or firsts.first_date > canonical_leads.created_date
),

attributes_as_of as (
    select all_versions.*
    from (
        select *, lead(valid_from_date) over (partition by lead_id, attribute_name order by valid_from_date) as valid_to_date
        from (
            select * from crm_column_versions
            union all
            select * from long_versions
            union all
            select * from null_gap_versions
        )
    ) as all_versions
    cross join as_of
    where all_versions.valid_from_date <= as_of.as_of_date and (all_versions.valid_to_date is null or as_of.as_of_date < all_versions.valid_to_date)
),

-- ---- who is scored: canonical leads created by the as-of date, not deleted by then, in the model's segment
population as (
    select canonical_leads.lead_id, models.scoring_model_id, canonical_leads.created_date
    from canonical_leads
    cross join as_of
    inner join seed_scoring_models as models
        on models.segment_attribute is null
        or exists (
            select 1 from attributes_as_of
            where
                attributes_as_of.lead_id = canonical_leads.lead_id
                and attributes_as_of.attribute_name = lower(trim(models.segment_attribute))
                and coalesce(case models.segment_operator
                    when 'equals' then lower(trim(attributes_as_of.attribute_value)) = lower(trim(models.segment_value))
                    when 'not_equals' then lower(trim(attributes_as_of.attribute_value)) is null or lower(trim(attributes_as_of.attribute_value)) != lower(trim(models.segment_value))
                    when 'in' then contains('|' || lower(trim(models.segment_value)) || '|', '|' || lower(trim(attributes_as_of.attribute_value)) || '|')
                    when 'not_in' then lower(trim(attributes_as_of.attribute_value)) is null or not contains('|' || lower(trim(models.segment_value)) || '|', '|' || lower(trim(attributes_as_of.attribute_value)) || '|')
                    when 'contains' then contains(lower(trim(attributes_as_of.attribute_value)), lower(trim(models.segment_value)))
                    when 'starts_with' then starts_with(lower(trim(attributes_as_of.attribute_value)), lower(trim(models.segment_value)))
                    when 'ends_with' then suffix(lower(trim(attributes_as_of.attribute_value)), lower(trim(models.segment_value)))
                    when 'regex' then regexp_matches(lower(trim(attributes_as_of.attribute_value)), trim(models.segment_value))
                    when 'between' then try_cast(trim(attributes_as_of.attribute_value) as double) between
                        try_cast(split_part(trim(models.segment_value), '|', 1) as double) and try_cast(split_part(trim(models.segment_value), '|', 2) as double)
                    when 'gt' then try_cast(trim(attributes_as_of.attribute_value) as double) > try_cast(trim(models.segment_value) as double)
                    when 'gte' then try_cast(trim(attributes_as_of.attribute_value) as double) >= try_cast(trim(models.segment_value) as double)
                    when 'lt' then try_cast(trim(attributes_as_of.attribute_value) as double) < try_cast(trim(models.segment_value) as double)
                    when 'lte' then try_cast(trim(attributes_as_of.attribute_value) as double) <= try_cast(trim(models.segment_value) as double)
                    when 'is_null' then attributes_as_of.attribute_value is null or trim(attributes_as_of.attribute_value) = ''
                    when 'is_not_null' then attributes_as_of.attribute_value is not null and trim(attributes_as_of.attribute_value) != ''
                    else false
                end, false)
        )
    where
        canonical_leads.created_date <= as_of.as_of_date
        and (canonical_leads.deleted_at is null or cast(canonical_leads.deleted_at as date) > as_of.as_of_date)
),

-- ---- rule points
fit_points as (
    select population.lead_id, population.scoring_model_id, rules.score_group, cast(rules.points as double) as counted_points
    from population
    inner join seed_fit_rules as rules on population.scoring_model_id = rules.scoring_model_id
    inner join attributes_as_of
        on population.lead_id = attributes_as_of.lead_id and lower(trim(rules.attribute_name)) = attributes_as_of.attribute_name
    where coalesce(case rules.operator
        when 'equals' then lower(trim(attributes_as_of.attribute_value)) = lower(trim(rules.rule_value))
        when 'not_equals' then lower(trim(attributes_as_of.attribute_value)) is null or lower(trim(attributes_as_of.attribute_value)) != lower(trim(rules.rule_value))
        when 'in' then contains('|' || lower(trim(rules.rule_value)) || '|', '|' || lower(trim(attributes_as_of.attribute_value)) || '|')
        when 'not_in' then lower(trim(attributes_as_of.attribute_value)) is null
            or not contains('|' || lower(trim(rules.rule_value)) || '|', '|' || lower(trim(attributes_as_of.attribute_value)) || '|')
        when 'contains' then contains(lower(trim(attributes_as_of.attribute_value)), lower(trim(rules.rule_value)))
        when 'starts_with' then starts_with(lower(trim(attributes_as_of.attribute_value)), lower(trim(rules.rule_value)))
        when 'ends_with' then suffix(lower(trim(attributes_as_of.attribute_value)), lower(trim(rules.rule_value)))
        when 'regex' then regexp_matches(lower(trim(attributes_as_of.attribute_value)), trim(rules.rule_value))
        when 'between' then try_cast(trim(attributes_as_of.attribute_value) as double) between
            try_cast(split_part(trim(rules.rule_value), '|', 1) as double) and try_cast(split_part(trim(rules.rule_value), '|', 2) as double)
        when 'gt' then try_cast(trim(attributes_as_of.attribute_value) as double) > try_cast(trim(rules.rule_value) as double)
        when 'gte' then try_cast(trim(attributes_as_of.attribute_value) as double) >= try_cast(trim(rules.rule_value) as double)
        when 'lt' then try_cast(trim(attributes_as_of.attribute_value) as double) < try_cast(trim(rules.rule_value) as double)
        when 'lte' then try_cast(trim(attributes_as_of.attribute_value) as double) <= try_cast(trim(rules.rule_value) as double)
        when 'is_null' then attributes_as_of.attribute_value is null or trim(attributes_as_of.attribute_value) = ''
        when 'is_not_null' then attributes_as_of.attribute_value is not null and trim(attributes_as_of.attribute_value) != ''
        else false
    end, false)
),

rule_events as (
    select
        resolved.lead_id,
        resolved.event_date,
        rules.*,
        case rules.property_name
            when 'url_path' then resolved.url_path
            when 'referrer' then resolved.referrer
            when 'campaign_id' then resolved.campaign_id
            when 'clicked_url' then resolved.clicked_url
            when 'activity_subject' then resolved.activity_subject
            when 'rating' then resolved.rating
        end as property_actual
    from resolved
    cross join as_of
    inner join seed_engagement_rules as rules on resolved.event_type = rules.event_type
    where rules.window_days is null or as_of.as_of_date - resolved.event_date < cast(rules.window_days as integer)
),

engagement_daily as (
    select
        lead_id,
        scoring_model_id,
        rule_id,
        score_group,
        cast(points as double) as points,
        cast(half_life_days as double) as half_life_days,
        cast(max_per_day as bigint) as max_per_day,
        cast(max_total as bigint) as max_total,
        event_date,
        count(*) as matched_event_count
    from rule_events
    where
        property_name is null
        or coalesce(case property_operator
            when 'equals' then lower(trim(property_actual)) = lower(trim(property_value))
            when 'not_equals' then lower(trim(property_actual)) is null or lower(trim(property_actual)) != lower(trim(property_value))
            when 'in' then contains('|' || lower(trim(property_value)) || '|', '|' || lower(trim(property_actual)) || '|')
            when 'not_in' then lower(trim(property_actual)) is null
                or not contains('|' || lower(trim(property_value)) || '|', '|' || lower(trim(property_actual)) || '|')
            when 'contains' then contains(lower(trim(property_actual)), lower(trim(property_value)))
            when 'starts_with' then starts_with(lower(trim(property_actual)), lower(trim(property_value)))
            when 'ends_with' then suffix(lower(trim(property_actual)), lower(trim(property_value)))
            when 'regex' then regexp_matches(lower(trim(property_actual)), trim(property_value))
            when 'between' then try_cast(trim(property_actual) as double) between
                try_cast(split_part(trim(property_value), '|', 1) as double) and try_cast(split_part(trim(property_value), '|', 2) as double)
            when 'gt' then try_cast(trim(property_actual) as double) > try_cast(trim(property_value) as double)
            when 'gte' then try_cast(trim(property_actual) as double) >= try_cast(trim(property_value) as double)
            when 'lt' then try_cast(trim(property_actual) as double) < try_cast(trim(property_value) as double)
            when 'lte' then try_cast(trim(property_actual) as double) <= try_cast(trim(property_value) as double)
            when 'is_null' then property_actual is null or trim(property_actual) = ''
            when 'is_not_null' then property_actual is not null and trim(property_actual) != ''
            else false
        end, false)
    group by all
),

engagement_capped as (
    select
        *,
        case when max_per_day is null or matched_event_count < max_per_day then matched_event_count else max_per_day end as day_capped_count
    from engagement_daily
),

engagement_counted as (
    select
        engagement_capped.*,
        case
            when max_total is null then day_capped_count
            when max_total - counted_before <= 0 then 0
            when max_total - counted_before < day_capped_count then max_total - counted_before
            else day_capped_count
        end as counted_event_count
    from (
        select
            *,
            coalesce(sum(day_capped_count) over (
                partition by lead_id, scoring_model_id, rule_id order by event_date desc
                rows between unbounded preceding and 1 preceding
            ), 0) as counted_before
        from engagement_capped
    ) as engagement_capped
),

engagement_points as (
    select
        engagement_counted.lead_id,
        engagement_counted.scoring_model_id,
        engagement_counted.score_group,
        cast(sum(cast(
            points * counted_event_count
            * case when half_life_days is null then 1.0 else power(0.5, cast(as_of.as_of_date - event_date as double) / half_life_days) end
            as decimal(38, 12))) as double) as counted_points
    from engagement_counted
    cross join as_of
    inner join population
        on engagement_counted.lead_id = population.lead_id and engagement_counted.scoring_model_id = population.scoring_model_id
    group by engagement_counted.lead_id, engagement_counted.scoring_model_id, engagement_counted.rule_id, engagement_counted.score_group
),

last_engagement as (
    select lead_id, max(event_date) as last_engagement_date
    from resolved
    where is_engagement
    group by lead_id
),

inactivity_points as (
    select population.lead_id, population.scoring_model_id, rules.score_group, cast(rules.points as double) as counted_points
    from population
    cross join as_of
    left join last_engagement on population.lead_id = last_engagement.lead_id
    inner join seed_inactivity_rules as rules
        on
            population.scoring_model_id = rules.scoring_model_id
            and as_of.as_of_date - coalesce(last_engagement.last_engagement_date, population.created_date) >= cast(rules.inactive_days_min as integer)
    qualify row_number() over (
        partition by population.lead_id, population.scoring_model_id
        order by cast(rules.inactive_days_min as integer) desc, rules.rule_id
    ) = 1
),

-- ---- groups, bounds, weights
group_points as (
    select
        rule_points.lead_id,
        rule_points.scoring_model_id,
        groups.score_component,
        cast(groups.min_points as double) as min_points,
        cast(groups.max_points as double) as max_points,
        cast(sum(cast(rule_points.counted_points as decimal(38, 12))) as double) as group_points
    from (
        select * from fit_points
        union all
        select * from engagement_points
        union all
        select * from inactivity_points
    ) as rule_points
    inner join seed_score_groups as groups
        on rule_points.scoring_model_id = groups.scoring_model_id and rule_points.score_group = groups.score_group
    group by all
),

group_capped as (
    select
        *,
        case
            when max_points is not null and group_points > max_points then max_points
            when min_points is not null and group_points < min_points then min_points
            else group_points
        end - group_points as adjustment_points
    from group_points
),

component_points as (
    select
        lead_id,
        scoring_model_id,
        score_component,
        cast(sum(cast(group_points as decimal(38, 12))) as double) as rule_points,
        cast(sum(cast(case when abs(adjustment_points) > 0.000000001 then adjustment_points else 0 end as decimal(38, 12))) as double)
            as cap_points,
        cast(sum(cast(group_points + adjustment_points as decimal(38, 12))) as double) as capped_points
    from group_capped
    group by all
),

component_scores as (
    select
        component_points.*,
        case
            when capped_points > 100.0 then 100.0 - capped_points
            when capped_points < 0.0 then 0.0 - capped_points
            else 0.0
        end as bound_points,
        case score_component
            when 'fit' then cast(models.fit_weight as double)
            when 'engagement' then cast(models.engagement_weight as double)
        end as component_weight
    from component_points
    inner join seed_scoring_models as models on component_points.scoring_model_id = models.scoring_model_id
),

-- The ledger's rows of one component: its rule rows, cap rows and bound row; scores are their decimal sums.
ledger as (
    select lead_id, scoring_model_id, score_component, component_weight, counted_points
    from (
        select rule_points.lead_id, rule_points.scoring_model_id, groups.score_component, rule_points.counted_points
        from (
            select * from fit_points
            union all
            select * from engagement_points
            union all
            select * from inactivity_points
        ) as rule_points
        inner join seed_score_groups as groups
            on rule_points.scoring_model_id = groups.scoring_model_id and rule_points.score_group = groups.score_group
        union all
        select lead_id, scoring_model_id, score_component, adjustment_points
        from group_capped
        where abs(adjustment_points) > 0.000000001
        union all
        select lead_id, scoring_model_id, score_component, bound_points
        from component_scores
        where abs(bound_points) > 0.000000001
    ) as rows
    inner join (
        select scoring_model_id, 'fit' as score_component, cast(fit_weight as double) as component_weight from seed_scoring_models
        union all
        select scoring_model_id, 'engagement', cast(engagement_weight as double) from seed_scoring_models
    ) as weights
        using (scoring_model_id, score_component)
),

scores as (
    select
        lead_id,
        scoring_model_id,
        round(cast(sum(cast(case when score_component = 'fit' then counted_points else 0 end as decimal(38, 12))) as double), 6) as fit_score,
        round(cast(sum(cast(case when score_component = 'engagement' then counted_points else 0 end as decimal(38, 12))) as double), 6)
            as engagement_score,
        round(cast(sum(cast(counted_points * component_weight as decimal(38, 12))) as double), 6) as total_score
    from ledger
    group by lead_id, scoring_model_id
),

disqualified as (
    select distinct lead_id from resolved where event_type = 'sales_disqualification'
),

final as (
    select
        population.lead_id,
        population.scoring_model_id,
        case when coalesce(scores.fit_score, 0.0) = 0 then 0.0 else scores.fit_score end as fit_score,
        case when coalesce(scores.engagement_score, 0.0) = 0 then 0.0 else scores.engagement_score end as engagement_score,
        case when coalesce(scores.total_score, 0.0) = 0 then 0.0 else scores.total_score end as total_score,
        case
            when disqualified.lead_id is not null then 'cold'
            when coalesce(scores.total_score, 0.0) >= cast(thresholds.hot_min_score as double) then 'hot'
            when coalesce(scores.total_score, 0.0) >= cast(thresholds.warm_min_score as double) then 'warm'
            else 'cold'
        end as tier,
        disqualified.lead_id is null
        and coalesce(scores.total_score, 0.0) >= cast(thresholds.mql_min_score as double)
        and coalesce(scores.fit_score, 0.0) >= cast(thresholds.mql_min_fit_score as double) as is_mql,
        as_of.as_of_date
    from population
    cross join as_of
    inner join seed_thresholds as thresholds on population.scoring_model_id = thresholds.scoring_model_id
    left join scores on population.lead_id = scores.lead_id and population.scoring_model_id = scores.scoring_model_id
    left join disqualified on population.lead_id = disqualified.lead_id
)

select * from final
