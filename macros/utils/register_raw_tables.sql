{#-
    on-run-start hook: on engines whose sources must be tables, register the raw files as the
    sources' tables before anything runs. Runs its statements itself and returns no SQL.

    DuckDB reads the files in place through the sources' `external_location` (nothing to do here).
    Spark: (re)creates schema `raw_schema` and, for every source in it, an external table over the
    files `<raw_dir>/<table>*.parquet` (or `*.csv`) at their absolute path (a relative raw_dir is
    relative to the project directory). Tables are dropped and re-created on every run, so files
    added since the last run are read; dropping an external table never deletes the files.

    Example (dbt_project.yml):
        on-run-start:
          - "{{ register_raw_tables() }}"
-#}
{% macro register_raw_tables() -%}
    {{ return(adapter.dispatch('register_raw_tables', 'lead_scoring')()) }}
{%- endmacro %}

{% macro default__register_raw_tables() -%}
{%- endmacro %}

{% macro spark__register_raw_tables() -%}
    {%- if execute -%}
        {%- set raw_schema = var('raw_schema', env_var('LEAD_SCORING_RAW_SCHEMA', 'raw')) -%}
        {%- set raw_format = var('raw_format', env_var('LEAD_SCORING_RAW_FORMAT', 'parquet')) -%}
        {%- set raw_dir = var('raw_dir', env_var('LEAD_SCORING_RAW_DIR', 'data/raw')) | string | trim -%}
        {%- if not raw_dir.startswith('/') -%}
            {%- set project_dir = invocation_args_dict.get('project_dir', '.') | string -%}
            {%- if not project_dir.startswith('/') -%}
                {#- `--project-dir` given as a relative path: relative to the current directory, which
                    the in-process Spark driver shares (Spark itself would resolve a relative table
                    path against the schema's warehouse directory) -#}
                {%- set cwd = run_query("select reflect('java.lang.System', 'getProperty', 'user.dir')") -%}
                {%- set project_dir = cwd.columns[0].values()[0] ~ '/' ~ project_dir -%}
            {%- endif -%}
            {%- set raw_dir = project_dir ~ '/' ~ raw_dir -%}
        {%- endif -%}
        {%- if raw_format == 'csv' -%}
            {%- set read_options = "header 'true', inferSchema 'true'" -%}
        {%- else -%}
            {%- set read_options = "mergeSchema 'true'" -%}
        {%- endif -%}
        {%- do run_query('create schema if not exists ' ~ raw_schema) -%}
        {%- for source in graph.sources.values()
            if source.package_name == project_name and source.schema == raw_schema -%}
            {%- set path = raw_dir ~ '/' ~ source.identifier ~ '*.' ~ raw_format -%}
            {%- do run_query('drop table if exists ' ~ raw_schema ~ '.' ~ source.identifier) -%}
            {%- do run_query(
                'create table ' ~ raw_schema ~ '.' ~ source.identifier
                ~ ' using ' ~ raw_format
                ~ " options (path '" ~ path | replace('\\', '\\\\') | replace("'", "\\'") ~ "', " ~ read_options ~ ')'
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
