# `make run` and `make test` work on a fresh machine; everything lives in .venv/.
PYTHON_VERSION := $(shell cat .python-version)
# pyenv reads .python-version; elsewhere fall back to a python3.12 on PATH.
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_ENV := DEBUG=1

.PHONY: run test lint install axe migrate sample bench fuzz clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), f"Python 3.12+ needed, found {sys.version.split()[0]}"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# axe-core for the accessibility tests in the browser; needs npm, otherwise they skip
# (and fail on CI, where they must run).
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
$(AXE):
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@4; \
	else echo "npm not found: the accessibility tests will be skipped"; fi

axe: $(AXE)

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

sample: migrate
	$(DEV_ENV) $(BIN)/python manage.py load_sample_content

# The task worker (notification e-mail) runs beside the site and stops with it.
run: sample
	@echo "Serving http://127.0.0.1:8000  (admin: http://127.0.0.1:8000/admin/), with a task worker"
	$(DEV_ENV) $(BIN)/python manage.py schedule_reminders
	$(DEV_ENV) $(BIN)/python manage.py check_sources
	$(DEV_ENV) $(BIN)/python manage.py schedule_mail_sweep
	$(DEV_ENV) $(BIN)/python manage.py schedule_housekeeping
	$(DEV_ENV) $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install axe
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles

# Set DATABASE_URL=postgres://…/editorial_bench and REDIS_URL=redis://…/9 to measure
# production's stack (the newsroom run needs both and is skipped without them; it empties
# that Redis database). At the default sizes this takes about an hour on 2 cores: about
# 4 minutes to generate 100,000 articles, 15 for the pages, 30 for the newsroom.
# Smaller: make bench BENCH_SIZES="100 10000" BENCH_NEWSROOM=10000, and BENCH_ROUNDS,
# BENCH_SLICE, BENCH_MEMORY_REQUESTS (see tests/benchmarks/newsroom.py).
BENCH_SIZES ?= 100 100000
BENCH_NEWSROOM ?= 100000
bench: install
	$(BIN)/python tests/benchmarks/pages.py $(BENCH_SIZES)
	$(BIN)/python tests/benchmarks/newsroom.py $(BENCH_NEWSROOM)
	$(BIN)/python tests/benchmarks/search.py 10000 200
	$(BIN)/python tests/benchmarks/run.py 1000 300

# The import property test with fresh random damage and many more examples than the suite.
fuzz: install
	FUZZ=1 FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-2000} $(BIN)/python -m pytest -q \
		tests/importing/test_hostile_input.py tests/importing/test_restore_property.py \
		-k "damaged or come_back_equal"
