# Two commands do all set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
export DATABASE_URL ?= postgresql://inburgering:inburgering@127.0.0.1:5432/inburgering
export KAFKA_BOOTSTRAP_SERVERS ?= 127.0.0.1:9092

.PHONY: help install tools run test lint format services-up services-down kafka-jars clean rebuild

help:
	@echo "make run            run the platform on the embedded default (SQLite, no Kafka)"
	@echo "make test           start PostgreSQL + Kafka when needed, lint, run every test"
	@echo "make test-faults    kill -9 relay, projector, API, Kafka and PostgreSQL under load"
	@echo "                    (FAULTS_COMMANDS=5000 FAULTS_KILLS=3 [FAULTS_SEED=...])"
	@echo "make services-up    start PostgreSQL (127.0.0.1:5432) and Kafka (127.0.0.1:9092)"
	@echo "make services-down  stop them"
	@echo "make lint           ruff (lint + format check), mypy and import-linter (the layers)"
	@echo "make contracts      regenerate contracts/ (JSON Schemas, AsyncAPI) from the code"
	@echo "make bench          every figure of issue 8 beside its raw baseline (PostgreSQL, Kafka;"
	@echo "                    10 million national events): bench/results.json and results.md"
	@echo "make bench-quick    the same in a small size (a few minutes)"
	@echo "make bench-replay   replay throughput against kafka-python's raw consumer"
	@echo "make rebuild MODEL=caseload [GEMEENTE=GM0222]"
	@echo "                    rebuild one read model from the start of history"

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# The embedded default: SQLite under .run/data, no Kafka, whatever the test targets export.
run: $(STAMP)
	env -u DATABASE_URL -u KAFKA_BOOTSTRAP_SERVERS $(BIN)/python -m services.embedded --host $(HOST) --port $(PORT)

# One read model rebuilt from the start of history into a fresh generation, with a progress
# bar; a running query API answers from the old generation until the switch-over.
rebuild: $(STAMP)
	@test -n "$(MODEL)" || { echo "usage: make rebuild MODEL=<read model> [GEMEENTE=GM0222]" >&2; \
		$(BIN)/python -m services.projections.rebuild --help >&2; exit 2; }
	$(BIN)/python -m services.projections.rebuild $(MODEL) $(foreach g,$(GEMEENTE),--gemeente $(g))

# ruff, mypy, and import-linter: the layers and what may import what (.importlinter).
lint: $(STAMP)
	$(BIN)/ruff check contracts shared services bench tests
	$(BIN)/ruff format --check contracts shared services bench tests
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix contracts shared services bench tests
	$(BIN)/ruff format contracts shared services bench tests

services-up:
	bash deploy/scripts/services.sh up

services-down:
	bash deploy/scripts/services.sh down

kafka-jars:
	bash deploy/scripts/kafka.sh fetch

# The official AsyncAPI JSON Schemas (npm @asyncapi/specs) that CI validates contracts/ with.
TOOLS_STAMP := tools/asyncapi/node_modules/.installed-$(shell sha1sum tools/asyncapi/package-lock.json | cut -c1-12)
$(TOOLS_STAMP): tools/asyncapi/package-lock.json
	@command -v npm >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; } || { echo "npm is needed: apt-get install npm" >&2; exit 1; }
	npm ci --prefix tools/asyncapi --no-audit --no-fund --silent
	@rm -f tools/asyncapi/node_modules/.installed-* && touch $@

tools: $(TOOLS_STAMP)

test: $(STAMP) $(TOOLS_STAMP) lint services-up
	CI=$${CI:-false} $(BIN)/python -m pytest $(PYTEST_ARGS)

# Fault injection at full size: its own PostgreSQL and Kafka (free ports, fresh RUN_DIR under
# /tmp), thousands of commands, SIGKILLs of every moving part. `make test` runs the reduced
# version. A failure prints its FAULTS_SEED: rerun with `make test-faults FAULTS_SEED=<seed>`.
FAULTS_COMMANDS ?= 5000
FAULTS_KILLS ?= 3
.PHONY: test-faults
test-faults: $(STAMP)
	FAULTS_COMMANDS=$(FAULTS_COMMANDS) FAULTS_KILLS=$(FAULTS_KILLS) FAULTS_SEED=$(FAULTS_SEED) \
		$(BIN)/python -m pytest -m faults -p no:randomly -s -q $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .run .mypy_cache .ruff_cache .pytest_cache tools/asyncapi/node_modules

# The published event contracts (JSON Schemas + AsyncAPI) in contracts/; refuses an
# incompatible change of a published schema (bump contract_version: a new type version).
# Phony: contracts/ is also a directory.
.PHONY: contracts
contracts: $(STAMP)
	$(BIN)/python -m services.contracten

# Benchmarks on the real PostgreSQL and Kafka (bench/__main__.py): ingest, relay, replay,
# freshness and the national rebuild, each beside a raw baseline of the same run; writes
# bench/results.json, bench/results.md and a cProfile of the slowest stage.
# BENCH_ARGS="--national-events 1000000 --keep"
.PHONY: bench bench-quick
bench: $(STAMP) services-up
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-quick: $(STAMP) services-up
	$(BIN)/python -m bench --quick $(BENCH_ARGS)

# Replay throughput on the real broker (bench/replay.py): kafka-python's raw consumer, the
# archive projector from offset 0 and the HTTP feed, with ratios and the projector's memory.
# BENCH_ARGS="--events 50000 --postgres --tracemalloc"
.PHONY: bench-replay
bench-replay: $(STAMP) services-up
	$(BIN)/python -m bench.replay $(BENCH_ARGS)
