{#-
    The one place where a rule operator is evaluated: returns a boolean SQL expression that is true
    when `actual_value` satisfies `operator` against `rule_value`. All three arguments are SQL
    expressions (columns of a seed joined to the data), so rule values are matched as data and
    can never change the SQL that runs.

    Operators (text comparisons are case-insensitive and trimmed):
      equals, not_equals, in, not_in (rule_value is a `|`-separated list),
      contains, starts_with, ends_with, regex,
      between (`low|high`, inclusive), gt, gte, lt, lte (numeric),
      is_null, is_not_null (rule_value ignored).
    Any operator but is_null / not_equals / not_in is false when the actual value is null;
    not_equals and not_in are true for a null value (it is not the excluded value).
    An unknown operator evaluates to false; the seed tests reject it before any model runs.

    Example: {{ rule_condition('rule.operator', 'attribute.attribute_value', 'rule.rule_value') }}
-#}
{% macro rule_condition(operator, actual_value, rule_value) -%}
    {%- set actual = "lower(trim(" ~ actual_value ~ "))" -%}
    {%- set expected = "lower(trim(" ~ rule_value ~ "))" -%}
    {%- set actual_number = safe_to_double("trim(" ~ actual_value ~ ")") -%}
    {%- set expected_number = safe_to_double("trim(" ~ rule_value ~ ")") -%}
    coalesce(
        case {{ operator }}
            when 'equals' then {{ actual }} = {{ expected }}
            when 'not_equals' then {{ actual }} is null or {{ actual }} != {{ expected }}
            when 'in' then {{ dbt.position(dbt.concat(["'|'", actual, "'|'"]), dbt.concat(["'|'", expected, "'|'"])) }} > 0
            when 'not_in' then {{ actual }} is null or {{ dbt.position(dbt.concat(["'|'", actual, "'|'"]), dbt.concat(["'|'", expected, "'|'"])) }} = 0
            when 'contains' then {{ dbt.position(expected, actual) }} > 0
            when 'starts_with' then {{ dbt.position(expected, actual) }} = 1
            when 'ends_with' then {{ dbt.right(actual, dbt.length(expected)) }} = {{ expected }}
            when 'regex' then {{ regexp_matches(actual, "trim(" ~ rule_value ~ ")") }}
            when 'between' then {{ actual_number }} between
                {{ safe_to_double(dbt.split_part("trim(" ~ rule_value ~ ")", "'|'", 1)) }}
                and {{ safe_to_double(dbt.split_part("trim(" ~ rule_value ~ ")", "'|'", 2)) }}
            when 'gt' then {{ actual_number }} > {{ expected_number }}
            when 'gte' then {{ actual_number }} >= {{ expected_number }}
            when 'lt' then {{ actual_number }} < {{ expected_number }}
            when 'lte' then {{ actual_number }} <= {{ expected_number }}
            when 'is_null' then {{ actual_value }} is null or trim({{ actual_value }}) = ''
            when 'is_not_null' then {{ actual_value }} is not null and trim({{ actual_value }}) != ''
            else false
        end,
        false
    )
{%- endmacro %}
