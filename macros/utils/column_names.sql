{#-
    The column names of `relation` as they exist in the warehouse (quoted where the name is not
    lower case), read when the model runs; `default` when the relation does not exist yet or the
    project is only parsed or compiled without a warehouse. For code that must cover every column of
    an input, including columns added to it later (int_lead_input_fingerprints).

    Example: {{ hash_agg(column_names(ref('stg_crm__leads'), ['lead_id'])) }}
-#}
{% macro column_names(relation, default) -%}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do names.append(adapter.quote(column.name) if column.name != column.name | lower else column.name) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names or default) }}
{%- endmacro %}
