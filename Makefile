# One entry point for a fresh machine with only Python 3.11.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: help venv demo test lint typecheck clean

help:
	@echo "make demo   - set up the venv and scan the embedded demo account"
	@echo "make test   - set up the venv and run the whole test suite"
	@echo "make lint   - ruff check + format check; make typecheck - mypy"

$(BIN)/demarcate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(BIN)/demarcate

demo: venv
	$(BIN)/demarcate matrix

test: venv
	$(BIN)/python -m pytest -n auto; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: venv
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
