{#-
    The latest date on or before date `date_expression` that lies a whole number of `interval_days`
    from the project's calendar anchor (var `scoring_calendar_anchor`, default 2000-01-02, a Sunday):
    with 7 days, the Sunday on or before it. Scoring dates derived from it (history checkpoints,
    backtest and training dates) stay put while the as-of date moves day by day, so a daily
    incremental run adds one date instead of shifting every past one. Dates before the anchor work
    too (the remainder is taken positive: engines keep the dividend's sign).

    Example: {{ anchor_date(add_days('as_of_date', -1), 7) }} as last_week_end
-#}
{% macro anchor_date(date_expression, interval_days) -%}
    {%- set anchor = var('scoring_calendar_anchor') | string | trim -%}
    {%- if not modules.re.match('^\d{4}-\d{2}-\d{2}$', anchor) -%}
        {{ exceptions.raise_compiler_error("var scoring_calendar_anchor must be a date like 2000-01-02, got '" ~ anchor ~ "'") }}
    {%- endif -%}
    {{ add_days(
        date_expression,
        '-1 * cast(((' ~ days_between("cast('" ~ anchor ~ "' as date)", date_expression) ~ ') % ' ~ interval_days
        ~ ' + ' ~ interval_days ~ ') % ' ~ interval_days ~ ' as ' ~ dbt.type_int() ~ ')',
    ) }}
{%- endmacro %}
