{#-
    SQL (for a post-hook) that deletes the rows of incremental model `relation` whose `key_columns`
    are not in `reference` any more: what a full refresh would not write. Nothing on a first run or
    where the model is a table (Spark, which cannot delete from parquet tables): empty text then.

    Example: post_hook="{{ delete_rows_not_in(this, ref('int_scoring_population'), ['as_of_date', 'lead_id']) }}"
-#}
{% macro delete_rows_not_in(relation, reference, key_columns) -%}
    {%- if config.get('materialized') == 'incremental' -%}
        delete from {{ relation }} as stored_rows
        where not exists (
            select 1
            from {{ reference }} as reference_rows
            where
                {%- for column in key_columns %}
                    reference_rows.{{ column }} = stored_rows.{{ column }}
                    {%- if not loop.last %} and{% endif %}
                {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}
