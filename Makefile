# Thin wrapper: dev.py does the work, so a machine with only Python 3.11 needs no make.
PYTHON ?= python3.11
.PHONY: demo test lint setup
demo:
	$(PYTHON) dev.py demo
test:
	$(PYTHON) dev.py test
lint:
	$(PYTHON) dev.py lint
setup:
	$(PYTHON) dev.py setup
