# Parcours — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 8000
SEED ?= 1

.PHONY: install run test test-fast bench lint format clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(BIN)/.installed

## make run: install, migrate, load the demo data set, serve on http://127.0.0.1:$(PORT)
run: install
	DEBUG=$${DEBUG:-1} $(BIN)/parcours migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/parcours demo --scale demo --seed $(SEED) --if-empty
	@echo "Tâches de fond (rappels, rapports) : worker lancé à côté du serveur."
	DEBUG=$${DEBUG:-1} $(BIN)/parcours db_worker --queue-name '*' --interval 1 --no-reload >var/worker.log 2>&1 & \
	  WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  DEBUG=$${DEBUG:-1} $(BIN)/parcours runserver 127.0.0.1:$(PORT)

## make test: install and run the whole suite (SQLite, or PostgreSQL when DATABASE_URL is set)
test: install
	$(BIN)/pytest -n auto --dist loadgroup

bench: install
	$(BIN)/parcours bench

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/test
