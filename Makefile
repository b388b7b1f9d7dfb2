# The two commands of the README: `make demo` and `make test`. Both create .venv on
# first use and reinstall only when pyproject.toml or the version changes.
PYTHON ?= python3
VENV := .venv
# What an install copies into the venv's metadata: the project, and deltagrad.__version__
# (an editable install reads the code from src, but its version only when installed).
INSTALLED_FROM := pyproject.toml src/deltagrad/__init__.py
PY := $(VENV)/bin/python
DEMO_DIR := build/demo

.PHONY: demo test test-torch torch lint bench clean docs notebook translations

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "deltagrad needs Python 3.10 or newer, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(INSTALLED_FROM) | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(INSTALLED_FROM) | $(PY)
	$(PY) -m pip install --quiet -e '.[test,plot,data]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-lint: $(INSTALLED_FROM) | $(PY)
	$(PY) -m pip install --quiet -e '.[test,plot,data,lint]'
	@touch $@ $(VENV)/.installed $(VENV)/.installed-test

# PyTorch for the parity tests and the bridge: the CPU build of 2.13.0 where it lies on
# this machine's disk (a plain `pip install torch` would bring the CUDA build, ~5 GB).
$(VENV)/.installed-torch: $(INSTALLED_FROM) | $(PY)
	$(PY) -m pip install --quiet 'torch==2.13.0' || $(PY) -m pip install --quiet torch
	$(PY) -m pip install --quiet -e '.[test,plot,data,torch]'
	@touch $@ $(VENV)/.installed $(VENV)/.installed-test

$(VENV)/.installed-notebook: $(INSTALLED_FROM) | $(PY)
	$(PY) -m pip install --quiet -e '.[test,plot,notebook]'
	@touch $@ $(VENV)/.installed $(VENV)/.installed-test

$(VENV)/.installed-bench: $(INSTALLED_FROM) | $(PY)
	$(PY) -m pip install --quiet -e '.[bench]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/deltagrad demo --out $(DEMO_DIR)

# Two workers: the suite's tests are independent, and this halves its time on 2 cores; a
# worker that runs out of tests takes some from the other (worksteal), so that a long test
# near the end does not leave one core idle. Bytecode is cached (some machines set
# PYTHONDONTWRITEBYTECODE): the command tests start many Python processes, and each would
# compile every module again.
test: $(VENV)/.installed-test
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -n 2 --dist worksteal

# The PyTorch parity tests alone (make test runs them too once torch is installed).
torch: $(VENV)/.installed-torch

test-torch: $(VENV)/.installed-torch
	$(PY) -m pytest -n 2 tests/test_torch.py tests/test_bridge.py

notebook: $(VENV)/.installed-notebook
	$(VENV)/bin/jupyter lab docs/tutorial.ipynb

# Without torch too (mypy reads torch as untyped): a fresh clone lints. The page scripts get
# node --check where node is on PATH (.ci/run installs Debian's nodejs).
lint: $(VENV)/.installed-lint
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy src/deltagrad
	$(VENV)/bin/lint-imports
	@if command -v node >/dev/null 2>&1; then \
		files=$$(find src benchmarks tests -name '*.js' -not -path '*/node_modules/*'); \
		for f in $$files; do node --check "$$f" || exit 1; done; \
		echo "node --check: $$(echo $$files | wc -w) JavaScript files parse"; \
	else echo "JavaScript lint skipped: node is not on PATH (apt-get install nodejs)"; fi

bench: $(VENV)/.installed-bench
	$(PY) -m benchmarks.run
	$(PY) -m benchmarks.classes
	@if $(PY) -c "import playwright" 2>/dev/null; then $(PY) -m benchmarks.stepper && $(PY) -m benchmarks.playground; \
	else echo "page benchmarks (stepper, playground) skipped: they need Playwright (make test installs it) and chromium"; fi

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis

# The pictures in the README are the commands' own output (docs/build.py: the stepper's
# screenshot, the tanh derivatives and the graph of a gradient).
docs: $(VENV)/.installed-test
	$(VENV)/bin/deltagrad demo --out $(DEMO_DIR) --format svg --html >/dev/null
	cp $(DEMO_DIR)/graph.svg docs/worked_example.svg
	cp $(DEMO_DIR)/network.svg docs/network.svg
	$(VENV)/bin/deltagrad train --compiled --no-progress --plot docs --animate docs/training.gif
	$(VENV)/bin/deltagrad train --data iris --hidden 8 --activation tanh --epochs 30 --compiled --no-progress \
		--plot $(DEMO_DIR)/iris >/dev/null
	cp $(DEMO_DIR)/iris/confusion.png docs/iris_confusion.png
	$(VENV)/bin/deltagrad inits --compiled --no-progress --plot docs > docs/inits.txt
	$(PY) docs/build.py

# The translation catalogs: extract every _(), N_() and ngettext() text of the package,
# bring each language's .po up to date (new texts empty, removed ones dropped) and compile
# the .mo files that ship in the wheel. Then translate the empty msgstr of the .po and run
# this again; tests/test_i18n.py fails on an untranslated, fuzzy or unused message. A run
# that finds nothing new keeps the .po as it was (its extraction date too), so the .mo is
# the same bytes again.
LOCALE := src/deltagrad/locale
LOCALE_LANGS := ru
translations: $(VENV)/.installed-test
	@mkdir -p build
	$(VENV)/bin/pybabel extract --no-default-keywords -k _ -k N_ -k ngettext:1,2 --no-location --no-wrap \
		--sort-output --project deltagrad --copyright-holder "deltagrad authors" \
		-o build/deltagrad.pot src/deltagrad
	for lang in $(LOCALE_LANGS); do \
		po=$(LOCALE)/$$lang/LC_MESSAGES/deltagrad.po; \
		if [ -f $$po ]; then grep -v '^"POT-Creation-Date: ' $$po > build/$$lang.po.before; cp $$po build/$$lang.po.kept; fi; \
		$(VENV)/bin/pybabel update -D deltagrad -i build/deltagrad.pot -d $(LOCALE) -l $$lang --init-missing \
			--no-wrap --no-fuzzy-matching --ignore-obsolete || exit 1; \
		grep -v '^"POT-Creation-Date: ' $$po > build/$$lang.po.after; \
		if cmp -s build/$$lang.po.before build/$$lang.po.after; then cp build/$$lang.po.kept $$po; fi; \
	done
	$(VENV)/bin/pybabel compile -D deltagrad -d $(LOCALE) --statistics
