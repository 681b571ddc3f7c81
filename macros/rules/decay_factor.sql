{#-
    Exponential decay weight of an event `age_days` old under a half-life of `half_life_days`:
    0.5 ^ (age / half-life). A null half-life means the rule does not decay (weight 1).

    Example: {{ decay_factor('age_days', 'rule.half_life_days') }}
-#}
{% macro decay_factor(age_days, half_life_days) -%}
    case
        when {{ half_life_days }} is null then 1.0
        else power(0.5, cast({{ age_days }} as {{ type_double() }}) / {{ half_life_days }})
    end
{%- endmacro %}
