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

.PHONY: help install run test lint format services-up services-down kafka-jars clean

help:
	@echo "make run            run the platform on the embedded default (SQLite, no Kafka)"
	@echo "make test           start PostgreSQL + Kafka when needed, lint, run every test"
	@echo "make services-up    start PostgreSQL (127.0.0.1:5432) and Kafka (127.0.0.1:9092)"
	@echo "make services-down  stop them"
	@echo "make lint           ruff (lint + format check) and mypy"

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m services.embedded --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check shared services tests
	$(BIN)/ruff format --check shared services tests
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix shared services tests
	$(BIN)/ruff format shared services tests

services-up:
	bash deploy/scripts/services.sh up

services-down:
	bash deploy/scripts/services.sh down

kafka-jars:
	bash deploy/scripts/kafka.sh fetch

test: $(STAMP) lint services-up
	CI=$${CI:-false} $(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .run .mypy_cache .ruff_cache .pytest_cache
