{#-
    `expression` limited to [`lower_bound`, `upper_bound`]; a null bound does not limit.
    Written as CASE so it behaves the same on every engine (least/greatest treat nulls differently).

    Example: {{ clamp('group_points', 'score_groups.min_points', 'score_groups.max_points') }}
-#}
{% macro clamp(expression, lower_bound, upper_bound) -%}
    case
        when {{ upper_bound }} is not null and {{ expression }} > {{ upper_bound }} then {{ upper_bound }}
        when {{ lower_bound }} is not null and {{ expression }} < {{ lower_bound }} then {{ lower_bound }}
        else {{ expression }}
    end
{%- endmacro %}
