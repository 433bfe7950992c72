# Two entry points, each sets everything up on a fresh machine first:
#   make demo   parse the bundled samples (later: ingest them, then open the app)
#   make test   ruff, mypy and the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint pytest setup clean

setup: $(STAMP)

# torch goes in first and pinned: an unpinned torch pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/raadsgraf parse tests/samples/seeds

lint: $(STAMP)
	$(BIN)/ruff check $(wildcard src tests bench app)
	$(BIN)/ruff format --check $(wildcard src tests bench app)
	$(BIN)/mypy src

pytest: $(STAMP)
	$(BIN)/python -m pytest

test: lint pytest

clean:
	rm -rf $(VENV) indexes/store
