# Entry points for users and CI. `.ci/run` calls `make test`, exactly as the README says.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
UV_VERSION := 0.13.9

.PHONY: venv demo test lint format sim lock clean check-connection bench bench-quick bench-pacing bench-reverse bench-fulfillments bench-transform bench-hourly up down browser pools

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
test: venv browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Debian's chromium, for the Airflow UI test's screenshot (tests/e2e/test_airflow_ui.py); Playwright
# drives it and never downloads a browser of its own. Installed when missing (as root, with apt-get);
# where it cannot be, that test skips its screenshot and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	    if [ "$$(id -u)" = 0 ]; then \
	        echo "Installing Debian's chromium for the Airflow UI test"; \
	        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	            --no-install-recommends chromium >/dev/null; } || echo "chromium could not be installed"; \
	    else echo "chromium is missing (apt-get install chromium as root): the UI test will skip its screenshot"; fi; }

# A local Airflow UI in the background, wired for the demo (simulator, warehouse, connections, the
# project's DAGs); prints its address and login. `make down` stops it. Logs in .airflow/.
UI_PORT ?= 8080
up: venv
	$(BIN)/python scripts/up.py up --port $(UI_PORT)

down: venv
	$(BIN)/python scripts/up.py down

lint: venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# The connection's Test button from a shell: CONN=shopify_<name> (defined in Airflow or as AIRFLOW_CONN_*).
CONN ?= shopify_default
check-connection: venv
	AIRFLOW__CORE__PLUGINS_FOLDER=$(CURDIR)/plugins $(BIN)/python -m shopify_elt.connection_check $(CONN)

# Each shop's Airflow pools (include/shops.yaml, or SHOPIFY_ELT_SHOPS_FILE), created or updated in the
# metadata database of the environment's Airflow (AIRFLOW_HOME …, after `airflow db migrate`); the
# scheduler runs no task whose pool does not exist. `make up` does it itself.
pools: venv
	AIRFLOW__CORE__PLUGINS_FOLDER=$(CURDIR)/plugins $(BIN)/python -m shopify_elt.pools

# Every benchmark of bench/ (issue 10), each appending its figures to bench/RESULTS.md, then one summary
# table (measured value, limit, ratio per figure): `bench` at full size (each within about half an hour
# on 2 cores), `bench-quick` at about a minute each (not tests).
bench: venv
	$(BIN)/python bench/run_all.py --full

bench-quick: venv
	$(BIN)/python bench/run_all.py --quick

# An hourly run (extract every stream, build core) after 1k orders changed on a 100k-order store: API
# requests, points, THROTTLED answers, seconds paced, rows and wall time per stage, without Airflow.
bench-hourly: venv
	$(BIN)/python bench/hourly.py --orders 100000 --changed 1000

# How much of the plan's restore rate extraction spends on data (prints figures, appends them to
# bench/RESULTS.md; not a test).
bench-pacing: venv
	$(BIN)/python bench/pacing.py --orders 5000 --seconds 60

# Inventory levels pushed back to Shopify: calls per 10k changed levels against ⌈N/250⌉, wall time,
# calls when nothing changed (prints figures, appends them to bench/RESULTS.md; not a test).
bench-reverse: venv
	$(BIN)/python bench/reverse_sync.py --levels 10000

# 1k back-office shipments pushed as Shopify fulfillments: calls against one fulfillmentCreate per
# shipment plus one fulfillment-order search per 50, wall time, calls when nothing changed (not a test).
bench-fulfillments: venv
	$(BIN)/python bench/fulfillment_push.py --fulfillments 1000

# The core build over 100k staged orders: first build against a bare INSERT … SELECT, a re-run with
# nothing changed, and the incremental build after 1k changed orders (prints figures, appends them
# to bench/RESULTS.md; not a test).
bench-transform: venv
	$(BIN)/python bench/transform.py --orders 100000

sim: venv
	$(BIN)/python -m shopify_simulator --port 8787 --seed 1 --orders 50 --plan standard --token shpat_local_demo

clean:
	rm -rf $(VENV) .airflow .demo .pytest_cache .ruff_cache

# ------------------------------------------------------------------------------ webhooks (issue 9)
# The webhook receiver (plugins/shopify_elt/webhooks/receiver.py) under uvicorn on WEBHOOK_PORT. The app's
# secret comes from SHOPIFY_WEBHOOK_SECRET (or WEBHOOK_ARGS="--conn-id shopify_<name>": the connection's
# extra webhook_secret), the warehouse from SHOPIFY_WEBHOOK_DATABASE_URL or the warehouse_default connection.
.PHONY: webhooks bench-webhooks
WEBHOOK_PORT ?= 8000
WEBHOOK_ARGS ?=
webhooks: venv
	AIRFLOW__CORE__PLUGINS_FOLDER=$(CURDIR)/plugins $(BIN)/python -m shopify_elt.webhooks.receiver \
	    --port $(WEBHOOK_PORT) $(WEBHOOK_ARGS)

# Signed deliveries on loopback: deliveries/s held with zero loss, then the same with the receiver killed
# (SIGKILL) and restarted half-way (prints figures, appends them to bench/RESULTS.md; not a test).
bench-webhooks: venv
	$(BIN)/python bench/webhooks.py --deliveries 20000 --concurrency 32
	$(BIN)/python bench/webhooks.py --deliveries 20000 --concurrency 32 --restart
