{#-
    Generic test: the combination of `combination_of_columns` is unique across the model (the
    primary key of a model whose grain spans several columns). Fails with each repeated key.

    Example:
        data_tests:
          - unique_combination_of_columns:
              arguments:
                combination_of_columns: [lead_id, scoring_model_id]
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select
    {{ combination_of_columns | join(', ') }},
    count(*) as row_count
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}
