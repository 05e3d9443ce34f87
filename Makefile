PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo lint test bench doc clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test,plot]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/skextra compare --plot skextra-demo.png

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	@echo "see benchmarks/README.md for the individual commands"

doc: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[doc]"
	$(BIN)/python -m sphinx -b html doc doc/_build/html
	@echo "open doc/_build/html/index.html"

clean:
	rm -rf $(VENV) build *.egg-info
