# Entry points for users and CI. `.ci/run` calls `make test`, exactly as the README says.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
UV_VERSION := 0.13.9

.PHONY: venv demo test lint format sim lock clean

# The virtual environment, installed from the pinned lock (seconds with uv).
$(BIN)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(BIN)/python -m pip install -q uv==$(UV_VERSION)
	$(UV) pip sync -q -p $(BIN)/python requirements.lock
	$(UV) pip install -q -p $(BIN)/python --no-deps -e .
	touch $@

venv: $(BIN)/.installed

lock:
	$(UV) pip compile -q -p 3.11 requirements.in -o requirements.lock

demo: venv
	$(BIN)/python scripts/demo.py

# The test command of the README and of CI: lint, then every test (unit, DAG rules,
# integration against PostgreSQL and the simulator, end to end with real Airflow).
test: venv
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

sim: venv
	$(BIN)/python -m shopify_simulator --port 8787 --seed 1 --orders 50 --plan standard --token shpat_local_demo

clean:
	rm -rf $(VENV) .airflow .demo .pytest_cache .ruff_cache
