.PHONY: run test bench

# Set up everything and run the site on SQLite with the demo content.
run:
	@bash scripts/run.sh

# Run the whole test suite on SQLite and on PostgreSQL.
test:
	@bash scripts/test.sh

# Measure the No. 6 page against a minimal view under gunicorn with wrk.
bench:
	@bash scripts/bench.sh
