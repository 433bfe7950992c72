# Two entry points, each sets everything up on a fresh machine first:
#   make demo   ingest the bundled samples into the store (a no-op when they are in it), then open the app
#   make test   ruff, mypy and the test suite (installs Debian's chromium and Virtuoso for the
#               browser and SPARQL-protocol tests, antiword and Tesseract for .doc and scans)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint pytest setup models clean browser services screenshots ocr-tools

#: The demo's store and what goes into it: the seeds, and the
#: Greve slice when its samples (and parser) are in the checkout.
DEMO_STORE ?= indexes/store
DEMO_SAMPLES := tests/samples/seeds $(wildcard tests/samples/firstagenda)
DEMO_PORT ?= 8501

setup: $(STAMP) models

# The built embedding models (once; a no-op when built): e5-small-int8, and the static
# fast lane distilled from it (`ingest --fast`; minutes on two cores).
MODELS_DIR ?= indexes/models
models: $(STAMP)
	RAADSGRAF_MODELS=$(MODELS_DIR) $(BIN)/raadsgraf model build
	RAADSGRAF_MODELS=$(MODELS_DIR) RAADSGRAF_MODEL=e5-small-static $(BIN)/raadsgraf model build

# torch goes in first and pinned: an unpinned torch pulls a multi-GB CUDA build. The CPU
# build (+cpu) when pip can find it (a local wheel folder in PIP_FIND_LINKS), else PyPI's.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0+cpu 2>/dev/null \
		|| $(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

# The demo shares the models folder with `make test` (built once, whichever runs first).
demo: $(STAMP)
	RAADSGRAF_MODELS=$(MODELS_DIR) $(BIN)/raadsgraf ingest --store $(DEMO_STORE) $(DEMO_SAMPLES)
	RAADSGRAF_MODELS=$(MODELS_DIR) RAADSGRAF_STORE=$(DEMO_STORE) $(BIN)/streamlit run app/Hjem.py \
		--server.address 127.0.0.1 --server.port $(DEMO_PORT) --server.headless true \
		--browser.gatherUsageStats false \
		--client.toolbarMode minimal

# The browser tests drive Debian's chromium (never a downloaded browser build).
browser:
	test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

# Servers the tests talk to through the standard protocols: Debian's Virtuoso.
services:
	bash scripts/virtuoso.sh install

# Debian tools for Word 97 .doc (antiword) and OCR of scanned PDF pages (Tesseract, Danish).
ocr-tools:
	bash scripts/ocr-tools.sh install

lint: $(STAMP)
	$(BIN)/ruff check $(wildcard src tests bench app)
	$(BIN)/ruff format --check $(wildcard src tests bench app)
	$(BIN)/mypy src

pytest: $(STAMP) models browser services ocr-tools
	$(BIN)/python -m pytest

test: lint pytest

# Renew the README's pictures (docs/screenshots/) from the browser tests; a plain
# test run writes its screenshots to a temporary folder and leaves the tree clean.
screenshots: $(STAMP) browser
	RAADSGRAF_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest tests/e2e -q

clean:
	rm -rf $(VENV) indexes/store
