{#-
    on-run-start hook: stop a run that reads raw files before anything is built when a raw file is
    missing, empty, unreadable (truncated Parquet, not UTF-8), has wrong or missing columns or the
    wrong CSV delimiter, with one line per file saying what is wrong (the checks of
    `lead-scoring check-raw`, src/lead_scoring/raw_files.py). Without it, some of these faults
    fail deep inside a model with an unrelated message, and some pass silently.

    DuckDB only: the check runs in the UDF lead_scoring_raw_problems(raw_dir, raw_format) that the
    dbt plugin lead_scoring.dbt_plugin registers. PostgreSQL and Spark read raw tables that
    `lead-scoring load-postgres` / check-warehouses check before loading. Skipped when the run
    selects no model (seed-only validation, `dbt test`) or with `--vars '{check_raw_files: false}'`.

    Example (dbt_project.yml):
        on-run-start:
          - "{{ check_raw_files() }}"
-#}
{% macro check_raw_files() -%}
    {{ return(adapter.dispatch('check_raw_files', 'lead_scoring')()) }}
{%- endmacro %}

{% macro default__check_raw_files() -%}
{%- endmacro %}

{% macro duckdb__check_raw_files() -%}
    {%- if execute and var('check_raw_files', true) | string | lower not in ['false', 'no', '0'] -%}
        {%- set models = [] -%}
        {%- for resource in selected_resources if resource.startswith('model.') -%}
            {%- do models.append(resource) -%}
        {%- endfor -%}
        {%- if models -%}
            {%- set raw_dir = var('raw_dir', env_var('LEAD_SCORING_RAW_DIR', 'data/raw')) | string | trim -%}
            {%- set raw_format = var('raw_format', env_var('LEAD_SCORING_RAW_FORMAT', 'parquet')) | string | trim -%}
            {%- set checked = run_query(
                "select lead_scoring_raw_problems('" ~ raw_dir | replace("'", "''") ~ "', '"
                ~ raw_format | replace("'", "''") ~ "')"
            ) -%}
            {%- set problems = checked.columns[0].values()[0] -%}
            {%- if problems -%}
                {{ exceptions.raise_compiler_error(
                    "The raw files in " ~ raw_dir ~ " cannot be built from; nothing was built or published:\n"
                    ~ problems
                ) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
