{#-
    True when `value` matches the regular expression `pattern` anywhere (unanchored search).
    Both arguments are SQL expressions (usually columns), so patterns are data, never spliced text.
    Write patterns in the common subset of RE2 (DuckDB), POSIX ARE (PostgreSQL) and Java (Spark):
    character classes, alternation, groups, anchors; no \b or lookarounds.

    Example: {{ regexp_matches('lower(job_title)', 'rule.rule_value') }}
-#}
{% macro regexp_matches(value, pattern) -%}
    {{ return(adapter.dispatch('regexp_matches', 'lead_scoring')(value, pattern)) }}
{%- endmacro %}

{% macro default__regexp_matches(value, pattern) -%}
    regexp_matches({{ value }}, {{ pattern }})
{%- endmacro %}

{% macro postgres__regexp_matches(value, pattern) -%}
    ({{ value }} ~ {{ pattern }})
{%- endmacro %}

{% macro spark__regexp_matches(value, pattern) -%}
    ({{ value }} rlike {{ pattern }})
{%- endmacro %}
