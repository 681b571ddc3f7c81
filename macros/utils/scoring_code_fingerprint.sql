{#-
    A fingerprint (md5 text) of the project's code and configuration, made at compile time: the
    checksums of its models and seeds (the seed files are the scoring rules), the text of its
    macros, the engine, and the vars that choose who is scored. Incremental models that keep rows
    computed on earlier runs (int_lead_scores_as_of, int_engagement_rule_daily_states) store it with
    each row and compute everything again when it changes. '' when the project is only parsed.

    Example: '{{ scoring_code_fingerprint() }}' as code_fingerprint
-#}
{% macro scoring_code_fingerprint() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set parts = [target.type] -%}
    {%- for unique_id in graph.nodes | sort -%}
        {%- set node = graph.nodes[unique_id] -%}
        {%- if node.package_name == project_name and node.resource_type in ['model', 'seed'] -%}
            {%- do parts.append(unique_id ~ '=' ~ node.checksum.checksum) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set project_macros = context[project_name] -%}
    {%- for name in project_macros | sort -%}
        {%- do parts.append(name ~ '=' ~ local_md5(project_macros[name].macro.macro_sql)) -%}
    {%- endfor -%}
    {%- for name in ['evaluation_holdout', 'evaluation_random_seed', 'evaluation_holdout_percent'] -%}
        {%- do parts.append(name ~ '=' ~ var(name)) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('\n'))) }}
{%- endmacro %}
