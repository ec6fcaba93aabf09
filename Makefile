# offline_mode — the three commands of the README, plus the benchmarks.
# Odoo 18.0 source: ODOO_PATH=/path/to/odoo make setup (remembered afterwards).

.PHONY: setup run test bench

setup:
	bash scripts/setup.sh

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

bench:
	.venv/bin/python bench/bench_sync.py
