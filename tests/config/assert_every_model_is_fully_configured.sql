-- Every active scoring model needs thresholds, a fit grade and an engagement level starting at 0
-- (so every score gets a band), and at least one fit and one engagement rule. Returns what is missing.
with

models as (
    select scoring_model_id from {{ ref('scoring_models') }}
    where is_active
),

checks as (
    select
        models.scoring_model_id,
        (
            select count(*) from {{ ref('score_thresholds') }} as t
            where t.scoring_model_id = models.scoring_model_id
        ) as threshold_rows,
        (
            select count(*) from {{ ref('score_bands') }} as b
            where b.scoring_model_id = models.scoring_model_id and b.band_type = 'fit_grade' and b.min_score = 0
        ) as fit_grade_floor_rows,
        (
            select count(*) from {{ ref('score_bands') }} as b
            where b.scoring_model_id = models.scoring_model_id and b.band_type = 'engagement_level' and b.min_score = 0
        ) as engagement_level_floor_rows,
        (
            select count(*) from {{ ref('fit_rules') }} as f
            where f.scoring_model_id = models.scoring_model_id
        ) as fit_rule_rows,
        (
            select count(*) from {{ ref('engagement_rules') }} as e
            where e.scoring_model_id = models.scoring_model_id
        ) as engagement_rule_rows
    from models
)

select * from checks
where
    threshold_rows != 1
    or fit_grade_floor_rows != 1
    or engagement_level_floor_rows != 1
    or fit_rule_rows = 0
    or engagement_rule_rows = 0
