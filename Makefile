# Two commands do all set-up on a fresh machine:
#   make run   - virtual env, install, ingest examples/ into ./data, serve on 127.0.0.1:8000
#   make test  - virtual env with the test extras, then the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test ingest-examples serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

ingest-examples: install
	$(BIN)/notice-qa ingest examples/

serve: install
	$(BIN)/notice-qa serve --host $(HOST) --port $(PORT)

run: ingest-examples serve

test: install-test
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) data .pytest_cache
