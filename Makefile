# plankg — the two commands a new user needs: `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
NATIVE := $(VENV)/.built-native

.PHONY: demo test lint install dev build system-deps bench bench-quick docs clean web

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Dependencies first, without compiling (PLANKG_COMPILE=0); `build` compiles once after them.
$(STAMP): pyproject.toml setup.py | $(BIN)/python
	PLANKG_COMPILE=0 $(BIN)/pip install -q -e .
	touch $@

$(DEVSTAMP): pyproject.toml setup.py | $(BIN)/python
	PLANKG_COMPILE=0 $(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP) $@

install: $(STAMP)
dev: $(DEVSTAMP)

# The extraction hot path compiled with mypyc (setup.py, loaders/native.py): again whenever a loader
# source changes. Old builds are removed first: a stale extension would shadow its edited source
# (loaders/native.py then imports the sources instead). Fails if nothing got compiled.
build: $(NATIVE)
$(NATIVE): setup.py $(wildcard loaders/*.py) | $(STAMP)
	rm -rf build loaders/*.so
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/python -c "import sys, loaders.native as n; print('loaders:', n.mode); sys.exit(n.mode != 'compiled')"
	touch $@

# Debian packages the test suite needs: Chromium for the browser tests, a CJK font for plots.
system-deps:
	@if command -v apt-get >/dev/null 2>&1 && { [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK\|WenQuanYi'; }; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fontconfig >/dev/null; \
	fi

demo: $(STAMP) $(NATIVE) web
	PLANKG_STORE=.plankg/demo.plankg $(BIN)/plankg load examples/*.txt
	PLANKG_STORE=.plankg/demo.plankg $(BIN)/plankg report

lint: $(DEVSTAMP)
	$(BIN)/ruff check graph loaders queries api tests benchmarks setup.py
	$(BIN)/mypy

test: $(DEVSTAMP) $(NATIVE) system-deps web lint
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

bench-quick: $(DEVSTAMP) $(NATIVE)
	$(BIN)/python -m benchmarks.run --quick

bench: $(DEVSTAMP) $(NATIVE)
	$(BIN)/python -m benchmarks.run

docs: $(DEVSTAMP)
	$(BIN)/python -m api.catalog_docs > docs/queries.md

# The explorer page's front-end libraries: from the npm registry into api/static/vendor (ignored).
WEB_VENDOR := api/static/vendor/cytoscape.min.js
web: $(WEB_VENDOR)
$(WEB_VENDOR): web/package.json web/package-lock.json web/build.mjs
	cd web && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; } && npm run build
	touch $@

clean:
	rm -rf $(VENV) .plankg build *.egg-info web/node_modules api/static/vendor loaders/*.so

# Re-draw docs/notebook_*.png by executing the analyst notebooks on the bundled plans
# (embedded store; the notebooks themselves stay without outputs).
.PHONY: notebook-figures
notebook-figures: $(DEVSTAMP)
	cd notebooks && for nb in *.ipynb; do \
		env -u NEO4J_URI PLANKG_FIGURES=$(CURDIR)/docs PYTHONPATH=$(CURDIR) \
		$(abspath $(BIN))/jupyter nbconvert --to notebook --execute --stdout "$$nb" >/dev/null || exit 1; \
	done
