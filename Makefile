# The few commands everyone runs. `make demo` and `make test` each build the
# virtual environment first, so a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
DEMO_DB ?= demo.db
PORT ?= 8080
# The browser tests drive Debian's chromium (no browser download of Playwright's own).
CHROMIUM ?= /usr/bin/chromium
SUDO = $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: demo test lint compile bench clean poppler

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Byte-compile our own modules: where PYTHONDONTWRITEBYTECODE is set, every
# command would otherwise recompile them (about a third of a CLI write's time).
compile: $(BIN)/.installed
	$(BIN)/python -m compileall -q src

# Records the demo (printing its demo-only sign-ins), then serves it until Ctrl-C.
demo: compile
	$(BIN)/scaletrack --db sqlite:///$(DEMO_DB) demo --fresh
	$(BIN)/scaletrack --db sqlite:///$(DEMO_DB) serve --port $(PORT)

lint: compile
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

# The report tests read PDFs with poppler's pdftotext and pdftoppm (Debian's poppler-utils).
poppler:
	@command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || \
		{ $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq poppler-utils; }

test: lint $(CHROMIUM) poppler
	$(BIN)/pytest --require-postgres

# The benchmark's baselines include sqlite-utils (the extra "bench").
$(BIN)/.bench: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(BIN)/.bench
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build/screenshots $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm .pytest_cache .mypy_cache .ruff_cache
