{#-
    Generic test (model level): none of the listed columns holds a null. One scan of the model for
    all its columns instead of one `not_null` test (and one query, and one dbt node) per column:
    the 220 column-level not_null tests this project had were a third of `dbt build`'s nodes and
    most of its test time at small scale. Fails with one row per column that has nulls, and how many.
    Columns with a not_null constraint in a contract are listed too: engines that do not enforce
    constraints (Spark on parquet) are checked all the same.

    Example:
        data_tests:
          - not_null_columns:
              arguments:
                column_names: [lead_id, scoring_model_id, total_score]
-#}
{% test not_null_columns(model, column_names) %}
with

null_counts as (
    select
    {%- for column in column_names %}
        sum(case when {{ column }} is null then 1 else 0 end) as null_rows_{{ loop.index }}
        {{- ',' if not loop.last }}
    {%- endfor %}
    from {{ model }}
)

{% for column in column_names -%}
select
    '{{ column }}' as column_name,
    null_rows_{{ loop.index }} as null_rows
from null_counts
where null_rows_{{ loop.index }} > 0
{% if not loop.last %}union all
{% endif -%}
{%- endfor %}
{% endtest %}
