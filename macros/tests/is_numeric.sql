{#-
    Generic test: every non-null value of the column reads as a number. Seeds are loaded with
    inferred types, so a typo such as `ten` turns a points column into text; this names the row.

    Example:
        - name: points
          data_tests: [is_numeric]
-#}
{% test is_numeric(model, column_name) %}
select *
from {{ model }}
where
    {{ column_name }} is not null
    and {{ safe_to_double('cast(' ~ column_name ~ ' as ' ~ dbt.type_string() ~ ')') }} is null
{% endtest %}
