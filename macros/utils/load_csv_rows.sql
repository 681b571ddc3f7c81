{#-
    Spark implementation of dbt's seed loader load_csv_rows(): inserts the CSV rows as SQL
    literals. dbt-spark's own loader passes every value as a query binding, and its `session`
    connection formats a missing value as the text 'None' (dbt-labs/dbt-adapters#487), so empty
    cells of text columns (property_name, segment_operator, ...) would not be null. Here an empty
    cell is `null`, text is quoted with `\` and `'` escaped (Spark literals read backslash
    escapes), numbers and booleans are written as such, and each value is cast to its column type.
    Other engines keep their adapter's loader.
-#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set column_types = [] -%}
    {%- for column_name in agate_table.column_names -%}
        {%- do column_types.append(column_override.get(column_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                {%- for value in row -%}
                    {%- if value is none -%}
                        {%- set literal = 'null' -%}
                    {%- elif value is sameas true or value is sameas false -%}
                        {%- set literal = value | string | lower -%}
                    {%- elif value is number -%}
                        {%- set literal = value | string -%}
                    {%- else -%}
                        {%- set literal = "'" ~ (value | string | replace('\\', '\\\\') | replace("'", "\\'")) ~ "'" -%}
                    {%- endif -%}
                    cast({{ literal }} as {{ column_types[loop.index0] }}){{ ', ' if not loop.last }}
                {%- endfor -%}
                ){{ ',' if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{%- endmacro %}
