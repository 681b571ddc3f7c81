{#-
    Generic test: every row (optionally only rows matching `where`) satisfies the boolean SQL
    `expression`. Fails with the offending rows.

    Example (in a YAML `data_tests:` list):
        - expression_is_true:
            arguments:
              expression: "hot_min_score > warm_min_score"
-#}
{% test expression_is_true(model, expression, where=none) %}
select *
from {{ model }}
where
    not coalesce(({{ expression }}), false)
    {% if where %}and ({{ where }}){% endif %}
{% endtest %}
