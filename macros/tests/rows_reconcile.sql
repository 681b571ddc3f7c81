{#-
    Generic test for a quarantine model: every raw row is accounted for, exactly once. Fails (one
    row with the three counts) unless rows of `raw` = rows of `clean` + rows of the tested
    (rejected) model. Put it on each `*_rejected` model.

    Example:
        - name: stg_web__events_rejected
          data_tests:
            - rows_reconcile:
                arguments:
                  raw: source('web', 'web_events')
                  clean: ref('stg_web__events')
-#}
{% test rows_reconcile(model, raw, clean) %}
with

counts as (
    select
        (select count(*) from {{ raw }}) as raw_rows,
        (select count(*) from {{ clean }}) as clean_rows,
        (select count(*) from {{ model }}) as rejected_rows
)

select *
from counts
where raw_rows != clean_rows + rejected_rows
{% endtest %}
