-- The points ledger explains every score exactly: per lead and scoring model, counted_points
-- summed by component equal fit_score and engagement_score, and weighted_points sum to
-- total_score (to 1e-6, floating point). Leads without ledger rows must score 0. Returns mismatches.
with

scores as (
    select * from {{ ref('fct_lead_scores') }}
),

ledger as (
    select * from {{ ref('fct_lead_score_points') }}
),

ledger_sums as (
    select
        lead_id,
        scoring_model_id,
        sum(case when score_component = 'fit' then counted_points else 0 end) as ledger_fit_score,
        sum(case when score_component = 'engagement' then counted_points else 0 end) as ledger_engagement_score,
        sum(weighted_points) as ledger_total_score
    from ledger
    group by lead_id, scoring_model_id
),

compared as (
    select
        scores.lead_id,
        scores.scoring_model_id,
        scores.fit_score,
        scores.engagement_score,
        scores.total_score,
        coalesce(ledger_sums.ledger_fit_score, 0) as ledger_fit_score,
        coalesce(ledger_sums.ledger_engagement_score, 0) as ledger_engagement_score,
        coalesce(ledger_sums.ledger_total_score, 0) as ledger_total_score
    from scores
    left join ledger_sums
        on
            scores.lead_id = ledger_sums.lead_id
            and scores.scoring_model_id = ledger_sums.scoring_model_id
)

select * from compared
where
    abs(fit_score - ledger_fit_score) > 0.000001
    or abs(engagement_score - ledger_engagement_score) > 0.000001
    or abs(total_score - ledger_total_score) > 0.000001
