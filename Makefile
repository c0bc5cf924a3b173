# The front door. `make demo` and `make test` are the two commands that matter on a fresh machine.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")

.PHONY: help uv install test check format demo sandbox bench-generate bench-reporting bench-incremental bench-incremental-build bench-extraction bench-overhead bench-reconciliation test-reliability test-incremental-long

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

uv:  ## install uv with pip when the machine has none
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

install: uv  ## create .venv from uv.lock (exact pins)
	$(UV) sync --frozen

test: install  ## run the test suite (real DuckDB files, the sandbox over real HTTP), one worker per core
	$(UV) run --frozen pytest -n auto --dist loadfile

test-incremental-long: install  ## the incremental-build equivalence property test with many random change sets (INCREMENTAL_EXAMPLES=300)
	INCREMENTAL_EXAMPLES=$${INCREMENTAL_EXAMPLES:-300} $(UV) run --frozen pytest tests/warehouse/test_incremental_build.py -k equals

test-reliability: install  ## only the crash, fault, bad-input, secret/PII and concurrency tests (tests/reliability)
	$(UV) run --frozen pytest -m reliability tests/reliability

check: install  ## ruff format check, ruff lint, mypy
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen ruff check .
	$(UV) run --frozen mypy

format: install  ## apply ruff formatting and safe fixes
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

demo: install  ## the demo: sandbox -> Prefect flow -> warehouse/demo.duckdb, then headline numbers (ORDERS=20000)
	$(UV) run --frozen centra-elt demo --orders $${ORDERS:-20000}

sandbox: install  ## serve the Centra sandbox on 127.0.0.1:8765 until Ctrl-C
	$(UV) run --frozen centra-sandbox --host 127.0.0.1 --port 8765

bench-generate: install  ## time and memory of the sandbox's dataset generator (ORDERS=1000000)
	$(UV) run --frozen python -m bench.generate_dataset --orders $${ORDERS:-1000000}

bench-reporting: install  ## time and peak memory of a full reporting rebuild (ORDERS=1000000)
	$(UV) run --frozen python -m bench.build_reporting --orders $${ORDERS:-1000000}

bench-incremental: install  ## the hourly run end to end: full build, CHANGED changes + one flow run, a no-change run (ORDERS=1000000)
	$(UV) run --frozen python -m bench.incremental_run --orders $${ORDERS:-1000000} --changed $${CHANGED:-1000}

bench-incremental-build: install  ## a full build, CHANGED orders changed, an incremental build, a no-change build (ORDERS=1000000, CHANGED=1000)
	$(UV) run --frozen python -m bench.incremental_build --orders $${ORDERS:-1000000} --changed $${CHANGED:-1000}

bench-extraction: install  ## orders/s against Centra's default quotas at budget shares 100% and 50% (~6 min)
	$(UV) run --frozen python -m bench.extraction_efficiency --orders $${ORDERS:-520}

bench-overhead: install  ## quotas off: extract+load, build and an incremental run at ORDERS (1M: ~1 h), vs a naive dlt baseline over BASELINE_ORDERS
	$(UV) run --frozen python -m bench.local_overhead --orders $${ORDERS:-1000000} --baseline-orders $${BASELINE_ORDERS:-200000} $(if $(NO_BASELINE),--no-baseline,)

bench-reconciliation: install  ## requests and complexity of the nightly reconciliation at ORDERS over YEARS (1M over 3: ~5 min), nothing differing and DIFFER orders differing
	$(UV) run --frozen python -m bench.reconciliation_cost --orders $${ORDERS:-1000000} --years $${YEARS:-3} --differ $${DIFFER:-100}
