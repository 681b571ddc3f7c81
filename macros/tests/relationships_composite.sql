{#-
    Generic test: every row's values of `columns` exist together in `to` (a foreign key made of
    several columns, e.g. a rule's model and score group). Rows with a null in any column are
    not checked. `to_columns` defaults to the same names.

    Example:
        data_tests:
          - relationships_composite:
              arguments:
                columns: [scoring_model_id, score_group]
                to: ref('score_groups')
-#}
{% test relationships_composite(model, columns, to, to_columns=none) %}
{%- set target_columns = to_columns or columns -%}
select child.*
from {{ model }} as child
left join {{ to }} as parent
    on
    {% for column in columns -%}
        child.{{ column }} = parent.{{ target_columns[loop.index0] }}{% if not loop.last %} and {% endif %}
    {%- endfor %}
where
    parent.{{ target_columns[0] }} is null
    {% for column in columns %}and child.{{ column }} is not null {% endfor %}
{% endtest %}
