# Flowdeck: `make run` opens the app, `make test` runs the whole suite headless.
# Both set everything up on a fresh machine: a virtual environment with the newest Python >= 3.11
# present (override with PYTHON=...), and the project installed into it with its test extras.

VENV ?= .venv
PYTHON ?= $(shell tests/harness/find_python.sh)
STAMP := $(VENV)/.installed

.PHONY: run test bench bench-xl bench-all lint package clean demo

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "no Python >= 3.11 found; set PYTHON=/path/to/python3.12"; exit 1; }
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/flowdeck

test: $(STAMP)
	tests/harness/run_tests.sh $(VENV) -q

# The table of #14 (tests/bench/bench_table.py): every command beside its floor, on the large demo
# (or FLOWDECK_BENCH_DB=/path/to/store, which is copied, never written). bench-xl: the same on the
# 10x organisation, generated once into FLOWDECK_BENCH_DB (default /tmp/flowdeck-bench-xl.db) and kept.
bench: $(STAMP)
	$(VENV)/bin/python -m tests.bench table

bench-xl: $(STAMP)
	FLOWDECK_BENCH_SCALE=xl FLOWDECK_BENCH_DB=$${FLOWDECK_BENCH_DB:-/tmp/flowdeck-bench-xl.db} \
		$(VENV)/bin/python -m tests.bench table

# Every benchmark module (bench_*.py), the table included.
bench-all: $(STAMP)
	$(VENV)/bin/python -m tests.bench

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports pyproject.toml
	$(VENV)/bin/mypy data app widgets

# A onedir desktop bundle in dist/flowdeck/ (docs/packaging.md), smoke-started, and a tarball of it.
package: $(STAMP)
	$(VENV)/bin/python -m pip install -q -e '.[package]'
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build packaging/flowdeck.spec
	QT_QPA_PLATFORM=offscreen dist/flowdeck/flowdeck --help >/dev/null
	tar -C dist -czf dist/flowdeck-$$(uname -s | tr A-Z a-z)-$$(uname -m).tar.gz flowdeck
	@du -sh dist/flowdeck dist/flowdeck-*.tar.gz

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
