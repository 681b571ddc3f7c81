{#-
    on-run-end hook: publish the DuckDB work copy dbt has just built to the path BI tools read, but
    only when the run built the whole project and every node succeeded. Runs its statements itself,
    logs one line saying what was published (path, size) or why not, and returns no SQL.

    Published when all of these hold:
      - the command is `dbt build` or `dbt run` (seed, snapshot and test alone leave the marts as
        they were, and `dbt test` changes nothing);
      - every result succeeded: success, pass, warn or no-op (an error, a failing test, a skipped
        node or an on-run-start failure stops it);
      - every model of the project was built in this run, whatever the selection (excluding a test
        is fine; a run of some models on top of an unfinished build would publish a mix), and not
        with --empty (tables without rows).
    `--vars '{publish: true}'` publishes after a successful partial run; `{publish: false}` never
    publishes. `dbt retry` reruns only what failed, a partial run: after a failed build, build again. The work copy is checkpointed (CHECKPOINT writes the write-ahead log into the file;
    it works here: on-run-* hooks run outside a transaction), then the UDF lead_scoring_publish(),
    registered by the dbt plugin lead_scoring.dbt_plugin, copies it and renames the copy over the
    published file (see src/lead_scoring/publish.py). A failed publish fails the run.

    DuckDB only; a no-op on the other engines, whose tables BI tools read directly.

    Example (dbt_project.yml):
        on-run-end:
          - "{{ publish_warehouse(results) }}"
-#}
{% macro publish_warehouse(results) -%}
    {{ return(adapter.dispatch('publish_warehouse', 'lead_scoring')(results)) }}
{%- endmacro %}

{% macro default__publish_warehouse(results) -%}
{%- endmacro %}

{% macro duckdb__publish_warehouse(results) -%}
    {%- if execute -%}
        {%- set setting = var('publish', 'auto') | string | lower -%}
        {%- set args = invocation_args_dict -%}
        {%- set failed = [] -%}
        {%- for result in results if result.status not in ['success', 'pass', 'warn', 'no-op'] -%}
            {%- do failed.append(result.node.name ~ ' ' ~ result.status) -%}
        {%- endfor -%}
        {%- set project_models = [] -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.package_name == project_name
            and node.config.materialized != 'ephemeral' -%}
            {%- do project_models.append(node.unique_id) -%}
        {%- endfor -%}
        {%- set built_models = [] -%}
        {%- for result in results if result.node.resource_type == 'model' -%}
            {%- do built_models.append(result.node.unique_id) -%}
        {%- endfor -%}
        {%- set skipped_models = project_models | reject('in', built_models) | list -%}
        {%- set reason = none -%}
        {%- if setting in ['false', 'no', '0'] -%}
            {%- set reason = 'var publish is false' -%}
        {%- elif flags.WHICH not in ['build', 'run'] -%}
            {%- set reason = '`dbt ' ~ flags.WHICH ~ '` does not rebuild the marts (publishing follows build and run)' -%}
        {%- elif failed -%}
            {%- set reason = failed | length ~ ' node(s) did not succeed, e.g. ' ~ failed[:3] | join(', ') -%}
        {%- elif args.get('empty') -%}
            {%- set reason = '--empty builds tables without rows' -%}
        {%- elif skipped_models and setting not in ['true', 'yes', '1'] -%}
            {%- set reason = 'partial run, ' ~ built_models | length ~ ' of ' ~ project_models | length
                ~ " models built; run them all, or pass --vars '{publish: true}'" -%}
        {%- endif -%}
        {%- set installed = run_query(
            "select count(*) from duckdb_functions() where function_name = 'lead_scoring_publish'"
        ).columns[0].values()[0] -%}
        {%- if not installed -%}
            {{ log('Warehouse not published: the dbt plugin lead_scoring.dbt_plugin is not in this profile', info=True) }}
        {%- elif reason -%}
            {%- set published = run_query('select lead_scoring_published_path()').columns[0].values()[0] -%}
            {{ log('Warehouse not published: ' ~ reason ~ '. ' ~ published ~ ' is unchanged.', info=True) }}
        {%- else -%}
            {%- do run_query('checkpoint') -%}
            {{ log(run_query('select lead_scoring_publish()').columns[0].values()[0], info=True) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
