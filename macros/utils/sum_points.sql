{#-
    Sum of a double expression that is the same, bit for bit, on every run. A plain sum of doubles
    depends on the order the rows are added in, and a parallel engine adds them in whatever order
    its threads finish: DuckDB's ledger sums differed by up to 3e-14 between two builds of the same
    data, and rounded scores flipped between 0.0 and -0.0. Here each term is rounded to 12 decimals
    and added as a decimal (exact, so in any order), and the sum is returned as a double.
    The same SQL runs on DuckDB, PostgreSQL and Spark (`decimal(38, 12)` is valid on all three).

    Example: {{ sum_points('points * counted_event_count * decay_weight') }}
-#}
{% macro sum_points(expression) -%}
    {{ return(adapter.dispatch('sum_points', 'lead_scoring')(expression)) }}
{%- endmacro %}

{% macro default__sum_points(expression) -%}
    cast(sum(cast({{ expression }} as decimal(38, 12))) as {{ type_double() }})
{%- endmacro %}
