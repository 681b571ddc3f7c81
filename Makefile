# Lead-scoring warehouse: the two commands are `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
SPARK_VENV := .venv-spark
BIN := $(CURDIR)/$(VENV)/bin
DBT := $(BIN)/dbt

# Demo scale: 10,000 leads and ~505,000 events (the generator lands ~3 % under the requested mean).
# Change with `make demo LEADS=100000 EVENTS_PER_LEAD=50`.
LEADS ?= 10000
EVENTS_PER_LEAD ?= 52
DAYS ?= 365
SEED ?= 42
# Cross-engine check (make test-warehouses): engines and scale.
WAREHOUSE_ENGINES ?= postgres,spark
WAREHOUSE_LEADS ?= 2000

# Nothing may wait on the network: no telemetry, no version checks.
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_PROFILES_DIR := $(CURDIR)
export GX_ANALYTICS_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv venv-spark data check-raw validate-config build report demo test lint pytest test-warehouses validate-data \
	bench byod byod-olist clean

help:
	@echo "make demo   - install, generate $(LEADS) leads of synthetic data, dbt build, print the tiers, write the report"
	@echo "make report - (re)write the HTML report reports/lead_scoring_report.html from the published warehouse"
	@echo "make test   - lint (sqlfluff, ruff), dbt build with every test on fresh data, pytest"
	@echo "make test-warehouses - the same project on PostgreSQL and Spark, compared with DuckDB"
	@echo "make byod MAPPING=x.yml - import your own CRM export and build it apart (make byod-olist: Olist)"
	@echo "make bench  - scale benchmark (BENCH_SCALES=S,M,L): generate, full and incremental build, single query"
	@echo "make clean  - remove the virtualenv, generated data, warehouse and dbt artefacts"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Spark has a virtualenv of its own: pyspark is a ~450 MB source build (about a minute).
venv-spark: $(SPARK_VENV)/.installed

$(SPARK_VENV)/.installed: requirements-spark.lock pyproject.toml
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet -r requirements-spark.lock
	$(SPARK_VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

data: venv
	$(BIN)/lead-scoring generate --leads $(LEADS) --events-per-lead $(EVENTS_PER_LEAD) --days $(DAYS) \
		--seed $(SEED) --out data/raw --truth-dir data/truth

# Validate the scoring configuration (load the seeds, run their tests) before any model is built;
# a failure names the seed file, the check and the offending rows.
validate-config: venv
	mkdir -p warehouse
	$(BIN)/lead-scoring validate-config

# Whole-file faults of the raw files (missing, empty, unreadable, wrong columns or delimiter, not UTF-8)
# stop the build here with one line per file, before dbt starts.
check-raw: venv
	$(BIN)/lead-scoring check-raw

build: check-raw validate-config
	$(DBT) build --full-refresh

# Static HTML report with charts for a marketing lead (one offline file), from the published warehouse.
report: venv
	$(BIN)/lead-scoring report

demo: data build
	$(BIN)/lead-scoring summary
	$(BIN)/lead-scoring evaluate --truth data/truth/lead_truth.parquet
	$(BIN)/lead-scoring report

# sqlfluff's dbt templater connects to the warehouse: give it an empty scratch one, so is_incremental()
# renders as in a fresh clone whatever was built, and lint never waits for a running build's lock.
lint: venv
	$(BIN)/ruff check src tests/python models benchmarks
	$(BIN)/ruff format --check src tests/python models benchmarks
	LEAD_SCORING_DUCKDB_PATH=$(CURDIR)/build/lint/lead_scoring.duckdb \
		$(BIN)/sqlfluff lint models macros tests/config tests/marts analyses

pytest: venv
	$(BIN)/pytest

# Build on DuckDB, PostgreSQL (a throwaway local server, installed from Debian if missing) and
# Spark with every test, and compare the score marts row by row.
test-warehouses: venv $(if $(findstring spark,$(WAREHOUSE_ENGINES)),venv-spark)
	$(BIN)/lead-scoring check-warehouses --engines $(WAREHOUSE_ENGINES) --leads $(WAREHOUSE_LEADS) \
		--work-dir build/warehouses

# Great Expectations: raw-file contract and distributions, mart distributions (strict on generated
# data); Data Docs in reports/data_docs/index.html.
validate-data: venv
	$(BIN)/lead-scoring validate-data --strict

test: lint data build validate-data test-warehouses pytest

# Bring your own data (README "Bring your own data"): import a CRM export described by a mapping file
# and build it into a warehouse of its own under build/byod/<name>/ (raw files, warehouse, a project
# copy with the export's extra seed rows, dbt target and logs; git-ignored), then print the evaluation.
# The main warehouse, target/ and logs/ are not touched. `make byod MAPPING=path/to/mapping.yml`.
MAPPING ?= examples/olist/mapping.yml
BYOD_NAME ?= $(notdir $(patsubst %/,%,$(dir $(MAPPING))))
BYOD_DIR ?= build/byod/$(BYOD_NAME)
# Olist (CC BY-NC-SA 4.0: never commit it or anything derived): the byte-exact Kaggle originals if present.
OLIST_DATA ?= $(abspath ../shared/data/olist_marketing_funnel)
export OLIST_DATA_DIR ?= $(if $(wildcard $(OLIST_DATA)/restored_to_kaggle_original/*.csv),$(OLIST_DATA)/restored_to_kaggle_original,$(OLIST_DATA))

byod: venv
	$(BIN)/lead-scoring import-crm --mapping $(MAPPING) --out $(BYOD_DIR)/raw
	$(BIN)/lead-scoring build-byod --raw-dir $(BYOD_DIR)/raw

byod-olist:
	$(MAKE) byod MAPPING=examples/olist/mapping.yml BYOD_NAME=olist

# Scale benchmark (issue 6): per scale, generate, `dbt build --full-refresh` (tests included), the
# one-query practical limit (benchmarks/single_query.sql), append a day, incremental `dbt build`;
# each in build/bench/<scale>/. Prints a table, writes benchmarks/results.json.
# S = 10k leads / 0.5M events, M = 100k / 5M, L = 1M / 50M: `BENCH_SCALES=S make bench`.
BENCH_SCALES ?= S,M,L
# BENCH_BUILDS=0: only generate, the scoring path and the single query (a scale whose builds do not fit)
# BENCH_REFERENCE=0: no scoring path and single query (their earlier figures are kept, with their date)
bench: venv
	BENCH_SCALES=$(BENCH_SCALES) $(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(SPARK_VENV) data target target_* logs build reports
	find warehouse -name '*.duckdb*' -delete
