# Two commands for a fresh machine: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# Reinstalled when the dependencies or these steps change.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml Makefile | cksum | cut -d' ' -f1)

# The embedded default runs in debug mode, which lets settings generate the demo's
# SECRET_KEY and encryption key once under var/. Production sets DEBUG=false.
export DEBUG ?= true

.PHONY: install run test lint format benchmarks clean

# setuptools is upgraded with pip: a venv's own is as old as the Python that made it
# (65.5.0 with 3.11.7, affected by PYSEC-2022-43012), and the audit covers it too.
$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_periodic_tasks
	$(BIN)/python manage.py demo_setup
	PATH=$(BIN):$$PATH $(BIN)/honcho start -f Procfile

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Style, the import arrows of docs/architecture.md (contracts in pyproject.toml), the
# types of the kernel, the ledger and the three ports ([tool.mypy] in pyproject.toml), then
# every installed dependency against the PyPI advisory database (.ci/audit says what happens
# when the advisory service cannot be reached).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy core strategy ledger exchanges/gateway wallet/client campaigns/hufi
	bash .ci/audit

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/
