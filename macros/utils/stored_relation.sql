{#-
    The relation an incremental model of this project stored on an earlier run, for a model upstream
    of it that decides what the run computes (it cannot ref a downstream model): none when the
    model is not incremental on this engine, on --full-refresh, when the relation does not exist, or
    when it lacks `required_column` (stored by an older version of the project).

    Example: {% set previous = stored_relation('int_lead_scores_as_of', 'input_fingerprint') %}
-#}
{% macro stored_relation(model_name, required_column) -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ model_name) if execute else none -%}
    {%- if not node or node.config.materialized != 'incremental' or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set relation = load_relation(api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.alias,
    )) -%}
    {%- if relation is none or required_column not in column_names(relation, []) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
