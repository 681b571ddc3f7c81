{#-
    Remove leading and trailing whitespace: spaces, tabs, carriage returns and line feeds (plain
    `trim` removes spaces only on some engines). Use for values typed by hand or pasted, such as
    emails.

    Example: lower({{ trim_whitespace('email') }})
-#}
{% macro trim_whitespace(expression) -%}
    {{ return(adapter.dispatch('trim_whitespace', 'lead_scoring')(expression)) }}
{%- endmacro %}

{% macro default__trim_whitespace(expression) -%}
    trim({{ expression }}, chr(32) || chr(9) || chr(10) || chr(13))
{%- endmacro %}

{% macro postgres__trim_whitespace(expression) -%}
    btrim({{ expression }}, chr(32) || chr(9) || chr(10) || chr(13))
{%- endmacro %}

{% macro spark__trim_whitespace(expression) -%}
    btrim({{ expression }}, concat(chr(32), chr(9), chr(10), chr(13)))
{%- endmacro %}
