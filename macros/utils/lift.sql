{#-
    Lift of a group against its population: the group's conversion rate divided by the population's,
    as a double. Null when the population has no conversion (no rate to compare with).

    Example: {{ lift('conversion_count', 'lead_count', 'total_conversion_count', 'total_lead_count') }} as lift
-#}
{% macro lift(group_conversions, group_leads, total_conversions, total_leads) -%}
    {{ return(adapter.dispatch('lift', 'lead_scoring')(group_conversions, group_leads, total_conversions, total_leads)) }}
{%- endmacro %}

{% macro default__lift(group_conversions, group_leads, total_conversions, total_leads) -%}
    case
        when {{ total_conversions }} > 0
            then
                (cast({{ group_conversions }} as {{ type_double() }}) / {{ group_leads }})
                / (cast({{ total_conversions }} as {{ type_double() }}) / {{ total_leads }})
    end
{%- endmacro %}
