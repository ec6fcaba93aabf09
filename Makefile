# offline_mode — the three commands of the README, plus the benchmarks.
# Odoo 18.0 source: ODOO_PATH=/path/to/odoo make setup (remembered afterwards).

.PHONY: setup run test lint test-addon test-system crawl bench

setup:
	bash scripts/setup.sh

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	bash scripts/test.sh lint

test-addon:
	bash scripts/test.sh addon

test-system:
	bash scripts/test.sh system

crawl:
	PYTEST_ARGS="test_crawler.py -s" bash scripts/test.sh system

bench:
	.venv/bin/python bench/bench_sync.py
