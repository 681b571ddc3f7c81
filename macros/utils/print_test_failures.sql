{#-
    Operation: print up to `limit` rows of each stored test-failure relation (from
    `dbt build --store-failures`), one line per row, as `failure<TAB><relation><TAB><json row>`.
    `lead-scoring validate-config` calls it to show which seed rows broke which check.

    Example:
        dbt run-operation print_test_failures --args '{relations: ["main_dbt_test__audit.unique_fit_rules_rule_id"]}'
-#}
{% macro print_test_failures(relations, limit=5) %}
    {% for relation in relations %}
        {% set rows = run_query('select * from ' ~ relation ~ ' limit ' ~ (limit | int)) %}
        {% for row in rows %}
            {% set values = {} %}
            {% for column in rows.column_names %}
                {% do values.update({column: row[column] | string}) %}
            {% endfor %}
            {% do print('failure\t' ~ relation ~ '\t' ~ tojson(values)) %}
        {% endfor %}
    {% endfor %}
{% endmacro %}
