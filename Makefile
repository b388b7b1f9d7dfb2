# The two commands of the README: `make demo` and `make test`. Both create .venv on
# first use and reinstall only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DIR := build/demo

.PHONY: demo test lint bench clean docs

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "deltagrad needs Python 3.10 or newer, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,plot]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-lint: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,plot,lint]'
	@touch $@ $(VENV)/.installed $(VENV)/.installed-test

$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[bench]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/deltagrad demo --out $(DEMO_DIR)

# Two workers: the suite's tests are independent, and this halves its time on 2 cores.
test: $(VENV)/.installed-test
	$(PY) -m pytest -n 2

lint: $(VENV)/.installed-lint
	$(VENV)/bin/ruff check autograd nn viz deltagrad tests benchmarks
	$(VENV)/bin/mypy autograd nn viz deltagrad
	$(VENV)/bin/lint-imports

bench: $(VENV)/.installed-bench
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis

# The pictures in the README are the commands' own output.
docs: $(VENV)/.installed-test
	$(VENV)/bin/deltagrad demo --out $(DEMO_DIR) --format svg >/dev/null
	cp $(DEMO_DIR)/graph.svg docs/worked_example.svg
	cp $(DEMO_DIR)/network.svg docs/network.svg
	$(VENV)/bin/deltagrad train --compiled --no-progress --plot docs
